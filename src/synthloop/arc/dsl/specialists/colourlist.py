"""Colour lists and histograms: the output lists the input's colours (or the colours of its objects) in a
learned order, as a row, a column, bars whose length is each colour's count, or written into a fixed-size grid
(reading or snake order). Learned: which colours take part (background excluded, also the most common one), the order
(by count, by position), the layout and the colour the bars and fixed grids are padded with.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution, task_background
from synthloop.arc.grid import ArcTask, Candidate

_MAX_ITEMS = 10


@dataclass(frozen=True)
class Item:
    """One listed colour: its cell count (or object size) and where it sits."""

    colour: int
    count: int
    row: float  # mean row of its cells
    col: float
    top: int
    left: int


def _colour_items(g: np.ndarray, exclude: str, bg: int | None) -> list[Item] | None:
    """The items of the colours left after `exclude`; `bg` is the task's learned background (None: detect it)."""
    if exclude == "zero":
        bg = 0
    elif exclude == "all":
        bg = -1
    elif bg is None or exclude == "grid_background":
        bg = O.background_color(g)
    colours = [int(c) for c in np.unique(g) if int(c) != bg]
    if exclude == "background+most" and colours:
        counts = {c: int((g == c).sum()) for c in colours}
        most = max(counts.values())
        top = [c for c in colours if counts[c] == most]
        if len(top) != 1:
            return None
        colours.remove(top[0])
    items = []
    for c in colours:
        r, k = np.nonzero(g == c)
        items.append(Item(c, int(r.size), float(r.mean()), float(k.mean()), int(r.min()), int(k.min())))
    return items


def _object_items(g: np.ndarray, largest_only: bool) -> list[Item] | None:
    objs = O.extract(g, "c8")
    if not objs or len(objs) > _MAX_ITEMS:
        return None
    big = max(o.size for o in objs)
    return [Item(o.color, o.size, float(o.rows.mean()), float(o.cols.mean()), o.top, o.left)
            for o in objs if o.size == big or not largest_only]


_ORDERS = {
    "count_desc": ("by count, most first", lambda it: (-it.count, it.colour)),
    "count_asc": ("by count, fewest first", lambda it: (it.count, it.colour)),
    "top": ("top to bottom", lambda it: (it.top, it.left)),
    "left": ("left to right", lambda it: (it.left, it.top)),
    "centre_row": ("by the mean row of their cells", lambda it: (it.row, it.col)),
    "centre_col": ("by the mean column of their cells", lambda it: (it.col, it.row)),
}

_LAYOUTS = {
    "row": "one row",
    "column": "one column",
    "auto": "a row when they spread sideways, else a column (ordered along that direction)",
    "bars_down": "columns of bars, each as long as its count, from the top, on the pad colour",
    "bars_right": "rows of bars, each as long as its count, from the left, on the pad colour",
    "full_columns": "full-height columns, as tall as the count",
    "full_rows": "full-width rows, as wide as the count",
    "fill_rows": "the cells of the fixed output grid in reading order, the rest the pad colour",
    "fill_snake": "the cells of the fixed output grid row by row, every other row right to left, the rest the pad "
                  "colour",
}
_FILLS = ("fill_rows", "fill_snake")


def _fill(vals: np.ndarray, shape: tuple[int, int], snake: bool, pad: int) -> np.ndarray | None:
    """`vals` written into a `pad` grid of `shape` row by row (with `snake`, odd rows right to left)."""
    if vals.size > shape[0] * shape[1]:
        return None
    flat = np.full(shape[0] * shape[1], pad, dtype=np.int8)
    flat[:vals.size] = vals
    out = flat.reshape(shape)
    if snake:
        out[1::2] = out[1::2, ::-1]
    return out


def _layout(items: list[Item], order: str, layout: str, shape: tuple[int, int] | None = None,
            pad: int = 0) -> np.ndarray | None:
    if not items or len(items) > _MAX_ITEMS:
        return None
    if layout == "auto":
        rows, cols = [it.row for it in items], [it.col for it in items]
        across = (max(cols) - min(cols)) > (max(rows) - min(rows))
        items = sorted(items, key=lambda it: (it.col, it.row) if across else (it.row, it.col))
        vals = np.array([it.colour for it in items], dtype=np.int8)
        return vals[None, :] if across else vals[:, None]
    items = sorted(items, key=_ORDERS[order][1])
    vals = np.array([it.colour for it in items], dtype=np.int8)
    if layout in _FILLS:
        return None if shape is None else _fill(vals, shape, layout == "fill_snake", pad)
    if layout == "row":
        return vals[None, :]
    if layout == "column":
        return vals[:, None]
    counts = [it.count for it in items]
    if max(counts) > 30:
        return None
    if layout in ("bars_down", "bars_right"):
        out = np.full((max(counts), len(items)), pad, dtype=np.int8)
        for j, (v, n) in enumerate(zip(vals, counts, strict=True)):
            out[:n, j] = v
        return out if layout == "bars_down" else out.T
    if len(set(counts)) != 1:
        return None
    out = np.repeat(vals[None, :], counts[0], axis=0)
    return out if layout == "full_columns" else out.T


