"""Bar halves: every straight one-cell-wide bar keeps its colour on one half and takes a learned colour on the
half at a learned end (bottom, top, left or right), the half rounded down or up.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution, single_changed_colour
from synthloop.arc.grid import ArcTask, Candidate

ENDS = ("bottom", "top", "right", "left")


def recolour_bar_halves(g: np.ndarray, end: str, colour: int, round_up: bool) -> np.ndarray | None:
    """`g` with the `end` half of every straight bar painted `colour`; None when a bar lies across `end`'s axis
    or a shape is not a straight bar."""
    g = np.asarray(g)
    bg = O.background_color(g)
    labels, n = O.label(g != bg, 4)
    if n == 0:
        return None
    out = g.copy()
    vertical = end in ("bottom", "top")
    for k in range(1, n + 1):
        rows, cols = np.nonzero(labels == k)
        size = len(rows)
        if size > 1 and (len(set(cols.tolist())) == 1) != vertical:
            return None
        if len(set(rows.tolist())) > 1 and len(set(cols.tolist())) > 1:
            return None
        m = (size + 1) // 2 if round_up else size // 2
        key = rows if vertical else cols
        order = np.argsort(key)
        if end in ("bottom", "right"):
            order = order[::-1]
        pick = order[:m]
        out[rows[pick], cols[pick]] = colour
    return out


def bar_halves(task: ArcTask, deadline: float) -> list[Candidate]:
    """Recolour the half of each straight bar at a learned end."""
    colour = single_changed_colour(task, "output")
    if colour is None:
        return []
    for i, o in task.train:
        i, o = np.asarray(i), np.asarray(o)
        if np.any(i[i != o] == O.background_color(i)):
            return []

    def hypotheses() -> Iterator[Hypothesis]:
        for end in ENDS:
            for round_up in (False, True):
                check_deadline(deadline)
                yield Hypothesis(
                    fn=lambda g, e=end, r=round_up: recolour_bar_halves(g, e, colour, r),
                    program=f"recolour_bar_halves(end={end!r}, colour={colour}, round_up={round_up})",
                    description=f"the {end} half of every straight bar ({'rounded up' if round_up else 'rounded down'})"
                                f" painted {colour}",
                    size=3)

    return first_solution(task, "bar_halves", hypotheses())
