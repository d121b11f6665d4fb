"""Header cycle: the grid's first line lists colours; the empty lines past it (and past an optional uniform
separator line) are filled whole, one line per listed colour, cycling through the list. The side where the header
lies is learned (top, left, bottom or right).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, same_shapes
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate

SIDES = ("top", "left", "bottom", "right")


def _to_top(g: np.ndarray, side: str) -> np.ndarray:
    """`g` flipped or transposed so that `side` comes first, the header read left to right or top to bottom."""
    t = g.T if side in ("left", "right") else g
    return t[::-1] if side in ("bottom", "right") else t


def _from_top(r: np.ndarray, side: str) -> np.ndarray:
    t = r[::-1] if side in ("bottom", "right") else r
    return t.T if side in ("left", "right") else t


def cycle_header(g: np.ndarray, side: str, skip: int) -> np.ndarray | None:
    """`g` with every line after the header and `skip` - 1 kept lines filled by the header's colours in turn;
    None when the header has background cells or a filled line was not all background."""
    g = np.asarray(g)
    bg = O.background_color(g)
    r = _to_top(g, side).copy()
    header = r[0]
    if r.shape[0] <= skip or np.any(header == bg) or np.any(r[skip:] != bg):
        return None
    if skip == 2 and (len(set(r[1].tolist())) != 1 or r[1, 0] == bg):
        return None
    for j in range(r.shape[0] - skip):
        r[skip + j, :] = header[j % len(header)]
    return _from_top(r, side)


def header_cycle(task: ArcTask, deadline: float) -> list[Candidate]:
    """Fill the empty lines with the header line's colours, cycling."""
    if not task.train or not same_shapes(task):
        return []

    def hypotheses() -> Iterator[Hypothesis]:
        for side in SIDES:
            for skip in (2, 1):
                check_deadline(deadline)
                yield Hypothesis(fn=lambda g, d=side, s=skip: cycle_header(g, d, s),
                                 program=f"cycle_header(side={side!r}, skip={skip})",
                                 description=f"the {side} line's colours fill the empty lines in turn"
                                             f"{' past the separator' if skip == 2 else ''}",
                                 size=3)

    return first_solution(task, "header_cycle", hypotheses())
