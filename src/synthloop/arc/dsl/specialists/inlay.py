"""Inlay: a large one-colour board has enclosed background holes (8-connected); small solid pieces elsewhere are partly board colour,
partly marked. Each piece, turned (learned: rotations only, or reflections too), fits one hole: its board-colour cells
exactly cover the hole and its marked cells lie on the board around it. The output is the board cropped, every piece
laid in its place.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from scipy import ndimage

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, crops_only
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate

_MAX_PIECES = 8
_MAX_SOLUTIONS = 2
_EIGHT = np.ones((3, 3), dtype=bool)


def _turns(p: np.ndarray, reflect: bool) -> list[np.ndarray]:
    """The distinct rotations (and mirror images) of `p`."""
    seen, out = set(), []
    for q in ([p, p.T] if reflect else [p]):
        for k in range(4):
            r = np.rot90(q, k)
            key = (r.shape, r.tobytes())
            if key not in seen:
                seen.add(key)
                out.append(r)
    return out


def _fits(board: np.ndarray, hole: np.ndarray, colour: int, piece: np.ndarray, reflect: bool) -> list[tuple]:
    """(top, left, turned piece) for every way the piece covers exactly `hole` with its `colour` cells while its
    other cells lie on board-colour cells."""
    hy, hx = np.nonzero(hole)
    found = []
    for q in _turns(piece, reflect):
        ph, pw = q.shape
        main = q == colour
        for y in range(hy.max() - ph + 1, hy.min() + 1):
            for x in range(hx.max() - pw + 1, hx.min() + 1):
                if y < 0 or x < 0 or y + ph > board.shape[0] or x + pw > board.shape[1]:
                    continue
                if not np.array_equal(hole[y:y + ph, x:x + pw], main):
                    continue
                if int(hole[y:y + ph, x:x + pw].sum()) != hy.size:
                    continue
                if (board[y:y + ph, x:x + pw][~main] != colour).any():
                    continue
                found.append((y, x, q))
    return found


def lay_pieces(g: np.ndarray, reflect: bool) -> np.ndarray | None:
    """The board cropped with every piece laid into the hole it fits; None unless each hole takes exactly one piece
    in one way."""
    g = np.asarray(g)
    bg = O.background_color(g)
    objs = O.components(g, connectivity=8, multicolor=True, background=bg)
    if len(objs) < 2 or len(objs) > _MAX_PIECES + 1:
        return None
    board_ob = max(objs, key=lambda o: o.size)
    if board_ob.n_colors != 1:
        return None
    colour = board_ob.color
    t, lf, b, r = board_ob.bbox
    board = g[t:b, lf:r].copy()
    lab, n = ndimage.label(board == bg, structure=_EIGHT)
    edge = set(np.concatenate([lab[0], lab[-1], lab[:, 0], lab[:, -1]]).tolist())
    holes = [lab == k for k in range(1, n + 1) if k not in edge]
    pieces = []
    for ob in objs:
        if ob is board_ob:
            continue
        pt, pl, pb, pr = ob.bbox
        p = g[pt:pb, pl:pr]
        if (p == bg).any() or not (p == colour).any() or ob.n_colors < 2:
            return None
        pieces.append(p)
    if not holes or len(holes) != len(pieces):
        return None
    options = [[(j, f) for j, p in enumerate(pieces) for f in _fits(board, h, colour, p, reflect)] for h in holes]
    if any(not o for o in options):
        return None
    solutions: list[list[tuple]] = []

    def search(k: int, used: set[int], chosen: list[tuple]) -> None:
        if len(solutions) >= _MAX_SOLUTIONS:
            return
        if k == len(holes):
            solutions.append(list(chosen))
            return
        for j, f in options[k]:
            if j not in used:
                search(k + 1, used | {j}, chosen + [f])

    search(0, set(), [])
    if len(solutions) != 1:
        return None
    out = board
    for y, x, q in solutions[0]:
        out[y:y + q.shape[0], x:x + q.shape[1]] = q
    return out


def _hypotheses(deadline: float) -> Iterator[Hypothesis]:
    for reflect in (False, True):
        check_deadline(deadline)
        yield Hypothesis(
            fn=lambda g, rf=reflect: lay_pieces(g, rf),
            program=f"lay_pieces(reflect={reflect})",
            description="crop the board and lay each piece, turned" + (" or mirrored" if reflect else "")
                        + ", into the hole its board-colour cells cover exactly",
            size=3,
        )


def inlay_pieces(task: ArcTask, deadline: float) -> list[Candidate]:
    if not crops_only(task):
        return []
    return first_solution(task, "inlay_pieces", _hypotheses(deadline))
