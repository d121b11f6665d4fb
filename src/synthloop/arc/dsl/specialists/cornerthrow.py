"""Corner throw: the colour at each corner of a box is thrown diagonally past the box's opposite corner.

Each multicolour object (8-connected) is a box; the cell `inset` steps in from each of its bounding-box corners
holds a colour, which is painted as a k x k square just outside the diagonally opposite corner (clipped to the
grid). Learned: the inset (0 or 1), the square size k (1 or 2) and whether the thrown cells are cleared.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, paints_background
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate

_MAX_OBJECTS = 4


def _throw(g: np.ndarray, inset: int, k: int, clear: bool) -> np.ndarray | None:
    """`g` with every box's corner colours thrown past the opposite corners; None when a box is unfit."""
    g = np.asarray(g)
    bg = O.background_color(g)
    objs = O.components(g, connectivity=8, multicolor=True, background=bg)
    if not objs or len(objs) > _MAX_OBJECTS:
        return None
    out = g.copy()
    h, w = g.shape
    for ob in objs:
        t, lf, b, r = ob.bbox
        if b - t < 2 + 2 * inset or r - lf < 2 + 2 * inset:
            return None
        corners = {(-1, -1): (t + inset, lf + inset), (-1, 1): (t + inset, r - 1 - inset),
                   (1, -1): (b - 1 - inset, lf + inset), (1, 1): (b - 1 - inset, r - 1 - inset)}
        for (dr, dc), (cr, cc) in corners.items():
            colour = int(g[cr, cc])
            if colour == bg:
                return None
            # opposite corner of the bounding box, then k cells beyond it
            rows = range(b, b + k) if dr < 0 else range(t - k, t)
            cols = range(r, r + k) if dc < 0 else range(lf - k, lf)
            for y in rows:
                for x in cols:
                    if 0 <= y < h and 0 <= x < w:
                        out[y, x] = colour
            if clear:
                out[cr, cc] = bg
    return out


def _hypotheses(deadline: float) -> Iterator[Hypothesis]:
    for inset in (0, 1):
        for k in (1, 2):
            for clear in (False, True):
                check_deadline(deadline)
                yield Hypothesis(
                    fn=lambda g, a=inset, b=k, c=clear: _throw(g, a, b, c),
                    program=f"corner_throw(inset={inset}, k={k}, clear={clear})",
                    description=f"each box's corner colour (inset {inset}) thrown as a {k}x{k} square past the "
                                f"opposite corner{', cleared' if clear else ''}",
                    size=3,
                )


def corner_throw(task: ArcTask, deadline: float) -> list[Candidate]:
    if not paints_background(task):
        return []
    return first_solution(task, "corner_throw", _hypotheses(deadline))
