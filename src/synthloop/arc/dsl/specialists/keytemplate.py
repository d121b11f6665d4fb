"""Keyed template: the output is one of a few fixed grids, chosen by the input's colours (the set of its
non-background colours). Learned: the table colours -> grid; it must be consistent, have fewer keys than demos (some
key shown twice) and know the test input's key.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate
from synthloop.arc.grid import ArcTask, Candidate, grid_key


def colour_key(g: np.ndarray) -> tuple[int, ...]:
    """The sorted non-background colours of `g`."""
    g = np.asarray(g)
    bg = O.background_color(g)
    return tuple(int(c) for c in np.unique(g) if c != bg)


def keyed_template(task: ArcTask, deadline: float) -> list[Candidate]:
    """Output = the grid the demos show for the input's colour set."""
    if len(task.train) < 3:
        return []
    table: dict[tuple[int, ...], np.ndarray] = {}
    for i, o in task.train:
        k = colour_key(i)
        if k in table and grid_key(table[k]) != grid_key(o):
            return []
        table.setdefault(k, np.asarray(o))
    if len(table) < 2 or len(table) == len(task.train):
        return []
    if len({grid_key(v) for v in table.values()}) != len(table):
        return []
    c = make_candidate(task, lambda g: table.get(colour_key(g)), family="keyed_template",
                       program="template_by_colours(x)", size=3,
                       description="the output is the fixed grid the demos show for the input's set of colours")
    return [c] if c is not None else []
