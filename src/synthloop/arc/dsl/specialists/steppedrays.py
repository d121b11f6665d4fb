"""Stepped rays: the seeds on one edge shoot rays across the grid; at every marker on a side edge the rays step one
cell away from that marker's side. Learned: the seed colour; the seeds' edge is found per grid.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution, paints_background_only
from synthloop.arc.grid import ArcTask, Candidate


def _stepped_down(g: np.ndarray, colour: int) -> np.ndarray | None:
    """Seeds (of `colour`) in the top row shoot down; a marker in the left (right) column shifts the rays right
    (left) from its row on."""
    bg = O.background_color(g)
    h, w = g.shape
    seeds = [c for c in range(w) if g[0, c] != bg]
    if not seeds or any(g[0, c] != colour for c in seeds):
        return None
    body = g[1:].copy()
    shift = np.zeros(h, dtype=int)
    for r in range(1, h):
        left, right = g[r, 0] != bg, g[r, w - 1] != bg
        if (left and g[r, 0] == colour) or (right and g[r, w - 1] == colour):
            return None
        shift[r] = shift[r - 1] + int(left) - int(right)
        body[r - 1, 0] = body[r - 1, w - 1] = bg
    if (body != bg).any() or not shift.any():
        return None
    out = g.copy()
    for c in seeds:
        for r in range(1, h):
            cc = c + shift[r]
            if 0 <= cc < w and out[r, cc] == bg:
                out[r, cc] = colour
    return out


def stepped_rays(g: np.ndarray, colour: int) -> np.ndarray | None:
    """`_stepped_down` with the seeds on whichever edge holds them (it must be one edge only)."""
    outs = []
    for turns in range(4):
        out = _stepped_down(np.rot90(np.asarray(g), turns), colour)
        if out is not None:
            outs.append(np.rot90(out, -turns))
    return outs[0] if len(outs) == 1 else None


def _hypotheses(task: ArcTask, deadline: float) -> Iterator[Hypothesis]:
    for colour in sorted(set.intersection(*[set(np.unique(i).tolist()) for i, _ in task.train])):
        check_deadline(deadline)
        yield Hypothesis(lambda g, k=colour: stepped_rays(g, k), size=3, program=f"stepped_rays(seeds={colour})",
                         description=f"rays from the colour-{colour} seeds on one edge, stepping away from each "
                                     "side marker")


def stepped_edge_rays(task: ArcTask, deadline: float) -> list[Candidate]:
    """Rays from edge seeds that step sideways at the markers."""
    if not paints_background_only(task):
        return []
    return first_solution(task, "stepped_rays", _hypotheses(task, deadline))
