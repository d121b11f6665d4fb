"""Cyclic shear: every column (or row) is rolled cyclically by its index times a learned step, so stripes turn into
a chequer or a diagonal pattern.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl.specialists.common import check_deadline, same_shapes
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate


def cyclic_shear(g: np.ndarray, axis: str, step: int, from_end: bool = False) -> np.ndarray:
    """Column c rolled up by c * step (axis "cols"), or row r rolled left by r * step (axis "rows"); with
    `from_end` the index counts from the last column (row), so the unrolled line is at the other end."""
    g = np.asarray(g)
    if axis == "rows":
        return cyclic_shear(g.T, "cols", step, from_end).T
    w = g.shape[1]
    return np.stack([np.roll(g[:, c], -(w - 1 - c if from_end else c) * step) for c in range(w)], axis=1)


def _hypotheses(deadline: float) -> Iterator[Hypothesis]:
    for from_end in (False, True):
        for axis in ("cols", "rows"):
            for step in (1, -1):
                check_deadline(deadline)
                end = ", from_end" if from_end else ""
                yield Hypothesis(lambda g, a=axis, s=step, e=from_end: cyclic_shear(g, a, s, e), size=3 + from_end,
                                 program=f"cyclic_shear({axis}, step={step}{end})",
                                 description=f"roll each of the {axis} cyclically by its index"
                                             + (" counted from the far end" if from_end else "") + f" times {step}")


def shear_cyclically(task: ArcTask, deadline: float) -> list[Candidate]:
    """Output = the input with its columns (or rows) rolled by their index."""
    if not task.train or not same_shapes(task) or all(np.array_equal(i, o) for i, o in task.train):
        return []
    for i, o in task.train:  # a roll keeps each column's (or row's) colour counts: check cheaply on columns or rows
        i, o = np.asarray(i), np.asarray(o)
        if not (np.array_equal(np.sort(i, 0), np.sort(o, 0)) or np.array_equal(np.sort(i, 1), np.sort(o, 1))):
            return []
    return first_solution(task, "cyclic_shear", _hypotheses(deadline))
