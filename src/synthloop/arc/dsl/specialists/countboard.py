"""Count board: the input tile is copied once per non-background cell, in reading order, onto a square board of
(background cells) x (background cells) tile slots; the remaining slots stay background.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution, task_background
from synthloop.arc.grid import ArcTask, Candidate


def count_board(g: np.ndarray, bg: int | None = None) -> np.ndarray | None:
    """Board of z x z slots (z = background cells), the first n (= other cells) slots holding the tile; `bg` the
    task's learned background (None: detect it in `g`)."""
    g = np.asarray(g)
    bg = O.background_color(g) if bg is None else bg
    n = int((g != bg).sum())
    z = g.size - n
    if n == 0 or z == 0 or n > z * z or z > 10:
        return None
    h, w = g.shape
    out = np.full((z * h, z * w), bg, dtype=np.int8)
    for k in range(n):
        r, c = divmod(k, z)
        out[r * h:(r + 1) * h, c * w:(c + 1) * w] = g
    return out


def count_board_tiles(task: ArcTask, deadline: float) -> list[Candidate]:
    """Copies of the input counted by its coloured cells, on a board sized by its background cells."""
    if not task.train or any(y.shape[0] <= x.shape[0] or y.shape[0] % x.shape[0] for x, y in task.train):
        return []
    learned = task_background(task)
    return first_solution(task, "count_board", [
        Hypothesis(lambda g, b=bg: count_board(g, b), size=3,
                   program="count_board()" if bg == 0 else f"count_board(background={bg})",
                   description="copy the tile once per coloured cell, row by row, on a board of background-count "
                               "slots per side")
        for bg in ([learned] if learned is not None else []) + [None]])
