"""Anchor windows: every cell of an anchor colour is the centre of a window of the output's size; the output is
all those windows of the input laid over each other. Learned: the anchor colour (the output's centre colour) and the
window size (the output's, the same in every demo).
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import fixed_output_shape, make_candidate, solves_all
from synthloop.arc.grid import ArcTask, Candidate

_MAX_ANCHORS = 12


def overlay_windows(g: np.ndarray, anchor: int, shape: tuple[int, int]) -> np.ndarray | None:
    """The windows of `shape` centred on every `anchor` cell of `g`, laid over each other (background shows only
    where no window has a non-background cell); None on no anchor, too many, or a clash of two colours."""
    g = np.asarray(g)
    bg = O.background_color(g)
    ys, xs = np.nonzero(g == anchor)
    if not 0 < ys.size <= _MAX_ANCHORS:
        return None
    h, w = shape
    ry, rx = h // 2, w // 2
    pad = np.pad(g, ((ry, ry), (rx, rx)), constant_values=bg)
    out = np.full(shape, bg, dtype=g.dtype)
    for y, x in zip(ys, xs, strict=True):
        win = pad[y:y + h, x:x + w]
        m = win != bg
        if np.any((out[m] != bg) & (out[m] != win[m])):
            return None
        out[m] = win[m]
    return out


def anchor_windows(task: ArcTask, deadline: float) -> list[Candidate]:
    """The input's windows around every anchor cell, overlaid."""
    shape = fixed_output_shape(task)
    if shape is None:
        return []
    h, w = shape
    if h % 2 == 0 or w % 2 == 0 or h * w < 9 or any(np.asarray(i).shape == shape for i, _ in task.train):
        return []
    centres = {int(np.asarray(o)[h // 2, w // 2]) for _, o in task.train}
    if len(centres) != 1:
        return []
    anchor = centres.pop()
    if any(anchor == O.background_color(np.asarray(i)) for i, _ in task.train):
        return []

    def fn(g: np.ndarray) -> np.ndarray | None:
        return overlay_windows(g, anchor, shape)

    if not solves_all(task, fn):
        return []
    c = make_candidate(task, fn, family="anchor_windows", program=f"anchor_windows(anchor={anchor}, shape={shape})",
                       description=f"the {h}x{w} windows centred on every cell of colour {anchor}, overlaid",
                       size=2)
    return [c] if c is not None else []
