"""Mend the dashed lines: the cells of one line colour draw broken straight lines (the sides of a rectangle, a
cross bar) inside their bounding box. Every row and column of that box on which the line colour covers more than a
learned share of the box's span is a line; its gaps (background cells within the box) are painted in the paint
colour (the one colour the demos paint). Learned: the line colour and the share.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import GridFn, check_deadline
from synthloop.arc.dsl.specialists.learn import (
    Hypothesis,
    first_solution,
    shared_input_colours,
    single_background_paint,
)
from synthloop.arc.grid import ArcTask, Candidate

SHARES = (0.5, 0.6, 0.7, 0.8)  # a line holds more than this share of the box span in the line colour


def _mend(colour: int, paint: int, share: float) -> GridFn:
    def fn(g: np.ndarray) -> np.ndarray | None:
        g = np.asarray(g)
        bg = O.background_color(g)
        rr, cc = np.nonzero(g == colour)
        if len(rr) < 3 or colour == bg:
            return None
        r0, r1, c0, c1 = int(rr.min()), int(rr.max()) + 1, int(cc.min()), int(cc.max()) + 1
        if r1 - r0 < 3 or c1 - c0 < 3:
            return None
        box = g[r0:r1, c0:c1]
        on = box == colour
        lines = np.zeros(box.shape, dtype=bool)
        lines[on.mean(axis=1) > share, :] = True
        lines[:, on.mean(axis=0) > share] = True
        gaps = lines & (box == bg)
        if not gaps.any():
            return None
        out = g.copy()
        out[r0:r1, c0:c1][gaps] = paint
        return out

    return fn


def _hypotheses(task: ArcTask, paint: int, deadline: float) -> Iterator[Hypothesis]:
    for colour in sorted(shared_input_colours(task)):
        for share in SHARES:
            check_deadline(deadline)
            yield Hypothesis(_mend(colour, paint, share), size=4,
                             program=f"mend_dashed_lines(colour={colour}, share>{share}, paint={paint})",
                             description=f"in the bounding box of the colour-{colour} cells, every row and column "
                                         f"more than {share:.0%} colour {colour} is a broken line: its gaps are "
                                         f"painted {paint}")


def mend_dashed_lines(task: ArcTask, deadline: float) -> list[Candidate]:
    """Fill the gaps of broken straight lines inside the line colour's bounding box."""
    paint = single_background_paint(task)
    if paint is None:
        return []
    # every painted cell lies in the bounding box of some shared colour (cheap exact precondition)
    colours = shared_input_colours(task)
    if not colours:
        return []
    for i, o in task.train:
        i, o = np.asarray(i), np.asarray(o)
        changed = np.argwhere(i != o)
        if not any(_inside_box(i == c, changed) for c in colours):
            return []
    return first_solution(task, "dashes", _hypotheses(task, paint, deadline))


def _inside_box(mask: np.ndarray, cells: np.ndarray) -> bool:
    rr, cc = np.nonzero(mask)
    if not len(rr):
        return False
    return bool((cells[:, 0] >= rr.min()).all() and (cells[:, 0] <= rr.max()).all()
                and (cells[:, 1] >= cc.min()).all() and (cells[:, 1] <= cc.max()).all())
