"""Band frames: the grid splits into n equal bands (of rows, or of columns), one seed cell in each; every seed paints,
in its colour, a full line through itself along its band and the parts of the grid's border that its band touches
(the band's outer frame, open where it meets the other bands). Learned: whether the bands are rows or columns."""

from __future__ import annotations

from functools import partial

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate, paints_background, solves_all
from synthloop.arc.grid import ArcTask, Candidate

_MAX_SEEDS = 6


def band_frames(g: np.ndarray, columns: bool) -> np.ndarray | None:
    """`g` with every seed's band framed and crossed in its colour (bands of columns when `columns`); None unless
    every band of the equal split holds exactly one seed cell and nothing else is drawn."""
    g = np.asarray(g)
    t = g.T if columns else g
    bg = O.background_color(t)
    ys, xs = np.nonzero(t != bg)
    n = len(ys)
    h, w = t.shape
    if not 2 <= n <= _MAX_SEEDS or h % n or h // n < 2:
        return None
    size = h // n
    bands = ys // size
    if len(set(bands.tolist())) != n:
        return None
    out = t.copy()
    for y, x, b in zip(ys.tolist(), xs.tolist(), bands.tolist(), strict=True):
        colour = t[y, x]
        top, bot = b * size, (b + 1) * size
        out[top:bot, 0] = colour
        out[top:bot, w - 1] = colour
        out[y, :] = colour
        if b == 0:
            out[0, :] = colour
        if b == n - 1:
            out[h - 1, :] = colour
    return out.T if columns else out


def band_frames_spec(task: ArcTask, deadline: float) -> list[Candidate]:
    """The band-frames rule, with the band direction that reproduces every demo."""
    if not paints_background(task):
        return []
    for columns in (False, True):
        fn = partial(band_frames, columns=columns)
        if not solves_all(task, fn):
            continue
        kind = "columns" if columns else "rows"
        c = make_candidate(task, fn, family="band_frames", program=f"band_frames(columns={columns})",
                           description=f"split the grid into equal bands of {kind}, one per seed; each seed frames "
                                       "its band's outer edge and crosses it with a line in its colour", size=3)
        return [c] if c is not None else []
    return []
