"""Edge padding: the grid grows by one cell on every side, each new border cell copying its neighbouring edge cell
and the four new corners taking one learned colour.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.common import make_candidate, solves_all
from synthloop.arc.grid import ArcTask, Candidate


def pad_edges(g: np.ndarray, corner: int) -> np.ndarray:
    """`g` padded by one replicated edge cell on every side, the corners `corner`."""
    out = np.pad(np.asarray(g), 1, mode="edge")
    out[0, 0] = out[0, -1] = out[-1, 0] = out[-1, -1] = corner
    return out


def edge_pad(task: ArcTask, deadline: float) -> list[Candidate]:
    """Grow the grid by one replicated border, corners a fixed colour."""
    if not task.train:
        return []
    for i, o in task.train:
        i, o = np.asarray(i), np.asarray(o)
        if o.shape != (i.shape[0] + 2, i.shape[1] + 2) or not np.array_equal(o[1:-1, 1:-1], i):
            return []
    corners = {int(np.asarray(o)[0, 0]) for _, o in task.train}
    if len(corners) != 1:
        return []
    corner = corners.pop()

    def fn(g: np.ndarray) -> np.ndarray:
        return pad_edges(g, corner)

    if not solves_all(task, fn):
        return []
    c = make_candidate(task, fn, family="edge_pad", program=f"edge_pad(corner={corner})",
                       description=f"every edge copied one cell outward, the new corners colour {corner}", size=2)
    return [c] if c is not None else []
