"""Colour-count bars: beside every object (on a learned side) a bar as wide as the object grows, one cell per
distinct colour the object holds, painted a learned colour over background only.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution, single_background_paint
from synthloop.arc.grid import ArcTask, Candidate

SIDES = {"below": 0, "right": 1, "above": 2, "left": 3}  # np.rot90 turns that bring the side below


def colour_count_bars(g: np.ndarray, turns: int, colour: int) -> np.ndarray | None:
    """`g` with a bar below (after `turns` quarter turns) each multicolour object, its length the object's number
    of colours; None when there is no object."""
    g = np.asarray(g)
    bg = O.background_color(g)
    r = np.rot90(g, turns)
    out = r.copy()
    labels, n = O.label(r != bg, 4)
    if n == 0:
        return None
    for k in range(1, n + 1):
        rows, cols = np.nonzero(labels == k)
        length = len(set(r[rows, cols].tolist()))
        top = int(rows.max()) + 1
        window = out[top:top + length, int(cols.min()):int(cols.max()) + 1]
        window[r[top:top + length, int(cols.min()):int(cols.max()) + 1] == bg] = colour
    return np.rot90(out, -turns)


def colour_bars(task: ArcTask, deadline: float) -> list[Candidate]:
    """Grow a bar from each object, as long as the object has colours."""
    colour = single_background_paint(task)
    if colour is None:
        return []

    def hypotheses() -> Iterator[Hypothesis]:
        for side, turns in SIDES.items():
            check_deadline(deadline)
            yield Hypothesis(fn=lambda g, t=turns: colour_count_bars(g, t, colour),
                             program=f"colour_count_bars(side={side!r}, colour={colour})",
                             description=f"a bar of colour {colour} {side} each object, one cell per colour it holds",
                             size=3)

    return first_solution(task, "colour_bars", hypotheses())
