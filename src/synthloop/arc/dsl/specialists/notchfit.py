"""Notch fit: a wall runs along one side of the grid with notches (background gaps) cut into it, and loose pieces of
one colour lie elsewhere. The pieces move (shifted, not turned) into the wall so that together they fill every notch
exactly, each piece used once, the one way they can; the moved pieces take a learned colour, their old places become
background.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate, same_shapes, solves_all
from synthloop.arc.grid import ArcTask, Candidate

Cell = tuple[int, int]
_MAX_NODES = 20000


def _wall_side(g: np.ndarray, bg: int) -> tuple[int, int] | None:
    """(turns that bring the wall to the top, wall colour) for the one grid side that is a full line of one colour."""
    found = []
    for k in range(4):
        top = np.rot90(g, k)[0]
        if (top == top[0]).all() and top[0] != bg:
            found.append((k, int(top[0])))
    return found[0] if len(found) == 1 else None


def _fit(notches: set[Cell], pieces: list[list[Cell]], shape: tuple[int, int], depth: int) -> list[frozenset[Cell]]:
    """Distinct cell sets of the pieces placed to fill every notch exactly (up to two)."""
    H, W = shape
    order = sorted(notches)
    results: set[frozenset[Cell]] = set()
    nodes = [0]

    def rec(free: set[Cell], used: set[Cell], left: list[int]) -> None:
        if len(results) > 1 or nodes[0] > _MAX_NODES:
            return
        nodes[0] += 1
        start = next((p for p in order if p in free), None)
        if start is None:
            if not left:
                results.add(frozenset(used))
            return
        for idx in left:
            piece = pieces[idx]
            for ar, ac in piece:
                dr, dc = start[0] - ar, start[1] - ac
                placed = [(r + dr, c + dc) for r, c in piece]
                if any(not (0 <= r < H and 0 <= c < W) or (r <= depth and (r, c) not in free) or (r, c) in used
                       for r, c in placed):
                    continue
                for p in placed:
                    free.discard(p)
                    used.add(p)
                rec(free, used, [j for j in left if j != idx])
                for p in placed:
                    used.discard(p)
                    if p in notches:
                        free.add(p)

    rec(set(notches), set(), list(range(len(pieces))))
    return list(results) if nodes[0] <= _MAX_NODES else []


def fit_notches(g: np.ndarray, colour: int | None) -> np.ndarray | None:
    """`g` with the loose pieces moved into the wall's notches (painted `colour`, None: their own colour)."""
    g = np.asarray(g)
    bg = O.background_color(g)
    side = _wall_side(g, bg)
    if side is None:
        return None
    k, wall = side
    t = np.rot90(g, k)
    H, W = t.shape
    lab, n = O.label(t == wall, 4)
    wl = lab == lab[0, 0]
    depth = int(np.nonzero(wl.any(axis=1))[0].max())
    rest = (t != bg) & ~wl
    if (rest[: depth + 1]).any():
        return None
    cols = np.unique(t[rest]).tolist()
    if len(cols) != 1:
        return None
    notches = {(int(r), int(c)) for r, c in np.argwhere(t[: depth + 1] == bg)}
    plab, m = O.label(rest, 4)
    if not notches or m == 0 or m > 8:
        return None
    pieces = []
    for j in range(1, m + 1):
        cells = [(int(r), int(c)) for r, c in np.argwhere(plab == j)]
        pieces.append(cells)
    if sum(len(p) for p in pieces) < len(notches):
        return None
    ways = _fit(notches, pieces, (H, W), depth)
    if len(ways) != 1:
        return None
    out = t.copy()
    out[rest] = bg
    paint = cols[0] if colour is None else colour
    for r, c in ways[0]:
        out[r, c] = paint
    return np.rot90(out, -k)


def notch_fit(task: ArcTask, deadline: float) -> list[Candidate]:
    """The notch-fit rule, the moved pieces' colour learned from the first demo."""
    if not task.train or not same_shapes(task):
        return []
    i, o = task.train[0]
    bg = O.background_color(i)
    side = _wall_side(i, bg)
    if side is None:
        return []
    k, _ = side
    t, to = np.rot90(i, k), np.rot90(o, k)
    changed = (to != t) & (t == bg)
    vals = np.unique(to[changed]).tolist()
    if len(vals) != 1:
        return []
    colour = int(vals[0])

    def fn(g: np.ndarray) -> np.ndarray | None:
        return fit_notches(g, colour)

    if not solves_all(task, fn):
        return []
    c = make_candidate(task, fn, family="notch_fit", program=f"fit_notches(colour={colour})",
                       description=f"move the loose pieces into the wall's notches so they fill them exactly, "
                                   f"painted {colour}")
    return [c] if c is not None else []
