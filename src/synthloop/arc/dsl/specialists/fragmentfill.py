"""Fragment fill: the cells of one marker colour (grouped by nearness) are broken pieces of copies of one symmetric
shape, partly hidden under other colours. The grid's shape is the largest symmetric closure of a fragment (the
smallest closure about some centre, which stays on marker / hidden cells); every fragment is completed to the one
copy of that shape that holds it, the cells it lacks painted a learned fill colour.
Learned: the marker and fill colours, the colours a fill may cover, the symmetry (four turns, half turn, two mirrors)
and how far apart a fragment's cells may be.
"""

from __future__ import annotations

import time

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate, same_shapes, solves_all
from synthloop.arc.dsl.specialists.tiling import _norm
from synthloop.arc.grid import ArcTask, Candidate

_GROUPS = {
    "rot4": lambda r, c: [(r, c), (c, -r), (-r, -c), (-c, r)],
    "rot2": lambda r, c: [(r, c), (-r, -c)],
    "mirror4": lambda r, c: [(r, c), (-r, c), (r, -c), (-r, -c)],
}


def _clusters(cells: list[tuple[int, int]], gap: int) -> list[list[tuple[int, int]]]:
    """Groups of cells linked by steps of at most `gap` + 1 rows and columns."""
    left = set(cells)
    out = []
    while left:
        stack = [left.pop()]
        group = []
        while stack:
            r, c = stack.pop()
            group.append((r, c))
            near = [p for p in left if abs(p[0] - r) <= gap + 1 and abs(p[1] - c) <= gap + 1]
            for p in near:
                left.discard(p)
                stack.append(p)
        out.append(group)
    return out


def _connected(cells: set[tuple[int, int]]) -> bool:
    start = next(iter(cells))
    seen = {start}
    stack = [start]
    while stack:
        r, c = stack.pop()
        for p in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
            if p in cells and p not in seen:
                seen.add(p)
                stack.append(p)
    return len(seen) == len(cells)


