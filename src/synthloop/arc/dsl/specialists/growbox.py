"""Grow to the marker: each solid box (a filled rectangle, possibly of several colours) stretches straight towards
the one-cell marker that lies beside it (in its rows or in its columns) until its far edge covers the marker; the
box's inner line next to that edge is repeated, so borders stay borders. Nothing is learned: the rule either fits
every demo or not.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import same_shapes
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate

_MAX_OBJECTS = 12


def _stretch(patch: np.ndarray, axis: int, far_end: bool, extra: int) -> np.ndarray:
    """`patch` longer by `extra` lines along `axis`, repeating the inner line next to the far (or near) edge."""
    p = patch if axis == 0 else patch.T
    n = p.shape[0]
    if far_end:
        rep = p[max(n - 2, 0)]
        out = np.vstack([p[: n - 1], np.repeat(rep[None], extra, axis=0), p[n - 1:]])
    else:
        rep = p[min(1, n - 1)]
        out = np.vstack([p[:1], np.repeat(rep[None], extra, axis=0), p[1:]])
    return out if axis == 0 else out.T


def _grow(pair: tuple[O.Object, O.Object], g: np.ndarray) -> tuple[int, int, np.ndarray] | None:
    """(top, left, stretched patch) for a box reaching out to its marker; None when the marker is not beside it."""
    box, marker = pair
    t, lf, b, r = box.bbox
    mr, mc = int(marker.rows[0]), int(marker.cols[0])
    patch = g[t:b, lf:r]
    if t <= mr < b and not lf <= mc < r:
        far = mc >= r
        extra = mc - r + 1 if far else lf - mc
        return t, (lf if far else mc), _stretch(patch, 1, far, extra)
    if lf <= mc < r and not t <= mr < b:
        far = mr >= b
        extra = mr - b + 1 if far else t - mr
        return (t if far else mr), lf, _stretch(patch, 0, far, extra)
    return None


def grow_to_markers(g: np.ndarray) -> np.ndarray | None:
    """Every box stretched until it covers the one-cell marker in line with it."""
    g = np.asarray(g)
    bg = O.background_color(g)
    objs = O.extract(g, "m8")
    if len(objs) < 2 or len(objs) > _MAX_OBJECTS:
        return None
    markers = [o for o in objs if o.size == 1]
    boxes = [o for o in objs if o.size >= 4 and o.size == o.height * o.width]
    if not markers or not boxes or len(markers) + len(boxes) != len(objs):
        return None
    out = g.copy()
    for m in markers:
        grown = [x for x in (_grow((bx, m), g) for bx in boxes) if x is not None]
        if len(grown) != 1:
            return None
        out[m.rows, m.cols] = bg
        t, lf, patch = grown[0]
        out[t:t + patch.shape[0], lf:lf + patch.shape[1]] = patch
    return out


def grow_boxes(task: ArcTask, deadline: float) -> list[Candidate]:
    """Boxes grow until they reach their markers."""
    if not task.train or not same_shapes(task):
        return []
    for i, o in task.train:  # cheap first: growing only adds coloured cells
        i, o = np.asarray(i), np.asarray(o)
        if np.array_equal(i, o) or np.count_nonzero(o != O.background_color(i)) <= np.count_nonzero(
                i != O.background_color(i)):
            return []
    h = Hypothesis(grow_to_markers, size=3, program="grow_to_markers()",
                   description="each box stretches towards the one-cell marker in line with it until it covers it")
    return first_solution(task, "grow_boxes", [h])
