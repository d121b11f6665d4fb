"""Marker trail: a shape with a single marker cell touching it is copied again and again, in the marker's colour,
in the direction of the marker (seen from the shape's bounding-box centre) until the copies leave the grid.

The step is the smallest shift along that direction at which the copy covers the marker without overlapping the
shape, so the first copy passes through the marker. Each object is an 8-connected multicolour component: its most
common colour is the shape, other single cells are markers. Copies paint background cells only.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate, marked_shapes, paints_background, solves_all
from synthloop.arc.grid import ArcTask, Candidate

_MAX_OBJECTS = 6


def _side(v: int, lo: int, hi: int) -> int:
    """Which way `v` lies from the middle of the span lo..hi (0 when level with it)."""
    twice = 2 * v - lo - hi
    return -1 if twice < 0 else (1 if twice > 0 else 0)


def marker_trail(g: np.ndarray) -> np.ndarray | None:
    """`g` with every marked shape repeated towards its marker(s); None when no object fits."""
    g = np.asarray(g)
    bg = O.background_color(g)
    objs = marked_shapes(g, _MAX_OBJECTS)
    if objs is None:
        return None
    h, w = g.shape
    out = g.copy()
    done = 0
    for shape, markers in objs:
        if len(shape) < 2 or len(markers) > 4 or len(markers) >= len(shape):
            return None
        ys = [y for y, _ in shape]
        xs = [x for _, x in shape]
        t, b, lf, r = min(ys), max(ys), min(xs), max(xs)
        for my, mx, colour in markers:
            dy, dx = _side(my, t, b), _side(mx, lf, r)
            if (dy, dx) == (0, 0):
                return None
            step = None
            for k in range(1, max(h, w)):
                moved = {(y + k * dy, x + k * dx) for y, x in shape}
                if (my, mx) in moved and not moved & shape:
                    step = k
                    break
            if step is None:
                return None
            k = step
            while True:
                moved = [(y + k * dy, x + k * dx) for y, x in shape]
                inside = [(y, x) for y, x in moved if 0 <= y < h and 0 <= x < w]
                if not inside:
                    break
                for y, x in inside:
                    if g[y, x] == bg or (y, x) == (my, mx):
                        out[y, x] = colour
                k += step
        done += 1
    return out if done else None


def marker_trails(task: ArcTask, deadline: float) -> list[Candidate]:
    """The marker-trail rule when it reproduces every demo."""
    if not paints_background(task):
        return []
    if not solves_all(task, marker_trail):
        return []
    c = make_candidate(task, marker_trail, family="marker_trail", program="marker_trail()",
                       description="each shape is copied repeatedly, in its marker's colour, towards the marker "
                                   "until the copies leave the grid", size=3)
    return [c] if c is not None else []
