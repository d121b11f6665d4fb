"""Panel code: the input is a row (or column) of panels split by separator lines; each panel's pattern stands for
a colour (table learned from the demos) and the output lists those colours, one stripe per panel, in order.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.common import check_deadline
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.dsl.specialists.panelsummary import _runs
from synthloop.arc.grid import ArcTask, Candidate

Key = tuple[tuple[int, int], bytes]


def _panel_keys(g: np.ndarray) -> list[Key] | None:
    """The patterns of the panels in order: a colour whose full columns (or rows), none on the border, cut the grid
    into >= 2 panels of one shape; None when no colour (or more than one) does."""
    g = np.asarray(g)
    found: list[list[np.ndarray]] = []
    for c in np.unique(g).tolist():
        for axis in (0, 1):
            runs = _runs((g == c).all(axis=axis))
            if len(runs) < 2 or len({b - a for a, b in runs}) != 1 or runs[0][0] or runs[-1][1] != g.shape[1 - axis]:
                continue
            found.append([g[:, a:b] if axis == 0 else g[a:b, :] for a, b in runs])
    if len(found) != 1:
        return None
    return [(p.shape, np.ascontiguousarray(p, dtype=np.int8).tobytes()) for p in found[0]]


def _stripes(y: np.ndarray, n: int) -> list[int] | None:
    """Colours of the n horizontal stripes of y (n rows, each one colour); None otherwise."""
    if y.shape[0] != n or (y != y[:, :1]).any():
        return None
    return [int(v) for v in y[:, 0]]


def _learn(task: ArcTask, transpose: bool) -> dict[Key, int] | None:
    table: dict[Key, int] = {}
    for x, y in task.train:
        keys = _panel_keys(x)
        if keys is None:
            return None
        cols = _stripes(y.T if transpose else y, len(keys))
        if cols is None:
            return None
        for k, c in zip(keys, cols, strict=True):
            if table.setdefault(k, c) != c:
                return None
    return table


def _apply(g: np.ndarray, table: dict[Key, int], width: int | None, transpose: bool) -> np.ndarray | None:
    keys = _panel_keys(g)
    if keys is None or any(k not in table for k in keys):
        return None
    w = width if width is not None else len(keys)
    out = np.array([[table[k]] * w for k in keys], dtype=np.int8)
    return out.T if transpose else out


def panel_code(task: ArcTask, deadline: float) -> list[Candidate]:
    """One stripe per panel, coloured by the panel's pattern (learned table)."""
    if not task.train or any(y.size >= x.size for x, y in task.train):
        return []
    hyps = []
    for transpose in (False, True):
        check_deadline(deadline)
        table = _learn(task, transpose)
        if table is None or len(set(table.values())) < 2:
            continue
        widths = {(y.T if transpose else y).shape[1] for _, y in task.train}
        square = all(y.shape[0] == y.shape[1] for _, y in task.train)
        for width in ([None] if square else []) + ([widths.pop()] if len(widths) == 1 else []):
            hyps.append(Hypothesis(lambda g, t=table, w=width, tr=transpose: _apply(np.asarray(g), t, w, tr),
                                   size=4, program=f"panel_code(transpose={transpose}, width={width})",
                                   description="one stripe per panel, coloured by what the panel's pattern "
                                               "stands for"))
    return first_solution(task, "panel_code", hyps)
