"""Recolouring by the key in the same row or column: every cell of the target colour takes the one other colour
found in its row (or column), typically a key column or row at the edge. Learned: the target colour and rows
versus columns.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.learn import (
    Hypothesis,
    along,
    first_solution,
    single_changed_colour,
    task_background,
)
from synthloop.arc.grid import ArcTask, Candidate


def _recolour_rows(g: np.ndarray, target: int, bg: int | None) -> np.ndarray | None:
    """`bg`: the task's learned background (None: detect it in `g`)."""
    bg = O.background_color(g) if bg is None else bg
    out = g.copy()
    hit = False
    for r in range(g.shape[0]):
        row = g[r]
        if not (row == target).any():
            continue
        keys = set(np.unique(row).tolist()) - {bg, target}
        if len(keys) != 1:
            return None
        out[r][row == target] = keys.pop()
        hit = True
    return out if hit else None


def recolour_by_line_key(task: ArcTask, deadline: float) -> list[Candidate]:
    """Cells of the target colour take the key colour of their row (or column)."""
    target = single_changed_colour(task, "input")
    if target is None:
        return []
    learned = task_background(task)
    bgs = [b for b in (learned, None) if b != target]
    return first_solution(task, "line_key", (
        Hypothesis(along(axis, lambda g, b=bg: _recolour_rows(g, target, b)), size=3,
                   program=f"recolour_by_line_key(target={target}, axis={axis!r}"
                           f"{'' if bg == 0 else f', background={bg}'})",
                   description=f"every colour-{target} cell takes the one other colour in its {line}")
        for bg in bgs for axis, line in (("rows", "row"), ("cols", "column"))))
