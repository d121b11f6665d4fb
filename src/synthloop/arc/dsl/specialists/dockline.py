"""Dock to line: one full row or column line crosses the grid; everything else slides perpendicular to it, as one
rigid piece, until it touches the line; optionally a new full line of a learned colour is laid against the piece's
far side."""

from __future__ import annotations

from functools import partial

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate, same_shapes, solves_all
from synthloop.arc.grid import ArcTask, Candidate


def _the_line(g: np.ndarray, bg: int) -> tuple[int, int] | None:
    """(axis, index) of the one full line (axis 0 = a row, 1 = a column) of a non-background colour found nowhere
    else."""
    found = []
    for axis, a in ((0, g), (1, g.T)):
        for r in range(a.shape[0]):
            if a[r, 0] != bg and (a[r] == a[r, 0]).all() and int((a == a[r, 0]).sum()) == a.shape[1]:
                found.append((axis, r))
    return found[0] if len(found) == 1 else None


def dock_to_line(g: np.ndarray, back: int | None) -> np.ndarray | None:
    """`g` with the non-line cells slid up against the line, and a `back`-coloured line behind them (if given)."""
    g = np.asarray(g)
    bg = O.background_color(g)
    got = _the_line(g, bg)
    if got is None:
        return None
    axis, L = got
    a = g if axis == 0 else g.T
    piece = a != bg
    piece[L] = False
    rows = np.nonzero(piece.any(axis=1))[0]
    if len(rows) == 0:
        return None
    if rows.max() < L:
        shift, far = L - 1 - rows.max(), rows.min() + (L - 1 - rows.max()) - 1
    elif rows.min() > L:
        shift, far = L + 1 - rows.min(), rows.max() + (L + 1 - rows.min()) + 1
    else:
        return None  # the piece lies on both sides
    out = np.full_like(a, bg)
    out[L] = a[L]
    ys, xs = np.nonzero(piece)
    out[ys + shift, xs] = a[ys, xs]
    if back is not None:
        if not 0 <= far < a.shape[0]:
            return None
        out[far] = back
    return out if axis == 0 else out.T


def dock_line(task: ArcTask, deadline: float) -> list[Candidate]:
    """The dock-to-line rule, the colour of the line laid behind (if any) being the one new output colour."""
    if not task.train or not same_shapes(task):
        return []
    i0 = np.asarray(task.train[0][0])
    if _the_line(i0, O.background_color(i0)) is None:
        return []
    new = set()
    for i, o in task.train:
        new |= set(np.unique(o).tolist()) - set(np.unique(i).tolist())
    if len(new) > 1:
        return []
    back = new.pop() if new else None
    fn = partial(dock_to_line, back=back)
    if not solves_all(task, fn):
        return []
    c = make_candidate(task, fn, family="dock_line", program=f"dock_to_line(back={back})",
                       description="slide everything up against the one full line"
                       + ("" if back is None else f" and lay a colour-{back} line behind it"))
    return [c] if c is not None else []
