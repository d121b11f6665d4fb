"""Lean mirror: a pointer shape (one colour) leans to one side (its cells' mean lies off its box's middle); the
other shape (another colour) is mirrored onto the side the pointer leans to, the copy touching it edge to edge.
Learned: the pointer's colour, the shape's colour and the axis (left/right or up/down)."""

from __future__ import annotations

from functools import partial

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate, paints_background, solves_all
from synthloop.arc.grid import ArcTask, Candidate


def lean_mirror(g: np.ndarray, pointer: int, shape: int, across: bool) -> np.ndarray | None:
    """`g` with the `shape`-coloured cells mirrored to the side the `pointer`-coloured cells lean to (left/right
    when `across`, else up/down); None when the pointer leans neither way or the copy leaves the grid."""
    g = np.asarray(g)
    t = g if across else g.T
    if O.background_color(t) in (pointer, shape):
        return None
    py, px = np.nonzero(t == pointer)
    sy, sx = np.nonzero(t == shape)
    if len(px) == 0 or len(sx) == 0:
        return None
    lean = 2 * px.mean() - (px.min() + px.max())
    if abs(lean) < 1e-9:
        return None
    lo, hi = int(sx.min()), int(sx.max())
    nx = 2 * lo - 1 - sx if lean < 0 else 2 * hi + 1 - sx
    if nx.min() < 0 or nx.max() >= t.shape[1]:
        return None
    out = t.copy()
    out[sy, nx] = shape
    return out if across else out.T


def lean_mirror_spec(task: ArcTask, deadline: float) -> list[Candidate]:
    """The lean-mirror rule: the shape colour is the one whose cells every output adds, the pointer the only other
    non-background colour."""
    if not paints_background(task):
        return []
    grown: set[int] | None = None
    others: set[int] | None = None
    for i, o in task.train:
        i, o = np.asarray(i), np.asarray(o)
        bg = O.background_color(i)
        d = i != o
        cols = set(np.unique(o[d]).tolist())
        present = set(np.unique(i).tolist()) - {bg}
        grown = cols if grown is None else grown & cols
        others = present if others is None else others & present
    if not grown or len(grown) != 1 or others is None or len(others) != 2:
        return []
    shape = next(iter(grown))
    if shape not in others:
        return []
    pointer = next(iter(others - {shape}))
    for across in (True, False):
        fn = partial(lean_mirror, pointer=pointer, shape=shape, across=across)
        if not solves_all(task, fn):
            continue
        axis = "left/right" if across else "up/down"
        c = make_candidate(task, fn, family="lean_mirror",
                           program=f"lean_mirror(pointer={pointer}, shape={shape}, across={across})",
                           description=f"mirror the colour-{shape} shape onto the side ({axis}) that the colour-"
                                       f"{pointer} pointer leans to", size=3)
        return [c] if c is not None else []
    return []
