"""Colour key times shape: the input is two equal halves, one a one-colour shape (the mask), the other a small
coloured key; every key cell becomes a copy of the shape in that cell's colour (blank cells stay blank), so the
output is the key blown up by the shape.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate, solves_all
from synthloop.arc.dsl.specialists.learn import task_background
from synthloop.arc.grid import ArcTask, Candidate


def _halves(g: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    h, w = g.shape
    if w == 2 * h and w % 2 == 0:
        return g[:, : w // 2], g[:, w // 2:]
    if h == 2 * w and h % 2 == 0:
        return g[: h // 2], g[h // 2:]
    return None


def key_times_shape(g: np.ndarray, bg: int | None = None) -> np.ndarray | None:
    """Each cell of the key half replaced by the mask half's shape in the cell's colour; `bg` the task's learned
    background (None: detect it in `g`)."""
    g = np.asarray(g)
    halves = _halves(g)
    if halves is None:
        return None
    bg = O.background_color(g) if bg is None else bg
    single = [len(set(np.unique(p).tolist()) - {bg}) == 1 for p in halves]
    if single.count(True) != 1:
        return None
    mask_half, key = (halves[0], halves[1]) if single[0] else (halves[1], halves[0])
    mask = mask_half != bg
    if not mask.any() or not (key != bg).any():
        return None
    out = np.kron(key.astype(np.int16), mask.astype(np.int16))
    out[np.kron(key == bg, np.ones(mask.shape, dtype=bool)) | ~np.tile(mask, key.shape)] = bg
    return out.astype(np.int8)


def halves_kron(task: ArcTask, deadline: float) -> list[Candidate]:
    """Blow the key half up by the shape half."""
    if not task.train or any(o.size <= i.size for i, o in task.train):
        return []
    learned = task_background(task)
    for bg in ([learned] if learned is not None else []) + [None]:
        fn = lambda g, b=bg: key_times_shape(g, b)  # noqa: E731
        if not solves_all(task, fn):
            continue
        c = make_candidate(task, fn, family="halves_kron", size=3,
                           program="key_times_shape(halves)" if bg == 0 else f"key_times_shape(halves, background={bg})",
                           description="split the input into its two halves; replace every cell of the coloured half "
                                       "by a copy of the one-colour half's shape in that cell's colour")
        return [] if c is None else [c]
    return []
