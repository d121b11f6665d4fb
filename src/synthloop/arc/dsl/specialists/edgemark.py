"""Edge marks: every one-colour object casts one mark of a learned colour onto a learned grid edge, in the line through its
centre (e.g. a mark in the bottom row under the middle of each cup).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution, single_background_paint
from synthloop.arc.grid import ArcTask, Candidate

_SIDES = ("bottom", "top", "left", "right")


def _marks(g: np.ndarray, side: str, colour: int) -> np.ndarray | None:
    bg = O.background_color(g)
    objs = O.components(g, connectivity=8, background=bg)
    if not objs:
        return None
    out = g.copy()
    h, w = g.shape
    for ob in objs:
        vertical = side in ("bottom", "top")
        lo, hi = (ob.cols.min(), ob.cols.max()) if vertical else (ob.rows.min(), ob.rows.max())
        if (lo + hi) % 2:
            return None
        mid = int((lo + hi) // 2)
        r, c = {"bottom": (h - 1, mid), "top": (0, mid), "left": (mid, 0), "right": (mid, w - 1)}[side]
        if g[r, c] != bg:
            return None
        out[r, c] = colour
    return out


def _hypotheses(task: ArcTask, colour: int) -> Iterator[Hypothesis]:
    for side in _SIDES:
        yield Hypothesis(lambda g, s=side: _marks(np.asarray(g), s, colour), f"edge_marks({side}, {colour})",
                         f"mark each object's centre line on the {side} edge with colour {colour}", 3)


def edge_marks(task: ArcTask, deadline: float) -> list[Candidate]:
    """Each object marks the cell of the learned edge in line with its centre, in the one painted colour."""
    colour = single_background_paint(task)
    if colour is None:
        return []
    for i, o in task.train:
        d = np.argwhere(np.asarray(i) != np.asarray(o))
        h, w = i.shape
        if not (np.all(d[:, 0] == h - 1) or np.all(d[:, 0] == 0) or np.all(d[:, 1] == 0) or np.all(d[:, 1] == w - 1)):
            return []
    return first_solution(task, "edge_marks", _hypotheses(task, colour))
