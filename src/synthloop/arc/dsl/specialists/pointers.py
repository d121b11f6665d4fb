"""Pointer rays: an object of two colours in which one colour is a single cell (the marker) points along the line
from the marker through the object's centre of mass (a row, a column or a diagonal); a ray is drawn along that
line from where it leaves the object to the grid's edge. Learned: whether the ray goes towards the centre or away
from it, its colour (the marker's or the object's), and whether it stops at the first non-background cell.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import GridFn, check_deadline
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution, paints_background_only
from synthloop.arc.grid import ArcTask, Candidate


def _sign(x: float) -> int:
    return 1 if x > 0 else -1 if x < 0 else 0


def pointer(obj: O.Object) -> tuple[tuple[int, int], tuple[int, int], int] | None:
    """(marker cell, unit step from the marker towards the centre of mass, marker colour) for a two-colour object
    whose minority colour is one cell; None when the object is no pointer or its direction is not clear."""
    if obj.size < 3 or obj.n_colors != 2:
        return None
    counts = np.bincount(obj.values.astype(np.int64), minlength=10)
    singles = [c for c in obj.colors if counts[c] == 1]
    if len(singles) != 1:
        return None
    k = int(np.nonzero(obj.values == singles[0])[0][0])
    r, c = int(obj.rows[k]), int(obj.cols[k])
    vr, vc = float(obj.rows.mean()) - r, float(obj.cols.mean()) - c
    ar, ac = abs(vr), abs(vc)
    if max(ar, ac) < 0.25:
        return None
    if ar > 2 * ac:
        step = (_sign(vr), 0)
    elif ac > 2 * ar:
        step = (0, _sign(vc))
    elif 0.75 * ac <= ar <= 1.25 * ac:
        step = (_sign(vr), _sign(vc))
    else:
        return None
    return (r, c), step, singles[0]


def shoot_pointers(g: np.ndarray, towards: bool, marker_colour: bool, stop: bool) -> np.ndarray | None:
    """Every pointer object's ray drawn; None when the grid has no pointer."""
    g = np.asarray(g)
    bg = O.background_color(g)
    h, w = g.shape
    out = np.array(g)
    found = False
    for obj in O.extract(g, "m8"):
        p = pointer(obj)
        if p is None:
            continue
        found = True
        (r, c), (dr, dc), marker = p
        if not towards:
            dr, dc = -dr, -dc
        colour = marker if marker_colour else obj.color
        cells = set(zip(obj.rows.tolist(), obj.cols.tolist(), strict=True))
        y, x = r + dr, c + dc
        while 0 <= y < h and 0 <= x < w and (y, x) in cells:
            y, x = y + dr, x + dc
        while 0 <= y < h and 0 <= x < w:
            if g[y, x] != bg:
                if stop:
                    break
            else:
                out[y, x] = colour
            y, x = y + dr, x + dc
    return out if found else None


def _shooter(towards: bool, marker_colour: bool, stop: bool) -> GridFn:
    return lambda g: shoot_pointers(g, towards, marker_colour, stop)


def pointer_rays(task: ArcTask, deadline: float) -> list[Candidate]:
    """Two-colour objects with a one-cell marker shoot a ray along the marker-to-centre line."""
    if not paints_background_only(task):
        return []
    if not any(pointer(o) is not None for o in O.extract(np.asarray(task.train[0][0]), "m8")):
        return []

    def hyps() -> Iterator[Hypothesis]:
        for towards in (True, False):
            for marker_colour in (True, False):
                for stop in (False, True):
                    check_deadline(deadline)
                    way = "through the centre" if towards else "away from the centre"
                    col = "the marker's" if marker_colour else "the object's"
                    yield Hypothesis(
                        _shooter(towards, marker_colour, stop),
                        program=(f"pointer_rays(towards={towards}, colour={'marker' if marker_colour else 'object'}, "
                                 f"stop={stop})"),
                        description=(f"each two-colour object with a one-cell marker shoots a ray in {col} colour "
                                     f"from the marker {way}, beyond the object"
                                     + (" up to the first obstacle" if stop else " to the edge")),
                        size=3,
                    )

    return first_solution(task, "pointer-rays", hyps())
