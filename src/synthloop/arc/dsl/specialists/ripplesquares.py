"""Ripple squares: a few cells of one colour lie equally spaced on a straight line (a row, a column or a diagonal);
they are the first ripples of concentric square outlines around the middle cell, which continue, at that spacing,
until they leave the grid. The middle cell stays; the squares are drawn in the cells' colour."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate, paints_background, solves_all
from synthloop.arc.grid import ArcTask, Candidate

_MAX_SEEDS = 9


def _seed_line(g: np.ndarray) -> tuple[int, int, int, int] | None:
    """(colour, centre row, centre column, spacing) of the grid's seed cells, or None unless the grid holds only
    background and an odd count (>= 3) of single cells of one colour, equally spaced on a row, column or diagonal."""
    bg = O.background_color(g)
    ys, xs = np.nonzero(g != bg)
    if not 3 <= len(ys) <= _MAX_SEEDS or len(ys) % 2 == 0:
        return None
    colours = np.unique(g[ys, xs])
    if len(colours) != 1:
        return None
    pts = sorted(zip(ys.tolist(), xs.tolist(), strict=True))
    dr, dc = pts[1][0] - pts[0][0], pts[1][1] - pts[0][1]
    if not (dr == 0 or dc == 0 or abs(dr) == abs(dc)):
        return None
    if any((b[0] - a[0], b[1] - a[1]) != (dr, dc) for a, b in zip(pts, pts[1:], strict=False)):
        return None
    step = max(abs(dr), abs(dc))
    if step < 2:
        return None
    cy, cx = pts[len(pts) // 2]
    return int(colours[0]), cy, cx, step


def ripple_squares(g: np.ndarray) -> np.ndarray | None:
    """`g` with square outlines of half-side step, 2*step, ... around the middle seed, in the seeds' colour."""
    g = np.asarray(g)
    found = _seed_line(g)
    if found is None:
        return None
    colour, cy, cx, step = found
    h, w = g.shape
    out = g.copy()
    r = step
    while cy - r >= 0 or cx - r >= 0 or cy + r < h or cx + r < w:
        top, bot, lef, rig = cy - r, cy + r, cx - r, cx + r
        c0, c1 = max(lef, 0), min(rig, w - 1)
        r0, r1 = max(top, 0), min(bot, h - 1)
        if 0 <= top < h:
            out[top, c0:c1 + 1] = colour
        if 0 <= bot < h:
            out[bot, c0:c1 + 1] = colour
        if 0 <= lef < w:
            out[r0:r1 + 1, lef] = colour
        if 0 <= rig < w:
            out[r0:r1 + 1, rig] = colour
        r += step
    return out


def ripple_squares_spec(task: ArcTask, deadline: float) -> list[Candidate]:
    """The ripple-squares rule, when it reproduces every demo."""
    if not paints_background(task):
        return []
    if any(_seed_line(np.asarray(i)) is None for i, _ in task.train):
        return []
    fn = ripple_squares
    if not solves_all(task, fn):
        return []
    c = make_candidate(task, fn, family="ripple_squares", program="ripple_squares()",
                       description="concentric square outlines around the middle of the equally spaced seed cells, "
                                   "at their spacing, out to the grid's edge", size=3)
    return [c] if c is not None else []
