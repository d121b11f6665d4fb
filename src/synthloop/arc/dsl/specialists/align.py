"""Align to the anchor: one object (of the anchor colour) stays; every other object slides straight up or down (or
sideways) until it lines up with the anchor (same top, same bottom or same middle line). Learned: the anchor
colour, the axis and which edge lines up.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, same_shapes
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate

_MAX_OBJECTS = 20
_EDGES = {("rows", "start"): "top edge", ("rows", "end"): "bottom edge", ("rows", "middle"): "middle row",
          ("cols", "start"): "left edge", ("cols", "end"): "right edge", ("cols", "middle"): "middle column"}


def _span(o: O.Object, axis: str) -> tuple[int, int]:
    t, lf, b, r = o.bbox
    return (t, b) if axis == "rows" else (lf, r)


def _target(lo: int, hi: int, alo: int, ahi: int, edge: str) -> int | None:
    """The shift that lines [lo, hi) up with the anchor's [alo, ahi) by `edge`."""
    if edge == "start":
        return alo - lo
    if edge == "end":
        return ahi - hi
    twice = (alo + ahi) - (lo + hi)
    return None if twice % 2 else twice // 2


def align_to_anchor(g: np.ndarray, anchor: int, axis: str, edge: str) -> np.ndarray | None:
    """Every object other than the anchor-colour one shifted along `axis` to line up with it."""
    g = np.asarray(g)
    bg = O.background_color(g)
    objs = O.extract(g, "m8")
    anchors = [o for o in objs if o.colors == (anchor,)]
    if len(anchors) != 1 or len(objs) < 2 or len(objs) > _MAX_OBJECTS:
        return None
    alo, ahi = _span(anchors[0], axis)
    out = np.full(g.shape, bg, dtype=np.int8)
    H, W = g.shape
    moved = False
    for o in objs:
        d = 0 if o is anchors[0] else _target(*_span(o, axis), alo, ahi, edge)
        if d is None:
            return None
        rows, cols = (o.rows + d, o.cols) if axis == "rows" else (o.rows, o.cols + d)
        if rows.min() < 0 or cols.min() < 0 or rows.max() >= H or cols.max() >= W:
            return None
        if np.any(out[rows, cols] != bg):
            return None  # two objects would overlap
        out[rows, cols] = o.values
        moved |= d != 0
    return out if moved else None


def _hypotheses(task: ArcTask, deadline: float) -> Iterator[Hypothesis]:
    anchors = set.intersection(*[set(np.unique(i[i == o]).tolist()) for i, o in task.train])
    for anchor in sorted(anchors - {O.background_color(np.asarray(task.train[0][0]))}):
        for (axis, edge), text in _EDGES.items():
            check_deadline(deadline)
            way = "up or down" if axis == "rows" else "sideways"
            yield Hypothesis(lambda g, a=anchor, x=axis, e=edge: align_to_anchor(g, a, x, e), size=3,
                             program=f"align_to_anchor(anchor={anchor}, axis={axis!r}, edge={edge!r})",
                             description=f"slide every object {way} so that its {text} lines up with that of the "
                                         f"colour-{anchor} object")


def align_objects(task: ArcTask, deadline: float) -> list[Candidate]:
    """Line every object up with the anchor object."""
    if not task.train or not same_shapes(task) or all(np.array_equal(i, o) for i, o in task.train):
        return []
    return first_solution(task, "align", _hypotheses(task, deadline))
