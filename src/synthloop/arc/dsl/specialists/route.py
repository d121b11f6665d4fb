"""Routed path: a short straight start segment of one colour heads out along its own line (from one of its ends)
across the background; whenever the next cell is taken (or off the grid) the path turns a quarter toward the target
(a segment of another colour), until the next cell is the target. The start's end that reaches the target is used;
the path is painted in a learned colour. The path must leave the start straight: an end whose next cell is taken is
no start.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate, same_shapes, solves_all
from synthloop.arc.grid import ArcTask, Candidate

Cell = tuple[int, int]


def _starts(cells: list[Cell]) -> list[tuple[Cell, Cell]] | None:
    """(end cell, heading) pairs of a straight segment: out of each end along its line (four ways for one cell)."""
    if len(cells) == 1:
        return [(cells[0], d) for d in ((-1, 0), (1, 0), (0, -1), (0, 1))]
    rs = {r for r, _ in cells}
    cs = {c for _, c in cells}
    s = sorted(cells)
    if len(rs) == 1 and max(cs) - min(cs) == len(cells) - 1:
        return [(s[0], (0, -1)), (s[-1], (0, 1))]
    if len(cs) == 1 and max(rs) - min(rs) == len(cells) - 1:
        return [(s[0], (-1, 0)), (s[-1], (1, 0))]
    return None


def _walk(g: np.ndarray, bg: int, start: Cell, d: Cell, target: np.ndarray) -> list[Cell] | None:
    H, W = g.shape
    tr, tc = np.nonzero(target)
    first = (start[0] + d[0], start[1] + d[1])
    if not (0 <= first[0] < H and 0 <= first[1] < W) or g[first] != bg:
        return None
    pos, path, seen = start, [], set()
    for _ in range(4 * H * W):
        nxt = (pos[0] + d[0], pos[1] + d[1])
        inside = 0 <= nxt[0] < H and 0 <= nxt[1] < W
        if inside and target[nxt]:
            return path
        if inside and g[nxt] == bg and nxt not in seen:
            pos = nxt
            path.append(pos)
            seen.add(pos)
            continue
        # blocked: turn a quarter toward the target
        if d[0] == 0:
            delta = (tr.min() - pos[0]) if tr.min() > pos[0] else (tr.max() - pos[0]) if tr.max() < pos[0] else 0
            d = (int(np.sign(delta)), 0)
        else:
            delta = (tc.min() - pos[1]) if tc.min() > pos[1] else (tc.max() - pos[1]) if tc.max() < pos[1] else 0
            d = (0, int(np.sign(delta)))
        if d == (0, 0):
            return None
    return None


def route_path(g: np.ndarray, start: int, target: int, paint: int) -> np.ndarray | None:
    """`g` with the path from the `start` segment to the `target` segment painted `paint`."""
    g = np.asarray(g)
    bg = O.background_color(g)
    cells = [(int(r), int(c)) for r, c in np.argwhere(g == start)]
    tmask = g == target
    if not cells or not tmask.any() or len(cells) > 10:
        return None
    starts = _starts(cells)
    if starts is None:
        return None
    paths = {tuple(p) for s, d in starts if (p := _walk(g, bg, s, d, tmask))}
    if len(paths) != 1:
        return None
    out = g.copy()
    for r, c in paths.pop():
        out[r, c] = paint
    return out


def routed_path(task: ArcTask, deadline: float) -> list[Candidate]:
    """The routed-path rule, its colours learned from the first demo: the path colour is the one colour painted,
    the start the segment of that colour (else the rarest colour touching the path), the target the other rarest."""
    if not task.train or not same_shapes(task):
        return []
    i, o = task.train[0]
    ch = i != o
    vals = np.unique(o[ch]).tolist()
    if len(vals) != 1:
        return []
    paint = int(vals[0])
    bg = O.background_color(i)
    counts = {int(v): int(n) for v, n in zip(*np.unique(i, return_counts=True), strict=True) if v != bg}
    rare = sorted(counts, key=lambda v: counts[v])[:3]
    tried: list[tuple[int, int]] = []
    for s in ([paint] if paint in counts else []) + rare:
        for t in rare:
            if s != t and (s, t) not in tried:
                tried.append((s, t))
    for s, t in tried:
        def fn(g: np.ndarray, s: int = s, t: int = t) -> np.ndarray | None:
            return route_path(g, s, t, paint)

        if solves_all(task, fn):
            c = make_candidate(task, fn, family="routed_path", program=f"route_path(start={s}, target={t}, "
                               f"paint={paint})",
                               description=f"run a path from the colour-{s} segment, turning toward the colour-{t} "
                                           f"target at every block, painted {paint}")
            return [c] if c is not None else []
    return []
