"""Parity flood: the background cells connected to the seed cells are filled outward from them, alternating the two
seed colours with the distance (a chequered path through a maze). The walls are the most frequent non-background
colour; the seeds are the (one or two) other colours. Learned: the connectivity of the flood and the background (the
one colour the demos paint over; else each grid's own).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline
from synthloop.arc.dsl.specialists.learn import (
    Hypothesis,
    first_solution,
    paints_background_only,
    single_changed_colour,
)
from synthloop.arc.grid import ArcTask, Candidate

_STEPS = {4: ((0, 1), (1, 0), (0, -1), (-1, 0)),
          8: ((0, 1), (1, 0), (0, -1), (-1, 0), (1, 1), (1, -1), (-1, 1), (-1, -1))}


def parity_flood(g: np.ndarray, conn: int, bg: int | None = None) -> np.ndarray | None:
    """`g` with the background (`bg`, None: detected) reachable from the seed cells filled, each cell the seed colour
    other than its predecessor's (a single seed colour floods plainly); None without walls and one or two seed
    colours."""
    g = np.asarray(g)
    bg = O.background_color(g) if bg is None else bg
    colours, counts = np.unique(g[g != bg], return_counts=True)
    if len(colours) not in (2, 3):
        return None
    wall = int(colours[np.argmax(counts)])
    seeds = [int(c) for c in colours if c != wall]
    other = {seeds[0]: seeds[-1], seeds[-1]: seeds[0]}
    out = g.copy()
    h, w = g.shape
    queue = deque(zip(*np.nonzero(np.isin(g, seeds)), strict=True))
    while queue:
        r, c = queue.popleft()
        nxt = other[int(out[r, c])]
        for dr, dc in _STEPS[conn]:
            rr, cc = r + dr, c + dc
            if 0 <= rr < h and 0 <= cc < w and out[rr, cc] == bg and g[rr, cc] == bg:
                out[rr, cc] = nxt
                queue.append((rr, cc))
    return out


def _hypotheses(deadline: float, bg: int | None) -> Iterator[Hypothesis]:
    on = "" if bg == 0 else f", background={bg}"
    for conn in (4, 8):
        check_deadline(deadline)
        yield Hypothesis(lambda g, k=conn: parity_flood(g, k, bg), size=3,
                         program=f"parity_flood(connectivity={conn}{on})",
                         description=f"flood the background ({conn}-connected) outward from the seed cells, "
                                     "alternating the seed colours; the most frequent colour is the wall")


def parity_flood_fill(task: ArcTask, deadline: float) -> list[Candidate]:
    """Fill the maze paths from the seeds with alternating colours."""
    bg = single_changed_colour(task, "input")
    if bg is None and not paints_background_only(task):
        return []
    return first_solution(task, "parity_flood", _hypotheses(deadline, bg))
