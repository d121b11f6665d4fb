"""Cells by position: a grid cut by full lines of one colour into cells of any sizes; the cells at learned positions
(first / middle / last band in each direction) are filled with learned colours, the others are kept.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.common import make_candidate, same_shapes, solves_all
from synthloop.arc.dsl.specialists.layers import _runs
from synthloop.arc.grid import ArcTask, Candidate

Key = tuple[str, str]


def _bands(g: np.ndarray) -> tuple[list[tuple[int, int]], list[tuple[int, int]]] | None:
    """Row bands and column bands between full lines of the one colour that makes both full rows and full
    columns; None when no such colour or fewer than two bands each way."""
    g = np.asarray(g)
    found = None
    for c in np.unique(g):
        rows = [r for r in range(g.shape[0]) if (g[r] == c).all()]
        cols = [k for k in range(g.shape[1]) if (g[:, k] == c).all()]
        if rows and cols:
            if found is not None:
                return None
            found = (rows, cols)
    if found is None:
        return None
    rb, cb = _runs(g.shape[0], found[0]), _runs(g.shape[1], found[1])
    return (rb, cb) if len(rb) >= 2 and len(cb) >= 2 else None


def _pos(k: int, n: int) -> str:
    if k == 0:
        return "first"
    if k == n - 1:
        return "last"
    return "middle" if n % 2 and k == n // 2 else "other"


def _cells(g: np.ndarray):
    b = _bands(g)
    if b is None:
        return None
    rb, cb = b
    return [((_pos(i, len(rb)), _pos(j, len(cb))), slice(*r), slice(*c))
            for i, r in enumerate(rb) for j, c in enumerate(cb)]


def paint_positions(g: np.ndarray, table: dict[Key, int]) -> np.ndarray | None:
    """`g` with every cell whose (row position, column position) is in `table` filled with its colour."""
    g = np.asarray(g)
    cells = _cells(g)
    if cells is None:
        return None
    out = g.copy()
    hit = False
    for key, rs, cs in cells:
        if key in table:
            out[rs, cs] = table[key]
            hit = True
    return out if hit else None


def _learn(task: ArcTask) -> dict[Key, int] | None:
    table: dict[Key, int] = {}
    kept: set[Key] = set()
    for i, o in task.train:
        i, o = np.asarray(i), np.asarray(o)
        cells = _cells(i)
        if cells is None:
            return None
        for key, rs, cs in cells:
            a, b = i[rs, cs], o[rs, cs]
            if np.array_equal(a, b):
                kept.add(key)
                continue
            vals = np.unique(b)
            if len(vals) != 1 or table.get(key, int(vals[0])) != int(vals[0]):
                return None
            table[key] = int(vals[0])
    if not table or kept & set(table):
        return None
    return table


def cell_positions(task: ArcTask, deadline: float) -> list[Candidate]:
    """Fill the first / middle / last cells of a line-cut grid with learned colours."""
    if not same_shapes(task) or _bands(np.asarray(task.train[0][0])) is None:
        return []
    table = _learn(task)
    if table is None:
        return []
    fn = lambda g: paint_positions(g, table)  # noqa: E731
    if not solves_all(task, fn):
        return []
    c = make_candidate(task, fn, family="cell_positions", program=f"paint_cell_positions({sorted(table.items())})",
                       size=3, description="fill the cells at the learned first / middle / last positions")
    return [c] if c is not None else []
