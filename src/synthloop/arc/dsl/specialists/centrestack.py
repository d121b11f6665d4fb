"""Centred stack: the output is every object of the input (each colour's cells, or each connected object) laid on
one canvas, centred on each other; the canvas is as large as the largest object. Objects may not overlap cells.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate


def stack_centred(g: np.ndarray, mode: str) -> np.ndarray | None:
    """The objects of `g` overlaid, centred, on a background canvas the size of the largest; None on a clash or
    an odd size difference."""
    g = np.asarray(g)
    objs = O.extract(g, mode)
    if len(objs) < 2 or len(objs) > 20:
        return None
    bg = O.background_color(g)
    h, w = max(o.height for o in objs), max(o.width for o in objs)
    out = np.full((h, w), bg, dtype=g.dtype)
    for o in objs:
        if (h - o.height) % 2 or (w - o.width) % 2:
            return None
        t, lf = (h - o.height) // 2, (w - o.width) // 2
        rr, cc = o.rows - o.top + t, o.cols - o.left + lf
        if (out[rr, cc] != bg).any():
            return None
        out[rr, cc] = o.values
    return out


def _hypotheses(deadline: float) -> Iterator[Hypothesis]:
    for mode in ("colors", "c8", "m8"):
        check_deadline(deadline)
        yield Hypothesis(lambda g, m=mode: stack_centred(g, m), size=3, program=f"stack_centred({mode})",
                         description=f"overlay the {O.EXTRACTOR_TEXT[mode]} centred on each other")


def centred_stack(task: ArcTask, deadline: float) -> list[Candidate]:
    """All objects overlaid at a common centre."""
    if not task.train or any(o.size >= i.size for i, o in task.train):
        return []
    return first_solution(task, "centred_stack", _hypotheses(deadline))
