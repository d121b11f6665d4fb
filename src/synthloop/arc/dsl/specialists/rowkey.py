"""Row colour by marker position: each row (or column) holds one marker; the output fills the whole row with a
colour learned from the marker's position in that row.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import same_shapes
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate


def _marker_positions(g: np.ndarray) -> list[int] | None:
    """Column of the single non-background cell in every row; None when a row has not exactly one."""
    bg = O.background_color(g)
    out: list[int] = []
    for row in g:
        idx = np.flatnonzero(row != bg)
        if len(idx) != 1:
            return None
        out.append(int(idx[0]))
    return out


def _learn(task: ArcTask, transpose: bool) -> dict[int, int] | None:
    """Position -> fill colour, consistent over the demos; None when a demo does not fit."""
    table: dict[int, int] = {}
    for x, y in task.train:
        x, y = (x.T, y.T) if transpose else (x, y)
        pos = _marker_positions(x)
        if pos is None:
            return None
        for p, row in zip(pos, y, strict=True):
            if (row != row[0]).any() or table.setdefault(p, int(row[0])) != int(row[0]):
                return None
    return table


def _apply(g: np.ndarray, table: dict[int, int], transpose: bool) -> np.ndarray | None:
    g = g.T if transpose else g
    pos = _marker_positions(g)
    if pos is None or any(p not in table for p in pos):
        return None
    out = np.array([[table[p]] * g.shape[1] for p in pos], dtype=np.int8)
    return out.T if transpose else out


def row_colour_by_marker(task: ArcTask, deadline: float) -> list[Candidate]:
    """Fill each row with the colour its marker's position selects (rows or columns, learned)."""
    if not task.train or not same_shapes(task):
        return []
    hyps = []
    for transpose in (False, True):
        table = _learn(task, transpose)
        if table is None or len(set(table.values())) < 2:
            continue
        hyps.append(Hypothesis(lambda g, t=table, tr=transpose: _apply(np.asarray(g), t, tr), size=4,
                               program=f"row_colour_by_marker(transpose={transpose}, table={table})",
                               description="fill each line with the colour keyed by where its marker sits"))
    return first_solution(task, "row_colour_by_marker", hyps)
