"""Seed rings: every seed cell fills the cells nearer to it than to any other seed (ties stay empty) with concentric
rings around itself, every other ring in its colour. Learned: the metric of the nearness and of the rings.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution, paints_background_only
from synthloop.arc.grid import ArcTask, Candidate

_METRICS = ("chebyshev", "manhattan", "euclid")


def _dist(dr: np.ndarray, dc: np.ndarray, metric: str) -> np.ndarray:
    if metric == "chebyshev":
        return np.maximum(dr, dc)
    if metric == "manhattan":
        return dr + dc
    return dr * dr + dc * dc


def seed_rings(g: np.ndarray, near: str, ring: str) -> np.ndarray | None:
    """`g` with each seed's nearest cells ringed; None unless there are 2..8 single seed cells."""
    g = np.asarray(g)
    bg = O.background_color(g)
    rs, cs = np.nonzero(g != bg)
    if not 2 <= len(rs) <= 8:
        return None
    rr, cc = np.indices(g.shape)
    dr = np.abs(rr[None] - rs[:, None, None])
    dc = np.abs(cc[None] - cs[:, None, None])
    near_d = _dist(dr, dc, near)
    best = near_d.min(axis=0)
    owners = (near_d == best).sum(axis=0)
    who = near_d.argmin(axis=0)
    ring_d = np.take_along_axis(_dist(dr, dc, ring), who[None], 0)[0]
    paint = (owners == 1) & (ring_d % 2 == 0)
    out = g.copy()
    out[paint] = g[rs[who[paint]], cs[who[paint]]]
    return out


def _hypotheses(deadline: float) -> Iterator[Hypothesis]:
    for near in _METRICS:
        for ring in ("chebyshev", "manhattan"):
            check_deadline(deadline)
            yield Hypothesis(lambda g, a=near, b=ring: seed_rings(g, a, b), size=3,
                             program=f"seed_rings(near={near}, rings={ring})",
                             description=f"each seed rings the cells {near}-nearest to it ({ring} rings, every "
                                         "other one coloured)")


def ringed_seeds(task: ArcTask, deadline: float) -> list[Candidate]:
    """Alternate rings around each seed, within its own territory."""
    if not paints_background_only(task):
        return []
    for i, _ in task.train:
        bg = O.background_color(np.asarray(i))
        if not 2 <= int((np.asarray(i) != bg).sum()) <= 8:
            return []
    return first_solution(task, "seed_rings", _hypotheses(deadline))
