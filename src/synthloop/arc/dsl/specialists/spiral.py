"""Spiral: a blank grid gets a square spiral with one-cell gaps, drawn from a corner inwards in a learned colour.

The input is a single colour. A path starts in the top-left corner heading right, runs straight until the edge or
until one more step would touch its own earlier track, then turns clockwise; it stops when it cannot go on. The
path's colour is learned, and so is the spiral's orientation (any of the 8 rotations/reflections of that drawing).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl.specialists.common import check_deadline, same_shapes
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate

_DIRS = ((0, 1), (1, 0), (0, -1), (-1, 0))


def spiral_mask(h: int, w: int) -> np.ndarray:
    """The clockwise spiral from the top-left corner of an h x w box, gaps one cell wide."""
    m = np.zeros((h, w), dtype=bool)
    y = x = d = 0
    m[0, 0] = True

    def free(yy: int, xx: int) -> bool:
        return 0 <= yy < h and 0 <= xx < w and not m[yy, xx]

    def ok(yy: int, xx: int, dd: int) -> bool:
        dy, dx = _DIRS[dd]
        ny, nx = yy + dy, xx + dx
        if not free(ny, nx):
            return False
        fy, fx = ny + dy, nx + dx  # the cell after must not be track (keeps the one-cell gap)
        return not (0 <= fy < h and 0 <= fx < w and m[fy, fx])

    turns = 0
    while turns < 2:
        if ok(y, x, d):
            y, x = y + _DIRS[d][0], x + _DIRS[d][1]
            m[y, x] = True
            turns = 0
        else:
            d = (d + 1) % 4
            turns += 1
    return m


def _orient(m: np.ndarray, k: int) -> np.ndarray:
    """Dihedral transform k of a mask (k >= 4 mirrors first); used with the transposed box size when k is odd."""
    if k >= 4:
        m = np.fliplr(m)
    return np.rot90(m, k % 4)


def draw_spiral(g: np.ndarray, colour: int, k: int) -> np.ndarray | None:
    """A spiral of `colour` over the blank grid `g` in orientation k; None unless `g` is one colour."""
    g = np.asarray(g)
    if (g != g.flat[0]).any():
        return None
    h, w = g.shape
    m = _orient(spiral_mask(*((w, h) if k % 2 else (h, w))), k)
    out = g.copy()
    out[m] = colour
    return out


def _hypotheses(colour: int, deadline: float) -> Iterator[Hypothesis]:
    for k in range(8):
        check_deadline(deadline)
        yield Hypothesis(
            fn=lambda g, c=colour, kk=k: draw_spiral(g, c, kk),
            program=f"draw_spiral(colour={colour}, orientation={k})",
            description=f"a colour-{colour} square spiral with one-cell gaps is drawn into the blank grid",
            size=2,
        )


def spiral(task: ArcTask, deadline: float) -> list[Candidate]:
    if not task.train or not same_shapes(task):
        return []
    colours: set[int] = set()
    for i, o in task.train:
        i, o = np.asarray(i), np.asarray(o)
        if (i != i.flat[0]).any():
            return []
        colours |= {int(v) for v in np.unique(o[o != i])}
    if len(colours) != 1:
        return []
    return first_solution(task, "spiral", _hypotheses(colours.pop(), deadline))
