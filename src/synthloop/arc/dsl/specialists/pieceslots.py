"""Piece slots: nine loose square pieces of one size (their cells never background) are mostly one base colour; each
piece but one carries marks of other colours towards one side or corner. Assemble them into a 3x3 square of pieces,
each piece in the slot its marks point to (the unmarked piece in the middle).
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate, solves_all
from synthloop.arc.grid import ArcTask, Candidate


def _square_pieces(g: np.ndarray, bg: int, s: int) -> list[tuple[int, int]] | None:
    """Top-left corners of the disjoint s x s all-foreground squares that exactly cover the foreground (reading-order
    greedy tiling); None when the foreground is not such a tiling."""
    left = g != bg
    h, w = g.shape
    corners = []
    while left.any():
        y, x = divmod(int(np.argmax(left)), w)
        if y + s > h or x + s > w or not left[y:y + s, x:x + s].all():
            return None
        left[y:y + s, x:x + s] = False
        corners.append((y, x))
    return corners


def assemble_pieces(g: np.ndarray) -> np.ndarray | None:
    """The nine pieces assembled by where their marks lie; None when the grid does not hold nine such pieces."""
    g = np.asarray(g)
    bg = O.background_color(g)
    n = int((g != bg).sum())
    s = int(round((n / 9) ** 0.5))
    if s < 2 or 9 * s * s != n:
        return None
    corners = _square_pieces(g, bg, s)
    if corners is None or len(corners) != 9:
        return None
    vals, counts = np.unique(g[g != bg], return_counts=True)
    base = int(vals[np.argmax(counts)])
    out = np.full((3 * s, 3 * s), bg, dtype=g.dtype)
    filled = set()
    mid = (s - 1) / 2
    for y, x in corners:
        piece = g[y:y + s, x:x + s]
        my, mx = np.nonzero(piece != base)
        if my.size == 0:
            slot = (1, 1)
        else:
            slot = (1 + int(np.sign(my.mean() - mid)), 1 + int(np.sign(mx.mean() - mid)))
            if slot == (1, 1):
                return None
        if slot in filled:
            return None
        filled.add(slot)
        out[slot[0] * s:(slot[0] + 1) * s, slot[1] * s:(slot[1] + 1) * s] = piece
    return out


def piece_slots(task: ArcTask, deadline: float) -> list[Candidate]:
    """The piece-assembly rule when it reproduces every demo (square outputs three pieces wide)."""
    if not task.train:
        return []
    for _, o in task.train:
        if o.shape[0] != o.shape[1] or o.shape[0] % 3:
            return []
    if not solves_all(task, assemble_pieces):
        return []
    c = make_candidate(task, assemble_pieces, family="piece_slots", program="assemble_pieces()",
                       description="assemble the nine square pieces into a 3x3 square, each in the slot its marks "
                                   "point to")
    return [c] if c is not None else []
