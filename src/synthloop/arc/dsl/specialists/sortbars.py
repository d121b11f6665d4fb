"""Bars sorted into a stack: every object of the input is a straight bar, one cell thick, across the stacking
direction (rows for a stack against the bottom or top edge, columns for the left or right edge); the output piles
the bars against that edge, one per line with no gaps, ordered by length (longest against the edge, or shortest),
each bar flush with one end of its line. Learned: the edge, the order and the end the bars are flush with.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import GridFn, check_deadline, same_shapes
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution, task_background
from synthloop.arc.grid import ArcTask, Candidate

EDGES = ("bottom", "top", "right", "left")


def bars(g: np.ndarray, horizontal: bool, bg: int | None = None) -> list[tuple[int, int]] | None:
    """(length, colour) of every object when each is a one-cell-thick bar along rows (`horizontal`) or columns;
    None otherwise or when there are fewer than two bars. `bg`: the background (None: detect it in `g`)."""
    out = []
    for o in O.components(np.asarray(g), connectivity=4, background=bg):
        t, lf, b, r = o.bbox
        if (b - t != 1) if horizontal else (r - lf != 1):
            return None
        out.append((o.size, o.color))
    return out if len(out) >= 2 else None


def stack_bars(g: np.ndarray, edge: str, longest_first: bool, flush_end: bool,
               bg: int | None = None) -> np.ndarray | None:
    """The bars piled against `edge`, sorted by length; None when the picture is not bars or two bars of one
    length differ in colour (no order). `bg`: the task's learned background (None: detect it in `g`)."""
    g = np.asarray(g)
    bg = O.background_color(g) if bg is None else bg
    horizontal = edge in ("bottom", "top")
    found = bars(g, horizontal, bg)
    if found is None:
        return None
    lengths = [n for n, _ in found]
    if len(set(lengths)) != len(lengths):
        return None
    found.sort(key=lambda b: -b[0] if longest_first else b[0])
    out = np.full_like(g, bg)
    view = out if horizontal else out.T
    lines, span = view.shape
    if len(found) > lines:
        return None
    for k, (n, colour) in enumerate(found):
        line = lines - 1 - k if edge in ("bottom", "right") else k
        if flush_end:
            view[line, span - n:] = colour
        else:
            view[line, :n] = colour
    return out


def _stacker(edge: str, longest_first: bool, flush_end: bool, bg: int | None) -> GridFn:
    return lambda g: stack_bars(g, edge, longest_first, flush_end, bg)


def sort_bars(task: ArcTask, deadline: float) -> list[Candidate]:
    """Straight bars piled against a learned edge in order of length."""
    if not task.train or not same_shapes(task) or all(np.array_equal(i, o) for i, o in task.train):
        return []
    for i, o in task.train:  # the bars move, they keep their cells: every colour's cell count is kept
        if not np.array_equal(np.bincount(np.ravel(i), minlength=10), np.bincount(np.ravel(o), minlength=10)):
            return []
    first = np.asarray(task.train[0][0])
    learned = task_background(task)
    bgs = ([learned] if learned is not None else []) + [None]
    if all(bars(first, True, bg) is None and bars(first, False, bg) is None for bg in bgs):
        return []

    def hyps() -> Iterator[Hypothesis]:
        for bg, edge in ((bg, edge) for bg in bgs for edge in EDGES):
            on = "" if bg == 0 else f", background={bg}"
            for longest_first in (True, False):
                for flush_end in (True, False):
                    check_deadline(deadline)
                    order = "longest" if longest_first else "shortest"
                    end = "far" if flush_end else "near"
                    yield Hypothesis(
                        _stacker(edge, longest_first, flush_end, bg),
                        program=f"sort_bars(edge={edge}, {order}_first, flush={end}_end{on})",
                        description=(f"the bars piled against the {edge} edge, {order} first, each flush with the "
                                     f"{end} end of its line"),
                        size=3,
                    )

    return first_solution(task, "sort-bars", hyps())
