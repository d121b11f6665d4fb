"""Lines through the centres: every object sends a full line (its middle row, its middle column or both) across the
grid, painted on background cells only. Learned: which lines, the objects (single- or multi-colour) and the paint.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution, single_background_paint
from synthloop.arc.grid import ArcTask, Candidate

_MAX_OBJECTS = 20


def centre_lines(g: np.ndarray, mode: str, axes: str, paint: int) -> np.ndarray | None:
    """Paint the middle row / column of every object across the grid's background; None when an object has no
    middle cell (even height or width along a drawn axis) or nothing changes."""
    g = np.asarray(g)
    bg = O.background_color(g)
    objs = O.extract(g, mode)
    if not objs or len(objs) > _MAX_OBJECTS:
        return None
    mask = np.zeros(g.shape, dtype=bool)
    for o in objs:
        t, lf, b, r = o.bbox
        if axes in ("rows", "both"):
            if (b - t) % 2 == 0:
                return None
            mask[(t + b - 1) // 2, :] = True
        if axes in ("cols", "both"):
            if (r - lf) % 2 == 0:
                return None
            mask[:, (lf + r - 1) // 2] = True
    hit = mask & (g == bg)
    if not hit.any():
        return None
    out = g.copy()
    out[hit] = paint
    return out


def _hypotheses(paint: int, deadline: float) -> Iterator[Hypothesis]:
    for mode in ("c8", "m8"):
        for axes, text in (("both", "middle row and middle column"), ("rows", "middle row"),
                           ("cols", "middle column")):
            check_deadline(deadline)
            yield Hypothesis(lambda g, mode=mode, axes=axes: centre_lines(g, mode, axes, paint), size=3,
                             program=f"centre_lines(objects={mode}, axes={axes!r}, paint={paint})",
                             description=f"draw the {text} of each of the {O.EXTRACTOR_TEXT[mode]} across the whole "
                                         f"grid in colour {paint}, over background only")


def lines_through_centres(task: ArcTask, deadline: float) -> list[Candidate]:
    """Full lines through every object's middle, painted on the background."""
    paint = single_background_paint(task)
    if paint is None:
        return []
    return first_solution(task, "centre_lines", _hypotheses(paint, deadline))
