"""Meet lines: two lone cells on one line grow towards each other and meet in the middle.

Every row (or column) that holds exactly two non-background cells with only background between them is filled:
the first half of the gap takes the first cell's colour, the second half the second cell's colour, and when the gap
is odd its middle cell takes a learned meeting colour (or, learned, the gap must be even). Learned: the axis (rows,
columns or both) and the meeting colour. A grid with a line of three or more cells is refused.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, same_shapes
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate


def _meet_rows(g: np.ndarray, out: np.ndarray, bg: int, mid: int | None) -> int | None:
    """Fill the meeting rows of `g` into `out`; the number of rows filled, None when an odd gap has no mid colour
    or a row holds more than two cells."""
    n = 0
    for r in range(g.shape[0]):
        cs = np.nonzero(g[r] != bg)[0]
        if len(cs) > 2:  # a crowded line: the rule does not say which cells pair up
            return None
        if len(cs) != 2 or cs[1] - cs[0] < 2:
            continue
        a, b = int(cs[0]), int(cs[1])
        gap = b - a - 1
        half = gap // 2
        out[r, a + 1:a + 1 + half] = g[r, a]
        out[r, b - half:b] = g[r, b]
        if gap % 2:
            if mid is None:
                return None
            out[r, a + 1 + half] = mid
        n += 1
    return n


def meet_lines(g: np.ndarray, axis: str, mid: int | None) -> np.ndarray | None:
    """`g` with every two-cell row/column (per `axis`: rows, cols, both) grown to meet in the middle; None when no
    line meets."""
    g = np.asarray(g)
    bg = O.background_color(g)
    out = g.copy()
    total = 0
    if axis in ("rows", "both"):
        n = _meet_rows(g, out, bg, mid)
        if n is None:
            return None
        total += n
    if axis in ("cols", "both"):
        t = out.T.copy()
        n = _meet_rows(g.T, t, bg, mid)
        if n is None:
            return None
        out = t.T
        total += n
    return out if total else None


def _hypotheses(mids: list[int | None], deadline: float) -> Iterator[Hypothesis]:
    for axis in ("rows", "cols", "both"):
        for mid in mids:
            check_deadline(deadline)
            where = {"rows": "row", "cols": "column", "both": "row or column"}[axis]
            meet = "an odd gap's middle cell" + (f" colour {mid}" if mid is not None else " never occurs")
            yield Hypothesis(
                fn=lambda g, a=axis, m=mid: meet_lines(g, a, m),
                program=f"meet_lines(axis={axis!r}, mid={mid})",
                description=f"the two lone cells of each {where} grow towards each other and meet; {meet}",
                size=3,
            )


def meet_lines_spec(task: ArcTask, deadline: float) -> list[Candidate]:
    if not task.train or not same_shapes(task):
        return []
    new: set[int] = set()
    painted: set[int] = set()
    for i, o in task.train:
        i, o = np.asarray(i), np.asarray(o)
        bg = O.background_color(i)
        d = i != o
        if not d.any() or np.any(i[d] != bg):  # only background is painted
            return []
        got = {int(v) for v in np.unique(o[d])}
        painted |= got
        new |= got - {int(v) for v in np.unique(i)}
    if len(new) > 1 or (len(painted) > 6 and not new):
        return []
    # a colour new to the outputs first, then (when few) any painted colour, then no middle cell at all
    mids: list[int | None] = [*sorted(new), *(sorted(painted - new) if len(painted) <= 6 else []), None]
    return first_solution(task, "meet_lines", _hypotheses(mids, deadline))
