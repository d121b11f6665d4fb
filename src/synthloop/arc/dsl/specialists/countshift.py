"""Shift the lines by the marker count: the full-length lines of the grid move by as many cells as there are marker
cells (of the marker colour, which is then cleared), in a learned direction (one step per axis).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, same_shapes
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate


def shift_lines_by_count(g: np.ndarray, marker: int, dr: int, dc: int) -> np.ndarray | None:
    """`g` without the marker cells, its full rows moved dr * n and full columns dc * n (n = marker cells)."""
    g = np.asarray(g)
    bg = O.background_color(g)
    n = int((g == marker).sum())
    if n == 0 or marker == bg:
        return None
    clean = np.where(g == marker, bg, g)
    h, w = g.shape
    rows = [r for r in range(h) if clean[r, 0] != bg and (clean[r] == clean[r, 0]).all()]
    cols = [c for c in range(w) if clean[0, c] != bg and (clean[:, c] == clean[0, c]).all()]
    if not rows and not cols:
        return None
    out = np.full_like(g, bg)
    for c in cols:
        if not 0 <= c + dc * n < w:
            return None
        out[:, c + dc * n] = clean[0, c]
    for r in rows:
        if not 0 <= r + dr * n < h:
            return None
        out[r + dr * n] = clean[r, 0]
    rest = clean.copy()
    rest[rows] = bg
    rest[:, cols] = bg
    return None if (rest != bg).any() else out


def _hypotheses(task: ArcTask, deadline: float) -> Iterator[Hypothesis]:
    markers = set.intersection(*[set(np.unique(i).tolist()) - set(np.unique(o).tolist()) for i, o in task.train])
    for m in sorted(markers):
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                check_deadline(deadline)
                yield Hypothesis(lambda g, a=m, b=dr, c=dc: shift_lines_by_count(g, a, b, c), size=3,
                                 program=f"shift_lines_by_count(marker={m}, step=({dr}, {dc}))",
                                 description=f"move the full lines by ({dr}, {dc}) times the number of colour-{m} "
                                             "cells, clearing those")


def count_shift_lines(task: ArcTask, deadline: float) -> list[Candidate]:
    """Full-length lines move by the number of marker cells."""
    if not task.train or not same_shapes(task):
        return []
    return first_solution(task, "count_shift_lines", _hypotheses(task, deadline))
