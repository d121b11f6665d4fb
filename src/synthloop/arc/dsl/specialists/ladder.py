"""Line ladder: a straight line touching an edge grows parallel lines on both sides, each one cell shorter than the
one inside it (a triangle), alternating the line's colour with a learned second colour. Tried in the four
orientations (the line hanging from the top edge after rotating).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution, paints_background_only
from synthloop.arc.grid import ArcTask, Candidate


def _ladder_down(g: np.ndarray, other: int) -> np.ndarray | None:
    bg = O.background_color(g)
    rs, cs = np.nonzero(g != bg)
    if len(rs) == 0 or len(set(cs.tolist())) != 1 or rs.min() != 0 or rs.max() != len(rs) - 1:
        return None
    c, n, colour = int(cs[0]), len(rs), int(g[0, cs[0]])
    out = g.copy()
    for d in range(1, n):
        for cc in (c - d, c + d):
            if 0 <= cc < g.shape[1]:
                out[: n - d, cc] = colour if d % 2 == 0 else other
    return out


def line_ladder(g: np.ndarray, other: int, turns: int) -> np.ndarray | None:
    """The ladder of the line that `turns` quarter turns hang from the top edge."""
    out = _ladder_down(np.rot90(np.asarray(g), turns), other)
    return None if out is None else np.rot90(out, -turns)


def _hypotheses(task: ArcTask, deadline: float) -> Iterator[Hypothesis]:
    new = set.union(*[set(np.unique(o).tolist()) - set(np.unique(i).tolist()) for i, o in task.train])
    if len(new) != 1:
        return
    other = new.pop()
    for turns in range(4):
        check_deadline(deadline)
        yield Hypothesis(lambda g, k=turns: line_ladder(g, other, k), size=3,
                         program=f"line_ladder(other={other}, turns={turns})",
                         description=f"grow shorter parallel lines beside the edge line, alternating with {other}")


def ladder_lines(task: ArcTask, deadline: float) -> list[Candidate]:
    """A triangle of ever shorter parallel lines beside a line hanging from an edge."""
    if not paints_background_only(task):
        return []
    return first_solution(task, "line_ladder", _hypotheses(task, deadline))
