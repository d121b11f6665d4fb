"""Marker flip: an object carries a marker strip of another colour on one side; mirror the object across that side
(the copy covers the marker) and repaint the background a learned colour."""

from __future__ import annotations

from functools import partial

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate, same_shapes, solves_all
from synthloop.arc.grid import ArcTask, Candidate


def flip_at_marker(g: np.ndarray, marker: int, fill: int) -> np.ndarray | None:
    """`g` with the non-marker object mirrored across the side where the `marker` cells lie, everything else
    painted `fill`; None unless there is exactly one other colour and the marker lies wholly on one side of it."""
    g = np.asarray(g)
    bg = O.background_color(g)
    others = [c for c in np.unique(g).tolist() if c not in (bg, marker)]
    if len(others) != 1 or not (g == marker).any():
        return None
    main = others[0]
    mr, mc = np.nonzero(g == main)
    kr, kc = np.nonzero(g == marker)
    if kc.max() < mc.min():
        nr, nc = mr, 2 * mc.min() - 1 - mc
    elif kc.min() > mc.max():
        nr, nc = mr, 2 * mc.max() + 1 - mc
    elif kr.max() < mr.min():
        nr, nc = 2 * mr.min() - 1 - mr, mc
    elif kr.min() > mr.max():
        nr, nc = 2 * mr.max() + 1 - mr, mc
    else:
        return None
    H, W = g.shape
    if nr.min() < 0 or nc.min() < 0 or nr.max() >= H or nc.max() >= W:
        return None
    out = np.full_like(g, fill)
    out[mr, mc] = main
    out[nr, nc] = main
    return out


def marker_flip(task: ArcTask, deadline: float) -> list[Candidate]:
    """The marker-flip rule, its marker the input colour every output lacks and its fill the output background."""
    if not task.train or not same_shapes(task):
        return []
    gone: set[int] | None = None
    fills: set[int] = set()
    for i, o in task.train:
        i, o = np.asarray(i), np.asarray(o)
        lost = set(np.unique(i).tolist()) - set(np.unique(o).tolist()) - {O.background_color(i)}
        gone = lost if gone is None else gone & lost
        fills.add(O.background_color(o))
    if not gone or len(gone) != 1 or len(fills) != 1:
        return []
    marker, fill = gone.pop(), fills.pop()
    fn = partial(flip_at_marker, marker=marker, fill=fill)
    if not solves_all(task, fn):
        return []
    c = make_candidate(task, fn, family="marker_flip", program=f"flip_at_marker(marker={marker}, fill={fill})",
                       description=f"mirror the object across its colour-{marker} marker side, background {fill}")
    return [c] if c is not None else []
