"""Wall impacts: single-cell seeds shoot rays at full-span walls (rows or columns of one colour) in every direction
that meets one, stop at the nearest wall, and leave a learned impact mark there (a ring around the hit cell, the
hit cell recoloured)."""

from __future__ import annotations

from functools import partial
from itertools import product

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, make_candidate, same_shapes, solves_all
from synthloop.arc.grid import ArcTask, Candidate


def _walls(g: np.ndarray, bg: int) -> tuple[np.ndarray, np.ndarray, int] | None:
    """Rows and columns that are wholly one non-background colour, and that colour (None unless there is one)."""
    rows = np.array([len(set(r.tolist())) == 1 and r[0] != bg for r in g])
    cols = np.array([len(set(c.tolist())) == 1 and c[0] != bg for c in g.T])
    if not rows.any() and not cols.any():
        return None
    if rows.any() and cols.any():
        return None
    colours = set(g[rows].ravel().tolist()) | set(g[:, cols].ravel().tolist())
    if len(colours) != 1:
        return None
    return rows, cols, colours.pop()


def wall_impacts(g: np.ndarray, ray: bool, radius: int, ring: str, hit: str) -> np.ndarray | None:
    """`g` with every single-cell seed shooting rays (drawn when `ray`) to the nearest wall in each direction that
    has one; at the hit cell a square ring of `radius` in the wall or seed colour (`ring`), the hit cell itself in
    the seed or wall colour (`hit`). None unless the grid has walls of one colour and only single-cell seeds."""
    g = np.asarray(g)
    bg = O.background_color(g)
    w = _walls(g, bg)
    if w is None:
        return None
    rows, cols, wc = w
    H, W = g.shape
    wall = np.zeros_like(g, dtype=bool)
    wall[rows, :] = True
    wall[:, cols] = True
    seeds = np.argwhere(~wall & (g != bg))
    if len(seeds) == 0 or len(seeds) > 20:
        return None
    seedset = {(int(r), int(c)) for r, c in seeds}
    for r, c in seedset:
        for dr, dc in product((-1, 0, 1), repeat=2):
            if (dr or dc) and (r + dr, c + dc) in seedset:
                return None
    dirs = [(-1, 0), (1, 0)] if rows.any() else [(0, -1), (0, 1)]
    out = g.copy()
    marks = []
    for r, c in seedset:
        sc = int(g[r, c])
        for dr, dc in dirs:
            y, x = r + dr, c + dc
            path = []
            while 0 <= y < H and 0 <= x < W and not wall[y, x]:
                path.append((y, x))
                y, x = y + dr, x + dc
            if not (0 <= y < H and 0 <= x < W):
                continue
            if any(g[p] != bg for p in path):
                return None
            if ray:
                for p in path:
                    out[p] = sc
            marks.append((y, x, sc))
    if not marks:
        return None
    for y, x, sc in marks:
        if radius:
            rc = wc if ring == "wall" else sc
            for yy in range(y - radius, y + radius + 1):
                for xx in range(x - radius, x + radius + 1):
                    if 0 <= yy < H and 0 <= xx < W and max(abs(yy - y), abs(xx - x)) == radius:
                        out[yy, xx] = rc
    for y, x, sc in marks:
        out[y, x] = sc if hit == "seed" else wc
    return out


def wall_impact_rays(task: ArcTask, deadline: float) -> list[Candidate]:
    """The wall-impact rule under the first setting (ray, ring radius and colours) that explains every demo."""
    if not task.train or not same_shapes(task):
        return []
    for i, o in task.train:
        i, o = np.asarray(i), np.asarray(o)
        if _walls(i, O.background_color(i)) is None or np.array_equal(i, o):
            return []
    for ray, radius, ring, hit in product((True, False), (1, 0, 2), ("wall", "seed"), ("seed", "wall")):
        if radius == 0 and ring == "seed":
            continue
        check_deadline(deadline)
        fn = partial(wall_impacts, ray=ray, radius=radius, ring=ring, hit=hit)
        if not solves_all(task, fn):
            continue
        desc = (f"each seed {'draws a ray' if ray else 'looks'} to the nearest full-span wall on each side; the hit "
                f"cell takes the {hit} colour" + (f" inside a radius-{radius} ring of the {ring} colour" if radius
                                                  else ""))
        c = make_candidate(task, fn, family="wall_impact",
                           program=f"wall_impacts(ray={ray}, radius={radius}, ring={ring!r}, hit={hit!r})",
                           description=desc)
        return [c] if c is not None else []
    return []
