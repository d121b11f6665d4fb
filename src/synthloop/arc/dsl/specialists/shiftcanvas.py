"""Continue onto a fixed canvas: the input is the top of a pattern whose rows repeat every p rows shifted s columns
sideways (a staircase, a dotted bar, a line); the output is the learned fixed-size canvas with the pattern carried on
to its bottom. Learned: the canvas size; p and s are the smallest that explain each input.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import fixed_output_shape, make_candidate, solves_all
from synthloop.arc.grid import ArcTask, Candidate


def _shifted(row: np.ndarray, s: int, bg: int) -> np.ndarray:
    out = np.full_like(row, bg)
    if s >= 0:
        out[s:] = row[:row.size - s]
    else:
        out[:s] = row[-s:]
    return out


def _period(g: np.ndarray, bg: int) -> tuple[int, int] | None:
    """The smallest (p, s): row r equals row r - p shifted s columns, for every row with p rows above it (p at most
    half the height, nothing falling off the side)."""
    h, w = g.shape
    for p in range(1, h // 2 + 1):
        for s in sorted(range(-w + 1, w), key=abs):
            if all(np.array_equal(g[r], _shifted(g[r - p], s, bg)) and
                   int((g[r - p] != bg).sum()) == int((g[r] != bg).sum()) for r in range(p, h)):
                return p, s
    return None


def continue_down(g: np.ndarray, shape: tuple[int, int]) -> np.ndarray | None:
    """`g` at the top of a canvas of `shape`, its row pattern carried on to the bottom (cut at the sides)."""
    g = np.asarray(g)
    bg = O.background_color(g)
    h, w = g.shape
    if shape[1] != w or shape[0] <= h or (g == bg).all():
        return None
    ps = _period(g, bg)
    if ps is None:
        return None
    p, s = ps
    out = np.full(shape, bg, dtype=g.dtype)
    out[:h] = g
    for r in range(h, shape[0]):
        out[r] = _shifted(out[r - p], s, bg)
    return out


def shift_canvas(task: ArcTask, deadline: float) -> list[Candidate]:
    """Carry a row-periodic pattern on down to the bottom of a fixed-size canvas."""
    shape = fixed_output_shape(task)
    if shape is None:
        return []
    for i, o in task.train:
        i = np.asarray(i)
        if i.shape[1] != shape[1] or i.shape[0] >= shape[0] or not np.array_equal(np.asarray(o)[:i.shape[0]], i):
            return []

    def fn(g: np.ndarray) -> np.ndarray | None:
        return continue_down(g, shape)

    if not solves_all(task, fn):
        return []
    c = make_candidate(task, fn, family="shift_canvas", program=f"shift_canvas(shape={shape})",
                       description=f"the rows repeat with a period and a sideways shift, carried on to a {shape[0]}x"
                                   f"{shape[1]} canvas", size=2)
    return [c] if c is not None else []
