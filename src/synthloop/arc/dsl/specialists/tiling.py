"""Piece tiling: every foreground shape is cut into copies of a few learned pieces (each piece with its own colour,
turned and mirrored freely), the one way it can be cut; each cell takes the colour of the piece that covers it.
Learned: the pieces and their colours, each piece being the smallest output component of its colour.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate, same_shapes, solves_all
from synthloop.arc.grid import ArcTask, Candidate

Shape = frozenset[tuple[int, int]]
_MAX_NODES = 20000


def _norm(cells) -> Shape:
    cells = list(cells)
    r0 = min(r for r, _ in cells)
    c0 = min(c for _, c in cells)
    return frozenset((r - r0, c - c0) for r, c in cells)


def _dims(shape: Shape) -> str:
    """'HxW' of the piece, or 'HxW/n' when it does not fill its box."""
    h = 1 + max(r for r, _ in shape)
    w = 1 + max(c for _, c in shape)
    return f"{h}x{w}" if h * w == len(shape) else f"{h}x{w}/{len(shape)}"


def _variants(shape: Shape) -> list[Shape]:
    out: list[Shape] = []
    cur = list(shape)
    for _ in range(4):
        cur = [(c, -r) for r, c in cur]
        for v in (_norm(cur), _norm([(r, -c) for r, c in cur])):
            if v not in out:
                out.append(v)
    return out


def _anchored(pieces: list[tuple[Shape, int]]) -> list[tuple[list[tuple[int, int]], int]]:
    """Each piece variant as offsets from its first cell in reading order, with its colour."""
    out = []
    for shape, colour in pieces:
        for v in _variants(shape):
            first = min(v)
            out.append(([(r - first[0], c - first[1]) for r, c in sorted(v)], colour))
    return out


def _tilings(cells: set[tuple[int, int]], variants, limit: int = 2) -> list[dict[tuple[int, int], int]]:
    """Up to `limit` ways to cover `cells` exactly with the piece variants (cell -> colour)."""
    found: list[dict[tuple[int, int], int]] = []
    nodes = [0]
    order = sorted(cells)

    def rec(free: set[tuple[int, int]], paint: dict[tuple[int, int], int]) -> None:
        if len(found) >= limit or nodes[0] > _MAX_NODES:
            return
        nodes[0] += 1
        start = next((p for p in order if p in free), None)
        if start is None:
            found.append(dict(paint))
            return
        for offs, colour in variants:
            placed = [(start[0] + dr, start[1] + dc) for dr, dc in offs]
            if all(p in free for p in placed):
                for p in placed:
                    free.discard(p)
                    paint[p] = colour
                rec(free, paint)
                for p in placed:
                    free.add(p)
                    del paint[p]

    rec(set(cells), {})
    return found if nodes[0] <= _MAX_NODES else []


def tile_pieces(g: np.ndarray, pieces: list[tuple[Shape, int]]) -> np.ndarray | None:
    """`g` with each foreground shape recoloured by its one exact tiling with the pieces; None when a shape has no
    tiling or several."""
    g = np.asarray(g)
    bg = O.background_color(g)
    lab, n = O.label(g != bg, 4)
    if n == 0 or n > 20:
        return None
    variants = _anchored(pieces)
    out = g.copy()
    for k in range(1, n + 1):
        cells = {(int(r), int(c)) for r, c in np.argwhere(lab == k)}
        ways = _tilings(cells, variants)
        if len(ways) != 1:
            return None
        for (r, c), colour in ways[0].items():
            out[r, c] = colour
    return out


def _learn_pieces(task: ArcTask) -> list[tuple[Shape, int]] | None:
    best: dict[int, Shape] = {}
    for i, o in task.train:
        bg = O.background_color(i)
        fg = i != bg
        if not fg.any() or (o[~fg] != i[~fg]).any() or (o[fg] == bg).any():
            return None
        if len(np.unique(i[fg])) != 1:
            return None
        for q in np.unique(o[fg]).tolist():
            lab, n = O.label((o == q) & fg, 4)
            for k in range(1, n + 1):
                shape = _norm((int(r), int(c)) for r, c in np.argwhere(lab == k))
                if q not in best or len(shape) < len(best[q]):
                    best[q] = shape
    if len(best) < 2 or len(best) > 4 or any(len(s) < 2 for s in best.values()):
        return None
    return [(best[q], q) for q in sorted(best)]


def piece_tiling(task: ArcTask, deadline: float) -> list[Candidate]:
    """The piece-tiling rule with the pieces learned from the demo outputs."""
    if not task.train or not same_shapes(task):
        return []
    pieces = _learn_pieces(task)
    if pieces is None:
        return []

    def fn(g: np.ndarray) -> np.ndarray | None:
        return tile_pieces(g, pieces)

    if not solves_all(task, fn):
        return []
    desc = ", ".join(f"{len(s)}-cell piece colour {q}" for s, q in pieces)
    spec = ", ".join(f"{_dims(s)}:{q}" for s, q in pieces)
    c = make_candidate(task, fn, family="piece_tiling", program=f"tile_pieces({spec})",
                       description=f"cut every shape into the one tiling by the pieces ({desc}) and colour each piece")
    return [c] if c is not None else []
