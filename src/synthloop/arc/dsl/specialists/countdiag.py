"""Count on the diagonal: the output is an n x n square, n the number of objects, with its main diagonal (or the
other one) drawn in the objects' colour. Learned: the object extraction and which diagonal.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate


def count_diagonal(g: np.ndarray, mode: str, anti: bool) -> np.ndarray | None:
    """n x n background square with a diagonal in the objects' colour (all objects must share it), n = #objects."""
    g = np.asarray(g)
    objs = O.extract(g, mode)
    colours = {o.color for o in objs}
    if not objs or len(objs) > 30 or len(colours) != 1:
        return None
    n = len(objs)
    out = np.full((n, n), O.background_color(g), dtype=np.int8)
    idx = np.arange(n)
    out[idx, n - 1 - idx if anti else idx] = colours.pop()
    return out


def _hypotheses(deadline: float) -> Iterator[Hypothesis]:
    for mode in ("c8", "c4"):
        for anti in (False, True):
            check_deadline(deadline)
            which = "anti-diagonal" if anti else "main diagonal"
            yield Hypothesis(lambda g, m=mode, a=anti: count_diagonal(g, m, a), size=3,
                             program=f"count_diagonal(objects={mode}, anti={anti})",
                             description=f"count the {O.EXTRACTOR_TEXT[mode]}; draw the {which} of a square that "
                                         "size in their colour")


def count_on_diagonal(task: ArcTask, deadline: float) -> list[Candidate]:
    """Output = a square as wide as the number of objects, its diagonal drawn."""
    if not task.train or any(o.shape[0] != o.shape[1] or o.size >= i.size for i, o in task.train):
        return []
    return first_solution(task, "count_diagonal", _hypotheses(deadline))
