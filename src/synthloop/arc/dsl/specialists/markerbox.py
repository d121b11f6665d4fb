"""The box the markers span: isolated cells of one colour (the markers) span a box, and the box just inside them
is used in one of two ways: its outline is drawn in the grid's other colour ("draw the frame that the four dots
touch"), or the rest of the picture moves into it, fitting it exactly ("put the shape between the corner marks").
Learned: the marker colour and the way.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, same_shapes
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution, shared_input_colours
from synthloop.arc.grid import ArcTask, Candidate

_MAX_MARKERS = 8


def _inner_box(g: np.ndarray, marker: int) -> tuple[int, int, int, int] | None:
    """(top, left, bottom, right) inclusive of the box just inside the markers; None when the marker colour is
    missing, not made of 2..8 isolated cells, or the box is too small."""
    rows, cols = np.nonzero(g == marker)
    if not 2 <= rows.size <= _MAX_MARKERS:
        return None
    for r, c in zip(rows, cols, strict=True):
        around = g[max(r - 1, 0):r + 2, max(c - 1, 0):c + 2]
        if np.count_nonzero(around == marker) != 1:
            return None  # markers are lone cells
    t, b, lf, r = int(rows.min()) + 1, int(rows.max()) - 1, int(cols.min()) + 1, int(cols.max()) - 1
    if b - t < 1 or r - lf < 1:
        return None
    return t, lf, b, r


def outline_inside(g: np.ndarray, marker: int) -> np.ndarray | None:
    """The outline of the box just inside the markers, in the one other colour, on background cells."""
    g = np.asarray(g)
    bg = O.background_color(g)
    box = _inner_box(g, marker)
    others = set(np.unique(g).tolist()) - {bg, marker}
    if box is None or len(others) != 1:
        return None
    t, lf, b, r = box
    ring = np.zeros(g.shape, dtype=bool)
    ring[t:b + 1, lf:r + 1] = True
    ring[t + 1:b, lf + 1:r] = False
    out = g.copy()
    out[ring & (g == bg)] = others.pop()
    return out


def move_inside(g: np.ndarray, marker: int) -> np.ndarray | None:
    """Everything but the markers moved so that its bounding box fills the box just inside the markers."""
    g = np.asarray(g)
    bg = O.background_color(g)
    box = _inner_box(g, marker)
    rest = (g != bg) & (g != marker)
    if box is None or not rest.any():
        return None
    rows, cols = np.nonzero(rest)
    t, lf, b, r = box
    if rows.max() - rows.min() != b - t or cols.max() - cols.min() != r - lf:
        return None  # the content must fit the box exactly
    out = np.where(rest, bg, g)
    out[rows - rows.min() + t, cols - cols.min() + lf] = g[rows, cols]
    return out


_WAYS = {"outline": (outline_inside, "draw the outline of the box just inside the colour-{m} markers in the other "
                                     "colour"),
         "move": (move_inside, "move the picture into the box just inside the colour-{m} markers")}


def _hypotheses(task: ArcTask, deadline: float) -> Iterator[Hypothesis]:
    for marker in sorted(shared_input_colours(task)):
        for name, (fn, text) in _WAYS.items():
            check_deadline(deadline)
            yield Hypothesis(lambda g, f=fn, m=marker: f(g, m), size=3,
                             program=f"marker_box_{name}(marker={marker})", description=text.format(m=marker))


def marker_box(task: ArcTask, deadline: float) -> list[Candidate]:
    """Draw in, or move into, the box that lone marker cells span."""
    if not task.train or not same_shapes(task) or all(np.array_equal(i, o) for i, o in task.train):
        return []
    return first_solution(task, "marker_box", _hypotheses(task, deadline))
