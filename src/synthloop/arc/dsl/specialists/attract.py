"""Attraction to walls: small objects travel straight to the wall (a long straight line) of their own colour and
stop against it; objects of a colour with no wall are erased or stay. Learned: the longest a mover may be, the
shortest a wall may be, and what happens to movers without a wall.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, same_shapes
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate

_MIN_WALL = 3
_MAX_MOVERS = 40


def _walls(objs: list[O.Object], min_wall: int) -> list[O.Object]:
    return [o for o in objs if (o.height == 1 or o.width == 1) and max(o.height, o.width) >= min_wall]


def _target(ob: O.Object, walls: list[O.Object]) -> tuple[int, int] | None:
    """The shift that brings `ob` against the nearest wall of its colour it faces; None when it faces none."""
    best = None
    t, lf, b, r = ob.bbox
    for w in walls:
        if w.color != ob.color:
            continue
        wt, wl, wb, wr = w.bbox
        if w.width == 1 and wt <= t and b <= wb:  # vertical wall beside the object's rows
            d = (0, wl - r) if wl >= r else (0, wr - lf) if wr <= lf else None
        elif w.height == 1 and wl <= lf and r <= wr:  # horizontal wall beside its columns
            d = (wt - b, 0) if wt >= b else (wb - t, 0) if wb <= t else None
        else:
            d = None
        if d is not None and (best is None or abs(d[0]) + abs(d[1]) < abs(best[0]) + abs(best[1])):
            best = d
    return best


def _attract(g: np.ndarray, min_wall: int, orphans: str) -> np.ndarray | None:
    g = np.asarray(g)
    bg = O.background_color(g)
    objs = O.extract(g, "c4")
    walls = _walls(objs, min_wall)
    if not walls:
        return None
    wall_ids = {id(w) for w in walls}
    movers = [o for o in objs if id(o) not in wall_ids]
    if not movers or len(movers) > _MAX_MOVERS:
        return None
    out = g.copy()
    for ob in movers:
        out[ob.rows, ob.cols] = bg
    for ob in movers:
        d = _target(ob, walls)
        if d is None:
            if orphans == "keep":
                out[ob.rows, ob.cols] = ob.values
            continue
        out[ob.rows + d[0], ob.cols + d[1]] = ob.values
    return out


def attract_to_walls(task: ArcTask, deadline: float) -> list[Candidate]:
    """Small objects move straight to the wall of their colour and stop against it."""
    if not task.train or not same_shapes(task):
        return []
    if any(np.array_equal(i, o) for i, o in task.train):
        return []

    def hypotheses() -> Iterator[Hypothesis]:
        for min_wall in (_MIN_WALL, 5):
            for orphans in ("erase", "keep"):
                check_deadline(deadline)
                yield Hypothesis(
                    lambda g, min_wall=min_wall, orphans=orphans: _attract(g, min_wall, orphans), size=4,
                    program=f"attract_to_walls(min_wall={min_wall}, no_wall={orphans!r})",
                    description="move every small object straight to the wall (a straight line of at least "
                                f"{min_wall} cells) of its own colour until it touches it; objects with no such wall "
                                + ("are erased" if orphans == "erase" else "stay where they are"))

    return first_solution(task, "attract", hypotheses())
