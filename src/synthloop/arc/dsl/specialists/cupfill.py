"""Cup fill: an open container holding a coloured seed is filled with the seed's colour, which (learned) also
overflows as a line along the outside of the container's open side.

A container is a one-colour object (8-connected) whose bounding box has background gaps on exactly one of its four
sides (the opening) and holds cells of exactly one other colour inside (the seed). Every background cell of its box
becomes the seed colour; with overflow, so does the line just beyond the open side, as wide as the box.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, same_shapes
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate

_MAX_CUPS = 8


def fill_cups(g: np.ndarray, overflow: bool) -> np.ndarray | None:
    """`g` with every cup filled with its seed colour (and the overflow line); None when no cup is found or a cup's
    overflow line leaves the grid or covers a non-background cell."""
    g = np.asarray(g)
    bg = O.background_color(g)
    H, W = g.shape
    out = g.copy()
    n = 0
    for ob in O.components(g, connectivity=8, background=bg):
        if ob.size < 4:
            continue
        t, lf, b, r = ob.bbox
        if b - t < 3 or r - lf < 3:
            continue
        box = g[t:b, lf:r]
        mine = np.zeros(box.shape, dtype=bool)
        mine[ob.rows - t, ob.cols - lf] = True
        others = box[~mine & (box != bg)]
        seeds = {int(v) for v in np.unique(others)}
        if len(seeds) != 1:
            continue
        seed = seeds.pop()
        sides = {"top": ~mine[0, 1:-1], "bottom": ~mine[-1, 1:-1], "left": ~mine[1:-1, 0], "right": ~mine[1:-1, -1]}
        open_sides = [s for s, gaps in sides.items() if gaps.any()]
        if len(open_sides) != 1 or not (mine[0, 0] and mine[0, -1] and mine[-1, 0] and mine[-1, -1]):
            continue
        n += 1
        if n > _MAX_CUPS:
            return None
        sub = out[t:b, lf:r]
        sub[box == bg] = seed
        if overflow:
            side = open_sides[0]
            if side == "top":
                ys, xs = slice(t - 1, t), slice(lf, r)
            elif side == "bottom":
                ys, xs = slice(b, b + 1), slice(lf, r)
            elif side == "left":
                ys, xs = slice(t, b), slice(lf - 1, lf)
            else:
                ys, xs = slice(t, b), slice(r, r + 1)
            if t - 1 < 0 and side == "top" or b >= H and side == "bottom":
                return None
            if lf - 1 < 0 and side == "left" or r >= W and side == "right":
                return None
            if np.any(g[ys, xs] != bg):
                return None
            out[ys, xs] = seed
    return out if n else None


def _hypotheses(deadline: float) -> Iterator[Hypothesis]:
    for overflow in (True, False):
        check_deadline(deadline)
        yield Hypothesis(
            fn=lambda g, f=overflow: fill_cups(g, f),
            program=f"fill_cups(overflow={overflow})",
            description="each open container is filled with the colour of the seed inside it"
                        + (", which also runs along the outside of its open side" if overflow else ""),
            size=3,
        )


def cup_fill(task: ArcTask, deadline: float) -> list[Candidate]:
    if not task.train or not same_shapes(task):
        return []
    for i, o in task.train:
        i, o = np.asarray(i), np.asarray(o)
        d = i != o
        if not d.any() or np.any(i[d] != O.background_color(i)):
            return []
    return first_solution(task, "cup_fill", _hypotheses(deadline))