def _closure(group: list[tuple[int, int]], sym: str, ok: np.ndarray) -> set[tuple[int, int]] | None:
    """The smallest closure of `group` under the symmetry about some centre whose cells in the grid are `ok` ones
    (the centre cell added when that joins the closure into one 4-connected piece); None when no centre gives one or
    two centres tie."""
    H, W = ok.shape
    rs = [r for r, _ in group]
    cs = [c for _, c in group]
    best: list[set[tuple[int, int]]] = []
    for r2 in range(2 * min(rs), 2 * max(rs) + 1):
        for c2 in range(2 * min(cs), 2 * max(cs) + 1):
            cl: set[tuple[int, int]] = set()
            good = True
            for r, c in group:
                for dr, dc in _GROUPS[sym](2 * r - r2, 2 * c - c2):
                    if (dr + r2) % 2 or (dc + c2) % 2:
                        good = False
                        break
                    p = ((dr + r2) // 2, (dc + c2) // 2)
                    if 0 <= p[0] < H and 0 <= p[1] < W and not ok[p]:
                        good = False
                        break
                    cl.add(p)
                if not good:
                    break
            if not good:
                continue
            if r2 % 2 == 0 and c2 % 2 == 0 and not _connected(cl) and _connected(cl | {(r2 // 2, c2 // 2)}):
                cl.add((r2 // 2, c2 // 2))
            if not best or len(cl) < len(best[0]):
                best = [cl]
            elif len(cl) == len(best[0]) and cl not in best:
                best.append(cl)
    return best[0] if len(best) == 1 else None


def _place(group: list[tuple[int, int]], shape: list[tuple[int, int]], ok: np.ndarray) -> set[tuple[int, int]] | None:
    """The one placement of `shape` that holds every cell of `group` and whose cells in the grid are `ok` ones."""
    H, W = ok.shape
    r0, c0 = group[0]
    inside = set(group)
    found = []
    for ar, ac in shape:
        dr, dc = r0 - ar, c0 - ac
        cells = {(r + dr, c + dc) for r, c in shape}
        if inside <= cells and all(not (0 <= r < H and 0 <= c < W) or ok[r, c] for r, c in cells):
            found.append(cells)
    return found[0] if len(found) == 1 else None


def fill_fragments(g: np.ndarray, marker: int, fill: int, sym: str, gap: int, under: set[int]) -> np.ndarray | None:
    """`g` with every marker fragment completed to a copy of the grid's one shape (the largest symmetric closure
    of a fragment), the new cells painted `fill`."""
    g = np.asarray(g)
    cells = [(int(r), int(c)) for r, c in np.argwhere(g == marker)]
    if not cells or len(cells) > 120:
        return None
    ok = np.isin(g, list(under | {marker}))
    groups = _clusters(cells, gap)
    if any(len(gr) < 2 or len(gr) > 40 for gr in groups):
        return None
    closures = [cl for gr in groups if (cl := _closure(gr, sym, ok)) is not None]
    if not closures:
        return None
    big = max(len(cl) for cl in closures)
    shapes = {_norm(cl) for cl in closures if len(cl) == big}
    if len(shapes) != 1:
        return None
    shape = sorted(shapes.pop())
    out = g.copy()
    taken: set[tuple[int, int]] = set()
    for group in groups:
        cl = _place(group, shape, ok)
        if cl is None or cl & taken:
            return None
        taken |= cl
        for p in cl:
            if 0 <= p[0] < g.shape[0] and 0 <= p[1] < g.shape[1] and g[p] != marker:
                out[p] = fill
    return out


def _marker(task: ArcTask, fill: int, under: set[int]) -> int | None:
    """The colour never painted over that most often sits next to a painted cell."""
    score: dict[int, int] = {}
    for i, o in task.train:
        ch = i != o
        near = np.zeros_like(ch)
        near[1:] |= ch[:-1]
        near[:-1] |= ch[1:]
        near[:, 1:] |= ch[:, :-1]
        near[:, :-1] |= ch[:, 1:]
        for v, n in zip(*np.unique(o[near & ~ch], return_counts=True), strict=True):
            score[int(v)] = score.get(int(v), 0) + int(n)
    ranked = sorted(((n, v) for v, n in score.items() if v != fill and v not in under), reverse=True)
    if not ranked or (len(ranked) > 1 and ranked[1][0] == ranked[0][0]):
        return None
    return ranked[0][1]


def _colours(task: ArcTask) -> tuple[int, int, set[int]] | None:
    """(marker, fill, colours the fill paints over)."""
    fill = None
    under: set[int] = set()
    for i, o in task.train:
        ch = i != o
        if not ch.any():
            return None
        fills = np.unique(o[ch]).tolist()
        if len(fills) != 1 or (fill is not None and fills[0] != fill):
            return None
        fill = fills[0]
        under |= set(np.unique(i[ch]).tolist())
    if fill is None or fill in under:
        return None
    marker = _marker(task, fill, under | {O.background_color(i) for i, _ in task.train})
    return None if marker is None else (marker, fill, under)


def fragment_fill(task: ArcTask, deadline: float) -> list[Candidate]:
    """The fragment-fill rule with colours, symmetry and fragment gap learned from the demos."""
    if not task.train or not same_shapes(task):
        return []
    learned = _colours(task)
    if learned is None:
        return []
    marker, fill, under = learned
    for sym in _GROUPS:
        for gap in (1, 2, 3):
            if time.monotonic() > deadline:
                return []

            def fn(g: np.ndarray, sym: str = sym, gap: int = gap) -> np.ndarray | None:
                return fill_fragments(g, marker, fill, sym, gap, under)

            if not solves_all(task, fn):
                continue
            c = make_candidate(task, fn, family="fragment_fill",
                               program=f"fill_fragments(marker={marker}, fill={fill}, sym={sym}, gap={gap})",
                               description=f"complete every colour-{marker} fragment to the grid's one {sym}-symmetric "
                                           f"shape, new cells colour {fill}")
            return [c] if c is not None else []
    return []
