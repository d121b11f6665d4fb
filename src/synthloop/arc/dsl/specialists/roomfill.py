"""Room fill: every background pocket that is a solid rectangle walled in on all sides by one wall colour (a "room")
is painted a learned colour; pockets that are not rectangles, or whose walls are broken, stay background.

Learned: the fill colour (the one colour the demos paint onto background), whether a room may be cut by the grid
edge (the edge then stands in for a wall), and whether a room's wall corners must be clean (no wall cell continues
outward past a corner, which separates a closed box from a gap between crossing lines).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from scipy import ndimage

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution, single_background_paint
from synthloop.arc.grid import ArcTask, Candidate


def _is_room(g: np.ndarray, bg: int, box: tuple[int, int, int, int], edge: bool, clean: bool) -> bool:
    """Whether the rectangle `box` (t, l, b, r inclusive) of background is walled in by one colour."""
    h, w = g.shape
    t, lf, b, r = box
    walls: list[int] = []
    sides = [(t - 1, range(lf, r + 1), True), (b + 1, range(lf, r + 1), True),
             (lf - 1, range(t, b + 1), False), (r + 1, range(t, b + 1), False)]
    for k, span, horizontal in sides:
        if not (0 <= k < (h if horizontal else w)):
            if not edge:
                return False
            continue
        walls.extend(int(g[k, x]) if horizontal else int(g[x, k]) for x in span)
    if not walls or len(set(walls)) != 1 or walls[0] == bg:
        return False
    wall = walls[0]
    for cr, cc, dr, dc in ((t - 1, lf - 1, -1, -1), (t - 1, r + 1, -1, 1), (b + 1, lf - 1, 1, -1),
                           (b + 1, r + 1, 1, 1)):
        if not (0 <= cr < h and 0 <= cc < w):
            continue
        if g[cr, cc] != wall:
            return False
        if clean:
            for y, x in ((cr + dr, cc), (cr, cc + dc)):
                if 0 <= y < h and 0 <= x < w and g[y, x] == wall:
                    return False
    return True


def fill_rooms(g: np.ndarray, fill: int, edge: bool, clean: bool) -> np.ndarray | None:
    """`g` with every rectangular background room painted `fill`; None when there is no room."""
    g = np.asarray(g)
    bg = O.background_color(g)
    lab, n = ndimage.label(g == bg)
    if n < 2:
        return None
    out = g.copy()
    found = 0
    for k, sl in enumerate(ndimage.find_objects(lab), start=1):
        if sl is None:
            continue
        if not np.all(lab[sl] == k):
            continue
        box = (sl[0].start, sl[1].start, sl[0].stop - 1, sl[1].stop - 1)
        if _is_room(g, bg, box, edge, clean):
            out[sl] = fill
            found += 1
    return out if found else None


def _hypotheses(fill: int, deadline: float) -> Iterator[Hypothesis]:
    for edge in (False, True):
        for clean in (False, True):
            check_deadline(deadline)
            yield Hypothesis(
                fn=lambda g, e=edge, c=clean: fill_rooms(g, fill, e, c),
                program=f"fill_rooms(fill={fill}, edge={edge}, clean={clean})",
                description=f"paint every rectangular walled background room colour {fill}"
                            f"{' (the grid edge counts as a wall)' if edge else ''}"
                            f"{', only boxes with clean corners' if clean else ''}",
                size=3,
            )


def room_fill(task: ArcTask, deadline: float) -> list[Candidate]:
    """The room-fill rule when it reproduces every demo."""
    fill = single_background_paint(task)
    if fill is None:
        return []
    return first_solution(task, "room_fill", _hypotheses(fill, deadline))
