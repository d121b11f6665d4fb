"""Crops of a marked box: the output is the bounding box of one colour's cells (or of all the content), grown by
a learned margin of rows / columns and then scaled up by a learned whole factor.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline
from synthloop.arc.dsl.specialists.learn import Hypothesis, common_colours, first_solution
from synthloop.arc.grid import ArcTask, Candidate

CONTENT = -1  # "colour" meaning every non-background cell


def _crop(g: np.ndarray, colour: int, mr: int, mc: int, k: int) -> np.ndarray | None:
    g = np.asarray(g)
    mask = g != O.background_color(g) if colour == CONTENT else g == colour
    box = O.bbox_of_mask(mask)
    if box is None:
        return None
    t, lf, b, r = box[0] - mr, box[1] - mc, box[2] + mr, box[3] + mc
    if t < 0 or lf < 0 or b > g.shape[0] or r > g.shape[1]:
        return None
    x = g[t:b, lf:r]
    return np.kron(x, np.ones((k, k), dtype=x.dtype)) if k > 1 else x


def _hypotheses(task: ArcTask, deadline: float) -> Iterator[Hypothesis]:
    colours = sorted(common_colours(i for i, _ in task.train))
    for colour in [CONTENT, *colours]:
        check_deadline(deadline)
        # the factor and margins follow from the first demo's box and output size
        i0, o0 = np.asarray(task.train[0][0]), np.asarray(task.train[0][1])
        base = _crop(i0, colour, 0, 0, 1)
        if base is None:
            continue
        for k in (1, 2, 3, 4):
            if o0.shape[0] % k or o0.shape[1] % k:
                continue
            mr2, mc2 = o0.shape[0] // k - base.shape[0], o0.shape[1] // k - base.shape[1]
            if mr2 < 0 or mc2 < 0 or mr2 % 2 or mc2 % 2 or mr2 > 4 or mc2 > 4:
                continue
            mr, mc = mr2 // 2, mc2 // 2
            what = "the drawing" if colour == CONTENT else f"the colour-{colour} cells"
            grow = f", grown by {mr} row(s) and {mc} column(s)" if mr2 or mc2 else ""
            yield Hypothesis(lambda g, colour=colour, mr=mr, mc=mc, k=k: _crop(g, colour, mr, mc, k),
                             size=3 + (k > 1) + bool(mr2 or mc2),
                             program=f"crop_box({'content' if colour == CONTENT else colour}, "
                                     f"margin=({mr}, {mc}), scale={k})",
                             description=f"cut out the bounding box of {what}{grow}"
                                         + (f", scaled up {k} times" if k > 1 else ""))


def crop_box(task: ArcTask, deadline: float) -> list[Candidate]:
    """Crop one colour's (or the content's) bounding box, grown by a margin, scaled by a whole factor."""
    if not task.train or any(i.shape == o.shape for i, o in task.train):
        return []
    return first_solution(task, "crop_box", _hypotheses(task, deadline))
