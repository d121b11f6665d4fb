"""Elbow paths: two single pixels of two learned colours are joined by a path of a learned colour that runs along
a row and then a column (one bend). Learned: which pixel's row the path leaves along, and the path colour.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.learn import (
    Hypothesis,
    first_solution,
    shared_input_colours,
    single_background_paint,
)
from synthloop.arc.grid import ArcTask, Candidate


def _pixel(g: np.ndarray, colour: int) -> tuple[int, int] | None:
    rs, cs = np.nonzero(g == colour)
    return (int(rs[0]), int(cs[0])) if rs.size == 1 else None


def _line(a: tuple[int, int], b: tuple[int, int]) -> list[tuple[int, int]]:
    """Cells from a to b (a straight row or column), both ends included."""
    (r0, c0), (r1, c1) = a, b
    if r0 == r1:
        step = 1 if c1 >= c0 else -1
        return [(r0, c) for c in range(c0, c1 + step, step)]
    step = 1 if r1 >= r0 else -1
    return [(r, c0) for r in range(r0, r1 + step, step)]


def _elbow(g: np.ndarray, first: int, second: int, paint: int) -> np.ndarray | None:
    """Join the `first` pixel to the `second` along the first pixel's row, then the second pixel's column."""
    g = np.asarray(g)
    a, b = _pixel(g, first), _pixel(g, second)
    if a is None or b is None or a[0] == b[0] or a[1] == b[1]:
        return None
    bg = O.background_color(g)
    out = g.copy()
    corner = (a[0], b[1])
    for r, c in _line(a, corner) + _line(corner, b):
        if (r, c) != a and (r, c) != b:
            if g[r, c] != bg:
                return None
            out[r, c] = paint
    return out


def elbow_path(task: ArcTask, deadline: float) -> list[Candidate]:
    """Two pixels joined by a one-bend path (which pixel's row it leaves along is learned)."""
    paint = single_background_paint(task)
    if paint is None:
        return []
    colours = sorted(shared_input_colours(task))
    if len(colours) != 2:
        return []
    return first_solution(task, "elbow", (
        Hypothesis(lambda g, first=first, second=second: _elbow(g, first, second, paint), size=4,
                   program=f"elbow_path(from={first}, to={second}, paint={paint})",
                   description=f"join the colour-{first} pixel to the colour-{second} pixel with a {paint} "
                               f"path along the {first} pixel's row, then the {second} pixel's column")
        for first, second in (colours, colours[::-1])))
