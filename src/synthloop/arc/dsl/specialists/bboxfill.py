"""Bounding-box fill: inside the bounding box of every object of one colour (8- or 4-connected, or cells grouped
across gaps of one cell), the cells not of that colour get a fill colour (every such cell, or only background
cells). Learned: the object colour, the fill colour, the grouping and what may be painted over.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.learn import (
    Hypothesis,
    common_colours,
    first_solution,
    single_changed_colour,
)
from synthloop.arc.grid import ArcTask, Candidate

_MAX_OBJECTS = 30


def _near_groups(mask: np.ndarray, reach: int) -> tuple[np.ndarray, int]:
    """Label cells into groups linked by steps of at most `reach` cells (chessboard distance)."""
    rs, cs = np.nonzero(mask)
    n = rs.size
    labels = np.zeros(mask.shape, dtype=np.int32)
    if n == 0 or n > 300:
        return labels, 0 if n == 0 else _MAX_OBJECTS + 1
    near = np.maximum(np.abs(rs[:, None] - rs[None, :]), np.abs(cs[:, None] - cs[None, :])) <= reach
    group = -np.ones(n, dtype=np.int64)
    k = 0
    for s in range(n):
        if group[s] >= 0:
            continue
        k += 1
        group[s] = k
        stack = [s]
        while stack:
            x = stack.pop()
            for y in np.nonzero(near[x] & (group < 0))[0]:
                group[y] = k
                stack.append(int(y))
    labels[rs, cs] = group
    return labels, k


def _fill(g: np.ndarray, colour: int, paint: int, over: str, conn: int) -> np.ndarray | None:
    g = np.asarray(g)
    bg = O.background_color(g)
    labels, n = O.label(g == colour, conn) if conn in (4, 8) else _near_groups(g == colour, 2)
    if n == 0 or n > _MAX_OBJECTS:
        return None
    out = g.copy()
    for k in range(1, n + 1):
        t, lf, b, r = O.bbox_of_mask(labels == k)
        box = g[t:b, lf:r]
        target = (box != colour) if over == "all" else (box == bg)
        out[t:b, lf:r][target] = paint
    return out


def fill_bboxes(task: ArcTask, deadline: float) -> list[Candidate]:
    """Fill the bounding boxes of one colour's objects with a learned colour."""
    paint = single_changed_colour(task, "output")
    if paint is None:
        return []
    return first_solution(task, "bbox_fill", (
        Hypothesis(lambda g, colour=colour, over=over, conn=conn: _fill(g, colour, paint, over, conn), size=4,
                   program=f"fill_bboxes(colour={colour}, paint={paint}, over={over!r}, "
                           f"grouping={conn or 'within 2 cells'})",
                   description=f"inside the bounding box of every colour-{colour} object, paint the "
                               + ("background" if over == "background" else "other") + f" cells {paint}")
        for colour in sorted(common_colours(i for i, _ in task.train) - {paint})
        for conn in (8, 4, 0) for over in ("background", "all")))