def _items(g: np.ndarray, source: str, bg: int | None = None) -> list[Item] | None:
    if source in ("objects", "largest_objects"):
        return _object_items(g, source == "largest_objects")
    return _colour_items(g, source, bg)


def _list_fn(source: str, order: str, layout: str, shape: tuple[int, int] | None, bg: int | None, pad: int):
    def fn(g: np.ndarray) -> np.ndarray | None:
        items = _items(np.asarray(g), source, bg)
        return None if items is None else _layout(items, order, layout, shape, pad)
    return fn


_SOURCES = {  # "background" is the task's background learned from the demos, "grid_background" each grid's own
    "background": "the colours other than the background",
    "grid_background": "the colours other than each grid's background",
    "all": "all the colours",
    "zero": "the colours other than 0",
    "background+most": "the colours other than the background and the most common one",
    "largest_objects": "the colours of the largest objects",
    "objects": "the colours of the objects (one entry per object, its size as the count)",
}


def _list_like(o: np.ndarray, pad: int) -> bool:
    """Every column (or every row) of `o` holds at most one colour besides the pad colour."""
    def ok(a: np.ndarray) -> bool:
        return all(len(set(np.unique(col).tolist()) - {pad}) <= 1 for col in a.T)
    return ok(o) or ok(o.T)


def _pad_colour(task: ArcTask) -> int | None:
    """The colour the outputs add to their inputs' (the pad of bars and fixed grids): 0 when they add none, None
    when they add several."""
    added: set[int] = set()
    for i, o in task.train:
        added |= set(np.unique(o).tolist()) - set(np.unique(i).tolist())
    return None if len(added) > 1 else added.pop() if added else 0


def _hypotheses(task: ArcTask, deadline: float, pad: int) -> Iterator[Hypothesis]:
    """Only the (source, order, layout) combinations that reproduce the first demo (checked on its items, built
    once per source); the caller verifies them on every demo."""
    i0, o0 = (np.asarray(g) for g in task.train[0])
    shapes = {o.shape for _, o in task.train}
    shape = shapes.pop() if len(shapes) == 1 and len(task.train) > 1 else None
    lists = all(_list_like(np.asarray(o), pad) for _, o in task.train)
    layouts = [k for k in _LAYOUTS if (k in _FILLS and shape is not None) or (k not in _FILLS and lists)]
    bg = task_background(task)
    ptext = "" if pad == 0 else f", pad={pad}"
    for source, stext in _SOURCES.items():
        check_deadline(deadline)
        items = _items(i0, source, bg)
        if not items:
            continue
        for layout in layouts:
            ltext = _LAYOUTS[layout]
            for order in (["auto"] if layout == "auto" else list(_ORDERS)):
                first = _layout(items, order, layout, shape, pad)
                if first is None or first.shape != o0.shape or not np.array_equal(first, o0):
                    continue
                otext = "" if order == "auto" else f" {_ORDERS[order][0]}"
                yield Hypothesis(_list_fn(source, order, layout, shape, bg, pad), size=3,
                                 program=f"colour_list(source={source!r}, order={order!r}, layout={layout!r}{ptext})",
                                 description=f"list {stext}{otext}, laid out as {ltext}")


def colour_list(task: ArcTask, deadline: float) -> list[Candidate]:
    """Output = the input's colours listed in a learned order and layout (a row, a column, bars of their counts)."""
    if not task.train or all(o.size == 1 for _, o in task.train):
        return []  # a one-cell answer is a classification, not a list
    fixed = len({o.shape for _, o in task.train}) == 1 and len(task.train) > 1
    pad = _pad_colour(task)
    if pad is None:
        return []
    for i, o in task.train:
        i, o = np.asarray(i), np.asarray(o)
        if o.size > 100 or o.size > 3 * i.size or not (fixed or _list_like(o, pad)):
            return []
    return first_solution(task, "colour_list", _hypotheses(task, deadline, pad))
