"""Completion by analogy: one row (or column) is drawn in full; every other started row is its recoloured copy,
so it is completed with the full row's pattern under the colour correspondence its drawn cells show.
Learned: rows or columns.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.learn import Hypothesis, along, first_solution, paints_background_only
from synthloop.arc.grid import ArcTask, Candidate


def _complete_rows(g: np.ndarray) -> np.ndarray | None:
    bg = O.background_color(g)
    fg = g != bg
    counts = fg.sum(axis=1)
    full = [r for r in range(g.shape[0]) if counts[r] == counts.max()]
    if counts.max() < 2 or len(full) != 1:
        return None
    tpl = g[full[0]]
    out = g.copy()
    done = 0
    for r in range(g.shape[0]):
        if r == full[0] or counts[r] == 0:
            continue
        if np.any(fg[r] & ~fg[full[0]]):
            return None  # the row draws where the full row has nothing
        cmap: dict[int, int] = {}
        for a, b in zip(tpl[fg[r]].tolist(), g[r][fg[r]].tolist(), strict=True):
            if cmap.setdefault(a, b) != b:
                return None
        if len(set(cmap.values())) != len(cmap) or set(tpl[fg[full[0]]].tolist()) - set(cmap):
            return None  # not a one-to-one recolouring, or a template colour the row never shows
        out[r] = np.where(fg[full[0]], [cmap.get(int(v), bg) for v in tpl], bg)
        done += 1
    return out if done else None


def complete_by_analogy(task: ArcTask, deadline: float) -> list[Candidate]:
    """Started rows (or columns) completed like the one full row, recoloured."""
    if not paints_background_only(task):
        return []  # completion only paints background cells
    return first_solution(task, "analogy", (
        Hypothesis(along(axis, _complete_rows), size=4, program=f"complete_by_analogy(axis={axis!r})",
                   description=f"complete every started {line} like the one full {line}, with the colours "
                               f"its drawn cells take")
        for axis, line in (("rows", "row"), ("cols", "column"))))
