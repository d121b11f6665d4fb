"""Region fills: background regions (connected areas of the background colour) that touch a cell of a learned
colour are filled with that colour; the other regions stay as they are.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate, same_shapes
from synthloop.arc.grid import ArcTask, Candidate


def _touch_fn(colour: int, connectivity: int):
    def fn(g: np.ndarray) -> np.ndarray | None:
        g = np.asarray(g)
        bg = O.background_color(g)
        labels, n = O.label(g == bg, connectivity)
        seed = g == colour
        near = np.zeros_like(seed)
        near[1:] |= seed[:-1]
        near[:-1] |= seed[1:]
        near[:, 1:] |= seed[:, :-1]
        near[:, :-1] |= seed[:, 1:]
        hit = np.unique(labels[near & (labels > 0)])
        out = g.copy()
        out[np.isin(labels, hit[hit > 0])] = colour
        return out

    return fn


def fill_touching(task: ArcTask, deadline: float) -> list[Candidate]:
    """Background regions next to a cell of colour C become C (C learned: the only colour the changed cells get)."""
    if not task.train or not same_shapes(task):
        return []
    new = set()
    for i, o in task.train:
        i, o = np.asarray(i), np.asarray(o)
        new |= set(np.unique(o[i != o]).tolist())
    if len(new) != 1:
        return []
    colour = new.pop()
    for conn in (4, 8):
        c = make_candidate(task, _touch_fn(colour, conn), family="regions",
                           program=f"fill_touching(colour={colour}, connectivity={conn})",
                           description=f"fill every background region ({conn}-connected) that touches colour "
                                       f"{colour} with {colour}", size=4)
        if c is not None and c.solves_train:
            return [c]
    return []
