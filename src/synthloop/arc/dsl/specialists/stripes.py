"""Repeating stripes: two seed cells each draw a full line across the grid's short side (columns in a wide grid,
rows in a tall one); the pair of lines then repeats with their spacing towards the far end. Learned: nothing beyond
the shape of the rule (it must explain every demo).
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate, same_shapes, solves_all
from synthloop.arc.grid import ArcTask, Candidate


def repeat_stripes(g: np.ndarray) -> np.ndarray | None:
    """Lines through the two seeds, repeated with period twice their distance towards the far end."""
    g = np.asarray(g)
    bg = O.background_color(g)
    rows, cols = np.nonzero(g != bg)
    if rows.size != 2:
        return None
    tall = g.shape[0] > g.shape[1]
    pos = rows if tall else cols
    if pos[0] == pos[1]:
        return None
    order = np.argsort(pos)
    p0, p1 = int(pos[order[0]]), int(pos[order[1]])
    c0, c1 = int(g[rows[order[0]], cols[order[0]]]), int(g[rows[order[1]], cols[order[1]]])
    step = 2 * (p1 - p0)
    t = g.T.copy() if not tall else g.copy()
    n = t.shape[0]
    for start, colour in ((p0, c0), (p1, c1)):
        for k in range(start, n, step):
            t[k, :] = colour
    return t if tall else t.T.copy()


def stripes(task: ArcTask, deadline: float) -> list[Candidate]:
    """Two seed cells become repeating stripes."""
    if not task.train or not same_shapes(task) or not solves_all(task, repeat_stripes):
        return []
    c = make_candidate(task, repeat_stripes, family="stripes", size=3, program="repeat_stripes(seeds=2)",
                       description="draw a full line across the short side through each of the two seed cells, in its "
                                   "colour, and repeat the pair with their spacing towards the far end")
    return [] if c is None else [c]
