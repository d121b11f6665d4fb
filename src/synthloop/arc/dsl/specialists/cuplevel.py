"""Cup level: the input is an upright cup (walls of one colour) partly filled with a liquid colour; the output is a
fixed-size background grid whose first N cells, in a learned order (reading or snake), take the liquid colour, N
being the number of empty rows left inside the cup above the liquid.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import fixed_output_shape, make_candidate, solves_all
from synthloop.arc.grid import ArcTask, Candidate


def _order(h: int, w: int, snake: bool) -> list[tuple[int, int]]:
    cells = []
    for y in range(h):
        xs = range(w - 1, -1, -1) if snake and y % 2 else range(w)
        cells.extend((y, x) for x in xs)
    return cells


def _cup(g: np.ndarray) -> tuple[int, int, int] | None:
    """(background, liquid colour, empty rows inside the cup); None unless the grid is one cup with liquid."""
    bg = O.background_color(g)
    colours = [c for c in np.unique(g).tolist() if c != bg]
    if len(colours) != 2:
        return None
    counts = {c: int((g == c).sum()) for c in colours}
    wall, liquid = sorted(colours, key=lambda c: -counts[c])
    empty, seen_liquid = 0, False
    for row in g:
        walls = np.nonzero(row == wall)[0]
        if walls.size < 2:
            if (row == liquid).any():
                return None
            continue
        inside = row[walls[0] + 1:walls[-1]]
        inside = inside[inside != wall]
        if inside.size == 0:
            continue
        if (inside == bg).all():
            if seen_liquid:
                return None
            empty += 1
        elif (inside == liquid).all():
            seen_liquid = True
        else:
            return None
    if not seen_liquid:
        return None
    return bg, liquid, empty


def cup_level(g: np.ndarray, shape: tuple[int, int], snake: bool) -> np.ndarray | None:
    """A `shape` grid with as many liquid cells, in order, as the cup has empty rows; None when unfit."""
    found = _cup(np.asarray(g))
    if found is None:
        return None
    bg, liquid, n = found
    order = _order(*shape, snake)
    if n > len(order):
        return None
    out = np.full(shape, bg, dtype=np.asarray(g).dtype)
    for y, x in order[:n]:
        out[y, x] = liquid
    return out


def cup_level_count(task: ArcTask, deadline: float) -> list[Candidate]:
    """The cup-level count when it reproduces every demo (one fixed output shape)."""
    shape = fixed_output_shape(task)
    if shape is None or not task.train or any(o.shape == i.shape for i, o in task.train):
        return []
    for snake in (False, True):
        def fn(g: np.ndarray, s: bool = snake) -> np.ndarray | None:
            return cup_level(g, shape, s)

        if not solves_all(task, fn):
            continue
        order = "snake" if snake else "reading"
        c = make_candidate(task, fn, family="cup_level", program=f"cup_level(shape={shape}, order={order})",
                           description=f"count the empty rows above the liquid in the cup and fill that many cells "
                                       f"of a {shape[0]}x{shape[1]} grid in {order} order")
        return [c] if c is not None else []
    return []
