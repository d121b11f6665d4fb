"""Recolour thin line shapes by their topology: each object takes the colour a learned table gives its number of
ends, of bends, or of branch points (an L, a U and a forked shape each get their own colour).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, make_candidate, same_shapes, solves_all
from synthloop.arc.grid import ArcTask, Candidate


def _degrees(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per cell of `mask`: its 4-neighbour count, and whether it has a horizontal and a vertical neighbour."""
    p = np.pad(mask, 1)
    up, down, left, right = p[:-2, 1:-1], p[2:, 1:-1], p[1:-1, :-2], p[1:-1, 2:]
    deg = up.astype(int) + down + left + right
    return deg, left | right, up | down


def topology(ob: O.Object) -> dict[str, int]:
    """Counts of end cells, bend cells (two neighbours at a right angle) and branch cells (three or more)."""
    m = ob.mask
    deg, horiz, vert = _degrees(m)
    return {"ends": int(((deg <= 1) & m).sum()),
            "bends": int(((deg == 2) & horiz & vert & m).sum()),
            "branches": int(((deg >= 3) & m).sum())}


FEATURES: dict[str, Callable[[dict[str, int]], object]] = {
    "ends": lambda t: t["ends"],
    "bends": lambda t: t["bends"],
    "branches": lambda t: t["branches"],
    "ends_bends": lambda t: (t["ends"], t["bends"]),
}


def recolour_by_topology(g: np.ndarray, feature: str, table: dict) -> np.ndarray | None:
    """`g` with each 4-connected object painted its feature's colour; None when a value is not in the table."""
    g = np.asarray(g)
    out = g.copy()
    for ob in O.extract(g, "c4"):
        col = table.get(FEATURES[feature](topology(ob)))
        if col is None:
            return None
        out[ob.rows, ob.cols] = col
    return out


def _learn(task: ArcTask, feature: str) -> dict | None:
    table: dict = {}
    for i, o in task.train:
        i, o = np.asarray(i), np.asarray(o)
        for ob in O.extract(i, "c4"):
            cols = np.unique(o[ob.rows, ob.cols])
            if len(cols) != 1:
                return None
            v = FEATURES[feature](topology(ob))
            if table.setdefault(v, int(cols[0])) != int(cols[0]):
                return None
    return table if len(set(table.values())) > 1 else None


def topology_recolour(task: ArcTask, deadline: float) -> list[Candidate]:
    """Colour each line shape by its ends, bends or branches."""
    if not task.train or not same_shapes(task):
        return []
    for i, o in task.train:  # only object cells change, and the inputs show one non-background colour
        i, o = np.asarray(i), np.asarray(o)
        bg = O.background_color(i)
        if not (i != o).any() or np.any(i[i != o] == bg) or np.any(o[i == bg] != bg) or len(np.unique(i)) != 2:
            return []
    for feature in FEATURES:
        check_deadline(deadline)
        table = _learn(task, feature)
        if table is None:
            continue
        fn = lambda g, f=feature, t=table: recolour_by_topology(g, f, t)  # noqa: E731
        if solves_all(task, fn):
            c = make_candidate(task, fn, family="topology_recolour", size=3,
                               program=f"recolour_by_topology({feature}, {sorted(table.items())})",
                               description=f"colour each line shape by its number of {feature.replace('_', ' and ')}")
            if c is not None:
                return [c]
    return []
