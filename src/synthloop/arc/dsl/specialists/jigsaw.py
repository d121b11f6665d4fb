"""Jigsaw: the output is the filled rectangle that the input's pieces (one per colour) tile exactly when moved
together without turning. Learned: nothing but the choice of pieces; the rectangle's size is the pieces' total area.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import crops_only, make_candidate, solves_all
from synthloop.arc.grid import ArcTask, Candidate

_MAX_PIECES = 3
_MAX_AREA = 64


def _shapes(total: int, pieces: list[np.ndarray]) -> list[tuple[int, int]]:
    """Rectangles of area `total` that every piece fits in, most square first."""
    mh = max(p.shape[0] for p in pieces)
    mw = max(p.shape[1] for p in pieces)
    out = [(h, total // h) for h in range(1, total + 1) if total % h == 0 and h >= mh and total // h >= mw]
    return sorted(out, key=lambda s: (abs(s[0] - s[1]), s))


def _place(board: np.ndarray, pieces: list[np.ndarray], k: int) -> bool:
    """Fill `board` (-1 = empty) with pieces[k:] by translation; True when the board ends full."""
    if k == len(pieces):
        return bool((board >= 0).all())
    p = pieces[k]
    m = p >= 0
    h, w = p.shape
    for y in range(board.shape[0] - h + 1):
        for x in range(board.shape[1] - w + 1):
            win = board[y:y + h, x:x + w]
            if (win[m] >= 0).any():
                continue
            win[m] = p[m]
            if _place(board, pieces, k + 1):
                return True
            win[m] = -1
    return False


def assemble(g: np.ndarray) -> np.ndarray | None:
    """The rectangle the colour pieces of `g` fill exactly, the first piece placed first; None when none."""
    g = np.asarray(g)
    objs = O.extract(g, "colors")
    if not 2 <= len(objs) <= _MAX_PIECES:
        return None
    total = sum(o.size for o in objs)
    if total > _MAX_AREA:
        return None
    pieces = []
    for o in sorted(objs, key=lambda o: -o.size):
        p = np.full(o.mask.shape, -1, dtype=int)
        p[o.mask] = int(o.values[0])
        pieces.append(p)
    for h, w in _shapes(total, pieces):
        board = np.full((h, w), -1, dtype=int)
        if _place(board, pieces, 0):
            return board
    return None


def jigsaw(task: ArcTask, deadline: float) -> list[Candidate]:
    """The pieces, one per colour, fitted together into a full rectangle."""
    if not crops_only(task):
        return []
    for i, o in task.train:
        o = np.asarray(o)
        if o.size > _MAX_AREA or (o == O.background_color(np.asarray(i))).any():
            return []
        if int((np.asarray(i) != O.background_color(np.asarray(i))).sum()) != o.size:
            return []
    if not solves_all(task, assemble):
        return []
    c = make_candidate(task, assemble, family="jigsaw", program="jigsaw(pieces='colours')",
                       description="the one-colour pieces moved together (no turning) into a full rectangle",
                       size=2)
    return [c] if c is not None else []
