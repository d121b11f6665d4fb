"""Tether retract: a solid object is tied by a straight one-cell-wide tether of its own colour to an object of another
colour; the tether is pulled in: it vanishes and the object slides along it, by its length, until it touches."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate, solves_all
from synthloop.arc.grid import ArcTask, Candidate


def _solid_part(m: np.ndarray) -> np.ndarray:
    """Cells of mask `m` covered by some 2x2 square lying wholly in `m`."""
    sq = m[:-1, :-1] & m[1:, :-1] & m[:-1, 1:] & m[1:, 1:]
    out = np.zeros_like(m)
    out[:-1, :-1] |= sq
    out[1:, :-1] |= sq
    out[:-1, 1:] |= sq
    out[1:, 1:] |= sq
    return out


def retract_tethers(g: np.ndarray) -> np.ndarray | None:
    """`g` with every tethered object pulled up to the object its tether touches; None when none is tethered or a
    tether is not a straight segment from the object's side to another colour."""
    g = np.asarray(g)
    bg = O.background_color(g)
    H, W = g.shape
    labels, n = O.label_colors(g, 4, mask=g != bg)
    moves = []
    for k in range(1, n + 1):
        m = labels == k
        body = _solid_part(m)
        tether = m & ~body
        if not tether.any():
            continue
        if not body.any():
            continue
        ty, tx = np.nonzero(tether)
        colour = int(g[ty[0], tx[0]])
        if len(set(ty.tolist())) == 1:
            axis, span = 1, sorted(tx.tolist())
        elif len(set(tx.tolist())) == 1:
            axis, span = 0, sorted(ty.tolist())
        else:
            return None
        if span != list(range(span[0], span[-1] + 1)):
            return None
        # which end touches the body, which end touches another colour
        y0, x0 = (ty[0], span[0]) if axis == 1 else (span[0], tx[0])
        y1, x1 = (ty[0], span[-1]) if axis == 1 else (span[-1], tx[0])
        d = (0, 1) if axis == 1 else (1, 0)
        before = (y0 - d[0], x0 - d[1])
        after = (y1 + d[0], x1 + d[1])

        def at(p: tuple[int, int]) -> int | None:
            return int(g[p]) if 0 <= p[0] < H and 0 <= p[1] < W else None

        if at(before) is not None and body[before] and at(after) not in (None, bg, colour):
            step = (d[0] * len(span), d[1] * len(span))
        elif at(after) is not None and body[after] and at(before) not in (None, bg, colour):
            step = (-d[0] * len(span), -d[1] * len(span))
        else:
            return None
        moves.append((m, body, colour, step))
    if not moves:
        return None
    out = g.copy()
    for m, _, _, _ in moves:
        out[m] = bg
    for _, body, colour, (dy, dx) in moves:
        by, bx = np.nonzero(body)
        ny, nx = by + dy, bx + dx
        if ny.min() < 0 or nx.min() < 0 or ny.max() >= H or nx.max() >= W:
            return None
        if (out[ny, nx] != bg).any():
            return None
        out[ny, nx] = colour
    return out


def tether_retract(task: ArcTask, deadline: float) -> list[Candidate]:
    """The tether-retract rule (no parameters)."""
    if not task.train or not all(i.shape == o.shape for i, o in task.train):
        return []
    if not solves_all(task, retract_tethers):
        return []
    c = make_candidate(task, retract_tethers, family="tether_retract", program="retract_tethers()",
                       description="pull each object along its one-cell tether, by the tether's length, "
                                   "until it touches the object the tether reaches")
    return [c] if c is not None else []
