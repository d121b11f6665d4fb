"""Shared pieces for specialists: turning a learned grid function into a verified Candidate, deadline checks."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.grid import ArcTask, Candidate, Grid, as_grid

GridFn = Callable[[np.ndarray], "np.ndarray | None"]


class Timeout(Exception):
    """Raised inside a specialist when its deadline has passed."""


def check_deadline(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise Timeout


def _safe(fn: GridFn, g: np.ndarray) -> Grid | None:
    try:
        out = fn(np.asarray(g))
    except (ValueError, IndexError, KeyError, ZeroDivisionError, TypeError):
        return None
    if out is None:
        return None
    out = np.asarray(out)
    if out.ndim != 2 or out.size == 0 or out.shape[0] > 30 or out.shape[1] > 30:
        return None
    if out.min() < 0 or out.max() > 9:
        return None
    return as_grid(out)


def train_score(task: ArcTask, fn: GridFn) -> int:
    """How many train pairs `fn` reproduces exactly."""
    ok = 0
    for i, o in task.train:
        p = _safe(fn, i)
        if p is not None and p.shape == o.shape and np.array_equal(p, o):
            ok += 1
    return ok


def solves_all(task: ArcTask, fn: GridFn) -> bool:
    """True when `fn` reproduces every train output (stops at the first miss)."""
    for i, o in task.train:
        p = _safe(fn, i)
        if p is None or p.shape != o.shape or not np.array_equal(p, o):
            return False
    return True


def make_candidate(
    task: ArcTask,
    fn: GridFn,
    *,
    family: str,
    program: str,
    description: str,
    size: int = 2,
    train_correct: int | None = None,
    meta: dict | None = None,
) -> Candidate | None:
    """Verify `fn` on every train pair and predict the test inputs; None when it predicts no test input."""
    correct = train_score(task, fn) if train_correct is None else train_correct
    preds = [_safe(fn, g) for g in task.test_inputs]
    if all(p is None for p in preds):
        return None
    return Candidate(
        program=program,
        description=description,
        predictions=preds,
        train_correct=correct,
        train_total=len(task.train),
        size=size,
        source="specialist",
        meta={"family": family, **(meta or {})},
    )


def same_shapes(task: ArcTask) -> bool:
    """Every train output has the shape of its input."""
    return all(i.shape == o.shape for i, o in task.train)


def fixed_output_shape(task: ArcTask) -> tuple[int, int] | None:
    """The one shape every train output has (None when there are no pairs or the shapes differ)."""
    shapes = {np.asarray(o).shape for _, o in task.train}
    return shapes.pop() if len(shapes) == 1 else None


def crops_only(task: ArcTask) -> bool:
    """There are train pairs, and every output is strictly smaller than its input and fits inside it (a crop)."""
    return bool(task.train) and all(o.shape[0] <= i.shape[0] and o.shape[1] <= i.shape[1] and o.shape != i.shape
                                    for i, o in task.train)


def paints_background(task: ArcTask) -> bool:
    """There are train pairs, all of one shape in and out, and every output paints some background cell of its input
    (the input's most common colour): the precondition of the drawing families."""
    if not task.train or not same_shapes(task):
        return False
    for i, o in task.train:
        i, o = np.asarray(i), np.asarray(o)
        bg = O.background_color(i)
        if not np.any((i == bg) & (o != bg)):
            return False
    return True


Cell = tuple[int, int]


def marked_shapes(g: np.ndarray, max_objects: int) -> list[tuple[set[Cell], list[tuple[int, int, int]]]] | None:
    """The 8-connected multicolour objects of `g` (background: its commonest colour) that have two colours or more,
    each as (its commonest colour's cells, its other cells as (row, col, colour)). None when `g` has no object or
    more than `max_objects`."""
    objs = O.components(g, connectivity=8, multicolor=True, background=O.background_color(g))
    if not objs or len(objs) > max_objects:
        return None
    found = []
    for ob in objs:
        cells = [(int(y), int(x), int(v)) for y, x, v in zip(ob.rows, ob.cols, ob.values, strict=True)]
        colours = [v for _, _, v in cells]
        if len(set(colours)) == 1:
            continue
        main = max(set(colours), key=colours.count)
        found.append(({(y, x) for y, x, v in cells if v == main}, [c for c in cells if c[2] != main]))
    return found


def added_colours(task: ArcTask) -> set[int]:
    """The colours that every train output has and its input lacks."""
    new: set[int] | None = None
    for i, o in task.train:
        added = set(np.unique(o).tolist()) - set(np.unique(i).tolist())
        new = added if new is None else new & added
    return new or set()


def palette(g: np.ndarray) -> set[int]:
    return {int(v) for v in np.unique(g)}
