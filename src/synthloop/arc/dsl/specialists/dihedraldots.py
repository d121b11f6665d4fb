"""Dihedral dots: a square grid holds a few cells from one corner of a pattern with all eight symmetries of the square.
Complete the symmetry; every cell off the diagonals then repeats along its side of the concentric square it lies on,
with the step it keeps from that square's corner, up to its mirror image on the far half of that side.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate, paints_background, solves_all
from synthloop.arc.grid import ArcTask, Candidate

_MAX_CELLS = 40


def _images(n: int, a: int, b: int) -> set[tuple[int, int]]:
    """The eight images of (a, b) under the square's symmetries."""
    out = set()
    for y, x in ((a, b), (b, a)):
        for yy in (y, n - 1 - y):
            for xx in (x, n - 1 - x):
                out.add((yy, xx))
    return out


def complete_dihedral(g: np.ndarray) -> np.ndarray | None:
    """`g` made symmetric under the square's eight symmetries, each off-diagonal cell repeated along its side; None
    when the grid is not square, folded cells disagree, or nothing is off the diagonals."""
    g = np.asarray(g)
    n = g.shape[0]
    if g.shape[1] != n:
        return None
    bg = O.background_color(g)
    ys, xs = np.nonzero(g != bg)
    if not 0 < ys.size <= _MAX_CELLS:
        return None
    folded: dict[tuple[int, int], int] = {}
    for y, x in zip(ys.tolist(), xs.tolist(), strict=True):
        a, b = sorted((min(y, n - 1 - y), min(x, n - 1 - x)))
        v = int(g[y, x])
        if folded.setdefault((a, b), v) != v:
            return None
    out = g.copy()
    for (a, b), v in folded.items():
        for p in _images(n, a, b):
            out[p] = v
    repeated = 0
    for (a, b), v in folded.items():
        if a == b:
            continue
        step, k = b - a, b
        while k <= n - 1 - b:
            for p in _images(n, a, k):
                if out[p] != bg and out[p] != v:
                    return None
                out[p] = v
            k += step
        repeated += 1
    return out if repeated else None


def dihedral_dots(task: ArcTask, deadline: float) -> list[Candidate]:
    """The dihedral-dots rule when it reproduces every demo (square same-shape grids that only gain cells)."""
    if not paints_background(task):
        return []
    if any(i.shape[0] != i.shape[1] for i, _ in task.train):
        return []
    if not solves_all(task, complete_dihedral):
        return []
    c = make_candidate(task, complete_dihedral, family="dihedral_dots", program="complete_dihedral()",
                       description="complete the square's eight-fold symmetry and repeat each off-diagonal cell "
                                   "along its side with its step from the corner")
    return [c] if c is not None else []
