"""Shift by own size: every object moves in one direction by its own height (up / down) or width (sideways), so
taller objects travel further. Learned: the direction.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, same_shapes
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate

_MAX_OBJECTS = 20
_DIRS = {"up": (-1, 0), "down": (1, 0), "left": (0, -1), "right": (0, 1)}


def shift_by_size(g: np.ndarray, direction: str) -> np.ndarray | None:
    """Each single-colour object moved by its own extent along `direction`; None when one would leave the grid
    or two would overlap."""
    g = np.asarray(g)
    bg = O.background_color(g)
    objs = O.extract(g, "c8")
    if not objs or len(objs) > _MAX_OBJECTS:
        return None
    dr, dc = _DIRS[direction]
    H, W = g.shape
    out = np.full(g.shape, bg, dtype=np.int8)
    for o in objs:
        rows, cols = o.rows + dr * o.height, o.cols + dc * o.width
        if rows.min() < 0 or cols.min() < 0 or rows.max() >= H or cols.max() >= W or np.any(out[rows, cols] != bg):
            return None
        out[rows, cols] = o.values
    return out


def shift_objects_by_size(task: ArcTask, deadline: float) -> list[Candidate]:
    """Move every object by its own height or width in a learned direction."""
    if not task.train or not same_shapes(task) or all(np.array_equal(i, o) for i, o in task.train):
        return []

    def hypotheses():
        for direction in _DIRS:
            check_deadline(deadline)
            extent = "height" if direction in ("up", "down") else "width"
            yield Hypothesis(lambda g, d=direction: shift_by_size(g, d), size=3,
                             program=f"shift_by_own_size(direction={direction!r})",
                             description=f"move every object {direction} by its own {extent}")

    return first_solution(task, "self_shift", hypotheses())
