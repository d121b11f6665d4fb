"""Rain under the umbrella: every one-cell marker that lies on one side of the largest object, within its span (below
it, say), becomes a line of its colour that runs from the object through the marker to the grid's edge; markers
elsewhere stay as they are. Learned: the side.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution, paints_background_only
from synthloop.arc.grid import ArcTask, Candidate

_SIDES = {0: "below", 1: "left of", 2: "above", 3: "right of"}  # np.rot90 turns that bring the side below
_MAX_OBJECTS = 40


def _rain_below(g: np.ndarray) -> np.ndarray | None:
    """Lines from the largest object down through every marker below it to the bottom edge."""
    bg = O.background_color(g)
    objs = O.extract(g, "c8")
    if len(objs) < 2 or len(objs) > _MAX_OBJECTS:
        return None
    sizes = sorted(o.size for o in objs)
    if sizes[-1] == sizes[-2] or sizes[-1] < 3:
        return None
    big = max(objs, key=lambda o: o.size)
    t, lf, b, r = big.bbox
    out = g.copy()
    drew = False
    for m in objs:
        y, x = int(m.rows[0]), int(m.cols[0])
        if m.size != 1 or y < b or not lf <= x < r:
            continue
        under = np.nonzero(big.mask[:, x - lf])[0]
        if under.size == 0:
            return None
        col = out[t + int(under.max()) + 1:, x]
        col[col == bg] = m.values[0]
        drew = True
    return out if drew else None


def rain(g: np.ndarray, turns: int) -> np.ndarray | None:
    """`_rain_below` for markers on the side that `turns` quarter turns bring below."""
    out = _rain_below(np.rot90(np.asarray(g), turns))
    return None if out is None else np.rot90(out, -turns)


def _hypotheses(deadline: float) -> Iterator[Hypothesis]:
    for turns, side in _SIDES.items():
        check_deadline(deadline)
        yield Hypothesis(lambda g, k=turns: rain(g, k), size=3, program=f"rain(side={side.split()[0]!r})",
                         description=f"every one-cell marker {side} the largest object becomes a line from the "
                                     "object through it to the edge")


def shadow_rain(task: ArcTask, deadline: float) -> list[Candidate]:
    """Markers beside the largest object turn into lines from it to the edge."""
    if not paints_background_only(task):
        return []
    return first_solution(task, "shadow_rain", _hypotheses(deadline))
