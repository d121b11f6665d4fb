"""Repeat the run along its line: a row (or column) whose coloured cells form one unbroken run of two or more
cells repeats that run, with the run's length as the period, over the whole line. Learned: rows, columns or both.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, same_shapes
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution, paints_background_only
from synthloop.arc.grid import ArcTask, Candidate


def _repeat_rows(g: np.ndarray, out: np.ndarray, bg: int) -> bool:
    hit = False
    for r in range(g.shape[0]):
        idx = np.flatnonzero(g[r] != bg)
        if idx.size < 2 or idx[-1] - idx[0] + 1 != idx.size:
            continue
        run, start = g[r, idx[0]:idx[-1] + 1], int(idx[0])
        cols = np.arange(g.shape[1])
        line = run[(cols - start) % run.size]
        free = out[r] == bg
        out[r, free] = line[free]
        hit |= bool(free.any())
    return hit


def repeat_runs(g: np.ndarray, axes: str) -> np.ndarray | None:
    """Every one-run row / column repeated over its line; None when nothing changes."""
    g = np.asarray(g)
    bg = O.background_color(g)
    out = g.copy()
    hit = False
    if axes in ("rows", "both"):
        hit |= _repeat_rows(g, out, bg)
    if axes in ("cols", "both"):
        t = out.T.copy()
        hit |= _repeat_rows(g.T, t, bg)
        out = t.T.copy()
    return out if hit and not np.array_equal(out, g) else None


def repeat_runs_along_lines(task: ArcTask, deadline: float) -> list[Candidate]:
    """Repeat each line's run of colours over the whole line."""
    if not task.train or not same_shapes(task) or not paints_background_only(task):
        return []

    def hypotheses():
        for axes, text in (("both", "row and column"), ("rows", "row"), ("cols", "column")):
            check_deadline(deadline)
            yield Hypothesis(lambda g, a=axes: repeat_runs(g, a), size=3, program=f"repeat_runs(axes={axes!r})",
                             description=f"in every {text} whose coloured cells form one run of two or more, repeat "
                                         "that run over the whole line")

    return first_solution(task, "run_extend", hypotheses())
