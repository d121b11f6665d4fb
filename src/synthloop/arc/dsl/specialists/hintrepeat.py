"""Hint repeat: fragments beside a shape hint at copies of it; the copies repeat in that direction to the edge.

The largest object is the shape. Every other object is a one-colour fragment that lies inside a copy of the shape
moved one step in one of the 8 directions (a step is the shape's height/width plus a learned gap). The shape is then
copied again and again in each fragment's direction, in the fragment's colour, until the copies leave the grid.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, same_shapes
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate

_MAX_FRAGMENTS = 8
_DIRS = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if (dy, dx) != (0, 0)]


def repeat_hints(g: np.ndarray, gap: int) -> np.ndarray | None:
    """`g` with the shape repeated from each fragment's direction in its colour; None when the largest object is not
    unique, there is no fragment, or a fragment fits no single direction."""
    g = np.asarray(g)
    bg = O.background_color(g)
    objs = O.components(g, connectivity=8, multicolor=True, background=bg)
    if len(objs) < 2 or len(objs) > _MAX_FRAGMENTS + 1:
        return None
    objs = sorted(objs, key=lambda ob: -ob.size)
    main = objs[0]
    if objs[1].size == main.size:
        return None
    t, lf, b, r = main.bbox
    sy, sx = b - t + gap, r - lf + gap
    shape = {(int(y), int(x)) for y, x in zip(main.rows, main.cols, strict=True)}
    H, W = g.shape
    out = g.copy()
    for fr in objs[1:]:
        colours = np.unique(g[fr.rows, fr.cols])
        if len(colours) != 1:
            return None
        cells = list(zip(fr.rows.tolist(), fr.cols.tolist(), strict=True))
        fits = [(dy, dx) for dy, dx in _DIRS
                if all((y - dy * sy, x - dx * sx) in shape for y, x in cells)]
        if len(fits) != 1:
            return None
        dy, dx = fits[0]
        k = 1
        while True:
            ys, xs = main.rows + k * dy * sy, main.cols + k * dx * sx
            keep = (ys >= 0) & (ys < H) & (xs >= 0) & (xs < W)
            if not keep.any():
                break
            out[ys[keep], xs[keep]] = int(colours[0])
            k += 1
    return out


def _hypotheses(deadline: float) -> Iterator[Hypothesis]:
    for gap in (1, 0, 2):
        check_deadline(deadline)
        yield Hypothesis(
            fn=lambda g, s=gap: repeat_hints(g, s),
            program=f"repeat_hints(gap={gap})",
            description=f"the largest shape is repeated, {gap} cell(s) apart, towards each fragment beside it, in "
                        f"that fragment's colour, up to the grid edge",
            size=3,
        )


def hint_repeat(task: ArcTask, deadline: float) -> list[Candidate]:
    if not task.train or not same_shapes(task):
        return []
    for i, o in task.train:
        i, o = np.asarray(i), np.asarray(o)
        if not np.any((i == O.background_color(i)) & (o != i)):
            return []
    return first_solution(task, "hint_repeat", _hypotheses(deadline))
