"""Band holes to lines: the grid is split into solid colour bands; every background hole inside a band becomes a
background line across that band (perpendicular to the band's long, grid-spanning direction).
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import same_shapes
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate


def band_lines(g: np.ndarray, hole: int) -> np.ndarray | None:
    """Cut each band across at each of its holes; None when a hole has no single band around it or the band's
    direction is ambiguous."""
    g = np.asarray(g)
    h, w = g.shape
    holes = np.argwhere(g == hole)
    if len(holes) == 0:
        return None
    out = g.copy()
    for r, c in holes.tolist():
        near = {int(g[rr, cc]) for rr, cc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1))
                if 0 <= rr < h and 0 <= cc < w and g[rr, cc] != hole}
        if len(near) != 1:
            return None
        band = (g == near.pop()) | (g == hole)
        rows = np.flatnonzero(band[:, c])
        cols = np.flatnonzero(band[r, :])
        full_w, full_h = len(cols) == w, len(rows) == h
        if full_w == full_h:
            return None
        if full_w:  # horizontal band: cut vertically through its contiguous rows at this column
            top, bot = r, r
            while top > 0 and band[top - 1, c]:
                top -= 1
            while bot + 1 < h and band[bot + 1, c]:
                bot += 1
            out[top:bot + 1, c] = hole
        else:
            lf, rt = c, c
            while lf > 0 and band[r, lf - 1]:
                lf -= 1
            while rt + 1 < w and band[r, rt + 1]:
                rt += 1
            out[r, lf:rt + 1] = hole
    return out


def band_hole_lines(task: ArcTask, deadline: float) -> list[Candidate]:
    """Holes in colour bands become lines across their band."""
    if not task.train or not same_shapes(task):
        return []
    x0 = task.train[0][0]
    if O.background_color(x0) == 0 and (x0 == 0).mean() > 0.2:
        return []
    colours = set.intersection(*({int(v) for v in np.unique(x)} for x, _ in task.train))
    hyps = [Hypothesis(lambda g, k=k: band_lines(g, k), size=3, program=f"band_hole_lines(hole={k})",
                       description=f"each colour-{k} hole in a band becomes a line across the band")
            for k in sorted(colours) if all((x == k).sum() <= 12 for x, _ in task.train)]
    return first_solution(task, "band_hole_lines", hyps)
