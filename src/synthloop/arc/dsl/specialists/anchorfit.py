"""Anchor fit: each template shape is turned/mirrored and moved so that its key cells land on loose anchor cells.

A template is a multicolour object (4-connected, at least 3 cells) made of one body colour (its most common colour)
and a few key cells of other colours. Every other non-background cell is a loose anchor. Each template is placed,
under one of the 8 rotations/reflections, so that each of its key cells covers an anchor of the same colour; the
placement must be unique (up to the template's own symmetry) and, taken over all templates, use every anchor once.
Learned: whether the original templates are erased or stay.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, same_shapes
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate

_MAX_TEMPLATES = 6
_MAX_ANCHORS = 40


def _dihedral(ys: np.ndarray, xs: np.ndarray, h: int, w: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates inside an h x w box under dihedral transform k (0..7)."""
    if k >= 4:
        xs = w - 1 - xs
    for _ in range(k % 4):  # rotate 90 degrees: (y, x) -> (x, h - 1 - y) in a w x h box
        ys, xs, h, w = xs, h - 1 - ys, w, h
    return ys, xs


def _placements(ys, xs, vals, keys, h, w, anchors: dict[tuple[int, int], int]) -> set[tuple]:
    """Every distinct set of painted cells that puts each key cell of the template on an anchor of its colour."""
    found: set[tuple] = set()
    for k in range(8):
        ty, tx = _dihedral(ys, xs, h, w, k)
        ky, kx = ty[keys], tx[keys]
        kv = vals[keys]
        for (ay, ax), av in anchors.items():
            if av != kv[0]:
                continue
            dy, dx = ay - int(ky[0]), ax - int(kx[0])
            if all(anchors.get((int(y) + dy, int(x) + dx)) == int(v) for y, x, v in zip(ky, kx, kv, strict=True)):
                found.add(tuple(sorted(zip((ty + dy).tolist(), (tx + dx).tolist(), vals.tolist(), strict=True))))
    return found


def fit_to_anchors(g: np.ndarray, erase: bool) -> np.ndarray | None:
    """`g` with every template placed on its anchors (originals erased or kept); None unless each template has one
    placement and together they use every anchor exactly once."""
    g = np.asarray(g)
    bg = O.background_color(g)
    objs = O.components(g, connectivity=4, multicolor=True, background=bg)
    templates = [ob for ob in objs if ob.size >= 3 and len(np.unique(g[ob.rows, ob.cols])) >= 2]
    if not templates or len(templates) > _MAX_TEMPLATES:
        return None
    used = np.zeros(g.shape, dtype=bool)
    for ob in templates:
        used[ob.rows, ob.cols] = True
    ay, ax = np.nonzero((g != bg) & ~used)
    if len(ay) == 0 or len(ay) > _MAX_ANCHORS:
        return None
    anchors = {(int(y), int(x)): int(g[y, x]) for y, x in zip(ay, ax, strict=True)}
    out = g.copy()
    if erase:
        out[used] = bg
    H, W = g.shape
    for ob in templates:
        vals = g[ob.rows, ob.cols].astype(int)
        colours, counts = np.unique(vals, return_counts=True)
        if np.sort(counts)[-1] == np.sort(counts)[-2]:
            return None  # no clear body colour
        body = int(colours[np.argmax(counts)])
        keys = np.nonzero(vals != body)[0]
        if len(keys) < 2:
            return None
        t, lf, b, r = ob.bbox
        found = _placements(ob.rows - t, ob.cols - lf, vals, keys, b - t, r - lf, anchors)
        if len(found) != 1:
            return None
        cells = found.pop()
        for y, x, v in cells:
            if not (0 <= y < H and 0 <= x < W):
                return None
            out[y, x] = v
        for y, x, _v in cells:
            anchors.pop((y, x), None)
    if anchors:
        return None
    return out


def _hypotheses(deadline: float) -> Iterator[Hypothesis]:
    for erase in (True, False):
        check_deadline(deadline)
        yield Hypothesis(
            fn=lambda g, e=erase: fit_to_anchors(g, e),
            program=f"fit_to_anchors(erase={erase})",
            description="each template is rotated or mirrored and moved so its key cells cover the loose anchor "
                        "cells of the same colours" + ("; the originals are erased" if erase else ""),
            size=3,
        )


def anchor_fit(task: ArcTask, deadline: float) -> list[Candidate]:
    if not task.train or not same_shapes(task):
        return []
    for i, o in task.train:
        if np.array_equal(i, o):
            return []
    return first_solution(task, "anchor_fit", _hypotheses(deadline))
