"""Clear lines: every row and/or column that is all background (optionally ignoring its two end cells, where a
frame may sit) has its background cells painted with a learned colour.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution, single_background_paint
from synthloop.arc.grid import ArcTask, Candidate


def _clear(g: np.ndarray, bg: int, ends: bool) -> np.ndarray:
    """Boolean per row: the row is background (between its end cells when `ends`)."""
    inner = g[:, 1:-1] if ends else g
    return (inner == bg).all(axis=1)


def _paint(g: np.ndarray, axes: str, ends: bool, paint: int) -> np.ndarray | None:
    g = np.asarray(g)
    bg = O.background_color(g)
    if (g == bg).all() or min(g.shape) < 3:
        return None
    mask = np.zeros(g.shape, dtype=bool)
    if axes in ("rows", "both"):
        mask[_clear(g, bg, ends), :] = True
    if axes in ("cols", "both"):
        mask[:, _clear(g.T, bg, ends)] = True
    if not mask.any():
        return None
    out = g.copy()
    out[mask & (g == bg)] = paint
    return out


def paint_clear_lines(task: ArcTask, deadline: float) -> list[Candidate]:
    """Paint the all-background rows / columns with a learned colour."""
    paint = single_background_paint(task)
    if paint is None:
        return []

    def hypotheses() -> Iterator[Hypothesis]:
        for ends in (False, True):
            for axes in ("both", "rows", "cols"):
                lines = {"both": "row and column", "rows": "row", "cols": "column"}[axes]
                yield Hypothesis(
                    lambda g, axes=axes, ends=ends: _paint(g, axes, ends, paint), size=3,
                    program=f"paint_clear_lines(axes={axes!r}, ignore_ends={ends}, paint={paint})",
                    description=f"paint with {paint} every {lines} that is all background"
                                + (" between its two end cells" if ends else ""))

    return first_solution(task, "clear_lines", hypotheses())
