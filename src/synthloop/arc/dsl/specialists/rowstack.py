"""Row stack: a one-row input grows into a grid of rows, each the previous one shifted (or smeared) one cell
sideways, stacked downward or upward. Learned: the step (shift or smear, left or right), the stacking direction, the
number of rows (the width, half the width, or the width times the number of colours) and the canvas width (the
input's, or square).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution, task_background
from synthloop.arc.grid import ArcTask, Candidate

_HEIGHTS: dict[str, Callable[[int, int], int]] = {
    "width": lambda w, k: w,
    "half_width": lambda w, k: w // 2,
    "width_times_colours": lambda w, k: w * k,
}


def _step(row: np.ndarray, bg: int, kind: str, right: bool) -> np.ndarray:
    moved = np.full_like(row, bg)
    if right:
        moved[1:] = row[:-1]
    else:
        moved[:-1] = row[1:]
    return moved if kind == "shift" else np.where(row != bg, row, moved)


def row_stack(g: np.ndarray, kind: str, right: bool, up: bool, height: str, square: bool,
              bg: int | None = None) -> np.ndarray | None:
    """The stacked rows; None unless `g` is one row with some colour. `bg`: the task's learned background (None:
    0 when present, else the most common colour)."""
    g = np.asarray(g)
    if g.shape[0] != 1:
        return None
    if bg is None:
        bg = 0 if (g == 0).any() else O.background_color(g)
    w = g.shape[1]
    k = len(set(np.unique(g).tolist()) - {bg})
    h = _HEIGHTS[height](w, k)
    if k == 0 or not 1 < h <= 30:
        return None
    width = h if square else w
    if width < w:
        return None
    row = np.full(width, bg, dtype=g.dtype)
    row[:w] = g[0]
    rows = [row]
    for _ in range(h - 1):
        rows.append(_step(rows[-1], bg, kind, right))
    out = np.stack(rows)
    return out[::-1] if up else out


def _hypotheses(deadline: float, learned: int | None) -> Iterator[Hypothesis]:
    for bg in ([learned] if learned is not None else []) + [None]:
        yield from _bg_hypotheses(deadline, bg)


def _bg_hypotheses(deadline: float, bg: int | None) -> Iterator[Hypothesis]:
    on = "" if bg == 0 else f", background={bg}"
    for height in _HEIGHTS:
        for square in (False, True):
            for kind in ("shift", "smear"):
                for right in (True, False):
                    for up in (False, True):
                        check_deadline(deadline)
                        side = "right" if right else "left"
                        yield Hypothesis(
                            lambda g, a=kind, b=right, c=up, d=height, e=square, f=bg: row_stack(g, a, b, c, d, e, f),
                            size=4,
                            program=f"row_stack({kind}={side}, up={up}, rows={height}, square={square}{on})",
                            description=f"stack {height} rows {'upward' if up else 'downward'}, each the one "
                                        f"before {kind}ed one cell {side}")


def stack_rows(task: ArcTask, deadline: float) -> list[Candidate]:
    """A one-row input stacked into shifted or smeared copies."""
    if not task.train or any(i.shape[0] != 1 or o.shape[0] < 2 for i, o in task.train):
        return []
    return first_solution(task, "row_stack", _hypotheses(deadline, task_background(task)))
