"""Leaking containers: a box outline with gaps in its wall is filled inside, the gaps too, and (when learned) the
paint runs out of each gap in a straight line away from the box until it meets something or the grid's edge.
Learned: whether it leaks out and the paint.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution, single_background_paint
from synthloop.arc.grid import ArcTask, Candidate

_MAX_OBJECTS = 10


def _wall_gaps(g: np.ndarray, o: O.Object, bg: int) -> list[tuple[int, int, int, int]]:
    """(row, col, dr, dc) of each background cell on the box's wall, with the outward direction."""
    t, lf, b, r = o.bbox
    out = []
    for c in range(lf + 1, r - 1):
        out += [(t, c, -1, 0)] if g[t, c] == bg else []
        out += [(b - 1, c, 1, 0)] if g[b - 1, c] == bg else []
    for rr in range(t + 1, b - 1):
        out += [(rr, lf, 0, -1)] if g[rr, lf] == bg else []
        out += [(rr, r - 1, 0, 1)] if g[rr, r - 1] == bg else []
    return out


def fill_and_leak(g: np.ndarray, leak: bool, paint: int) -> np.ndarray | None:
    """Fill every box outline that has gaps (only in its walls, not its corners) and, with `leak`, let the paint
    run straight out of each gap."""
    g = np.asarray(g)
    bg = O.background_color(g)
    objs = [o for o in O.extract(g, "c8") if o.height >= 3 and o.width >= 3]
    if not objs or len(objs) > _MAX_OBJECTS:
        return None
    out = g.copy()
    H, W = g.shape
    hit = False
    for o in objs:
        t, lf, b, r = o.bbox
        inner = g[t + 1:b - 1, lf + 1:r - 1]
        if not (inner == bg).all() or any(g[p] == bg for p in ((t, lf), (t, r - 1), (b - 1, lf), (b - 1, r - 1))):
            continue
        gaps = _wall_gaps(g, o, bg)
        if not gaps:
            continue
        out[t + 1:b - 1, lf + 1:r - 1] = paint
        hit = True
        for rr, cc, dr, dc in gaps:
            out[rr, cc] = paint
            if not leak:
                continue
            rr, cc = rr + dr, cc + dc
            while 0 <= rr < H and 0 <= cc < W and g[rr, cc] == bg:
                out[rr, cc] = paint
                rr, cc = rr + dr, cc + dc
    return out if hit else None


def _hypotheses(paint: int, deadline: float) -> Iterator[Hypothesis]:
    for leak in (True, False):
        check_deadline(deadline)
        more = ", and let it run straight out of each gap" if leak else ""
        yield Hypothesis(lambda g, leak=leak: fill_and_leak(g, leak, paint), size=3,
                         program=f"fill_leaking_boxes(leak={leak}, paint={paint})",
                         description=f"fill every box outline that has a gap in its wall with colour {paint}, the "
                                     f"gap too{more}")


def leaking_boxes(task: ArcTask, deadline: float) -> list[Candidate]:
    """Fill the broken box outlines and leak out of their gaps."""
    paint = single_background_paint(task)
    if paint is None:
        return []
    return first_solution(task, "leak", _hypotheses(paint, deadline))
