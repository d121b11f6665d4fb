"""Pushed lines: a straight full-length line (row, column or diagonal) has blobs of other colours attached on its
sides; each blob pushes a parallel copy of the line out past itself (a learned gap beyond its farthest cell), and
the blobs (learned) vanish."""

from __future__ import annotations

from functools import partial
from itertools import product

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, make_candidate, same_shapes, solves_all
from synthloop.arc.grid import ArcTask, Candidate


def _coords(shape: tuple[int, int]) -> list[np.ndarray]:
    """The across-line coordinate of every cell for rows, columns, diagonals and anti-diagonals."""
    rr, cc = np.indices(shape)
    return [rr, cc, cc - rr, cc + rr]


def push_lines(g: np.ndarray, gap: int, erase: bool) -> np.ndarray | None:
    """`g` with a copy of its one full line drawn `gap` lines beyond each attached blob's farthest cell on the
    blob's side (blobs erased when `erase`); None unless there is exactly one full line and every blob touches it
    from one side."""
    g = np.asarray(g)
    bg = O.background_color(g)
    found = None
    for k, p in enumerate(_coords(g.shape)):
        for v in np.unique(p):
            cells = p == v
            if cells.sum() < 3:
                continue
            vals = np.unique(g[cells])
            if len(vals) == 1 and vals[0] != bg:
                if found is not None:
                    return None
                found = (k, int(v), int(vals[0]))
    if found is None:
        return None
    k, v, colour = found
    p = _coords(g.shape)[k]
    line = p == v
    rest = (g != bg) & ~line
    if not rest.any():
        return None
    la, na = O.label(rest & (p > v), 8)
    lb, nb = O.label(rest & (p < v), 8)
    labels, n = np.where(lb > 0, lb + na, la), na + nb
    if n > 6:
        return None
    near = np.zeros_like(rest)
    H, W = g.shape
    for dr, dc in product((-1, 0, 1), repeat=2):
        shifted = np.zeros_like(line)
        shifted[max(dr, 0):H + min(dr, 0), max(dc, 0):W + min(dc, 0)] = line[max(-dr, 0):H + min(-dr, 0),
                                                                              max(-dc, 0):W + min(-dc, 0)]
        near |= shifted
    out = g.copy()
    if erase:
        out[rest] = bg
    targets = []
    for j in range(1, n + 1):
        blob = labels == j
        if not (blob & near).any() or (g[blob] == colour).any():
            return None
        d = p[blob] - v
        if (d > 0).all():
            targets.append(v + int(d.max()) + gap + 1)
        elif (d < 0).all():
            targets.append(v + int(d.min()) - gap - 1)
        else:
            return None
    for t in targets:
        out[p == t] = colour
    return out


def pushed_lines(task: ArcTask, deadline: float) -> list[Candidate]:
    """Pushed lines under the first gap (1, 0, 2) and erase setting that explains every demo."""
    if not task.train or not same_shapes(task):
        return []
    for gap, erase in product((1, 0, 2), (True, False)):
        check_deadline(deadline)
        fn = partial(push_lines, gap=gap, erase=erase)
        if not solves_all(task, fn):
            if gap == 1 and not erase and fn(np.asarray(task.train[0][0])) is None:
                return []
            continue
        c = make_candidate(task, fn, family="pushed_lines", program=f"push_lines(gap={gap}, erase={erase})",
                           description=f"each blob on the line pushes a parallel copy {gap} line(s) past its far "
                                       f"side" + (", the blobs vanish" if erase else ""))
        return [c] if c is not None else []
    return []
