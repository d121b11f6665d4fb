"""Corner fold: the output is the overlay of the input's four corner windows of the output's size (the grid folded
onto its top-left corner; a non-background cell wins). Learned: the output size (fixed, or half the input rounded up
or down).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate

Size = Callable[[tuple[int, int]], tuple[int, int]]


def fold_corners(g: np.ndarray, h: int, w: int) -> np.ndarray | None:
    """The overlay of the four h x w corner windows of `g`; None when they disagree on a non-background cell."""
    g = np.asarray(g)
    H, W = g.shape
    if not (0 < h < H or 0 < w < W) or h > H or w > W:
        return None
    bg = O.background_color(g)
    out = np.full((h, w), bg, dtype=g.dtype)
    for win in (g[:h, :w], g[:h, W - w:], g[H - h:, :w], g[H - h:, W - w:]):
        clash = (out != bg) & (win != bg) & (out != win)
        if clash.any():
            return None
        out = np.where(win != bg, win, out)
    return out


def _sizes(task: ArcTask) -> Iterator[tuple[str, Size]]:
    shapes = {o.shape for _, o in task.train}
    if len(shapes) == 1:
        hw = shapes.pop()
        yield f"{hw[0]}x{hw[1]}", lambda s, hw=hw: hw
    yield "half_up", lambda s: ((s[0] + 1) // 2, (s[1] + 1) // 2)
    yield "half_down", lambda s: (s[0] // 2, s[1] // 2)


def _hypotheses(task: ArcTask, deadline: float) -> Iterator[Hypothesis]:
    for name, size in _sizes(task):
        check_deadline(deadline)
        yield Hypothesis(lambda g, f=size: fold_corners(g, *f(np.asarray(g).shape)), size=3,
                         program=f"fold_corners(size={name})",
                         description=f"overlay the four corner windows of size {name} (non-background wins)")


def corner_fold(task: ArcTask, deadline: float) -> list[Candidate]:
    """Output = the four corners of the input laid over each other."""
    if not task.train or any(o.shape[0] > i.shape[0] or o.shape[1] > i.shape[1] or o.shape == i.shape
                             or 3 * o.shape[0] < i.shape[0] or 3 * o.shape[1] < i.shape[1]
                             for i, o in task.train):
        return []
    return first_solution(task, "corner_fold", _hypotheses(task, deadline))
