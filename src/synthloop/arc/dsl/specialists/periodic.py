"""Periodic continuation: the drawing (the bounding box of the non-background cells) repeats with its smallest
period (or its whole extent) along the rows or the columns until it fills the grid in that direction. Learned:
the direction(s) and which period.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution, paints_background_only
from synthloop.arc.grid import ArcTask, Candidate


def smallest_period(block: np.ndarray) -> int:
    """The smallest p with block[:, j] == block[:, j + p] wherever both exist (p = width when none shorter)."""
    w = block.shape[1]
    for p in range(1, w):
        if np.array_equal(block[:, p:], block[:, :-p]):
            return p
    return w


def _extend_cols(g: np.ndarray, whole: bool) -> np.ndarray | None:
    bg = O.background_color(g)
    box = O.bbox_of_mask(g != bg)
    if box is None:
        return None
    t, lf, b, r = box
    block = g[t:b, lf:r]
    p = block.shape[1] if whole else smallest_period(block)
    if p == block.shape[1] and p * 2 > g.shape[1]:
        return None  # too wide to repeat even once
    out = g.copy()
    cols = (np.arange(g.shape[1]) - lf) % p
    out[t:b, :] = block[:, cols]
    return out


def _extend(g: np.ndarray, axes: str, whole: bool) -> np.ndarray | None:
    g = np.asarray(g)
    if axes in ("cols", "both"):
        g = _extend_cols(g, whole)
        if g is None:
            return None
    if axes in ("rows", "both"):
        t = _extend_cols(g.T, whole)
        if t is None:
            return None
        g = t.T
    return g


_TEXT = {"cols": "along its rows (to the left and right edges)", "rows": "along its columns (to the top and bottom)",
         "both": "in both directions until it covers the grid"}


def periodic_extend(task: ArcTask, deadline: float) -> list[Candidate]:
    """Repeat the drawing with its smallest period in a learned direction."""
    if not paints_background_only(task):
        return []  # the continuation only paints background cells
    return first_solution(task, "periodic", (
        Hypothesis(lambda g, axes=axes, whole=whole: _extend(g, axes, whole), size=3,
                   program=f"periodic_extend(axes={axes!r}, period={'whole' if whole else 'smallest'})",
                   description=f"repeat the drawing with "
                               f"{'its whole extent as the period' if whole else 'its smallest period'} {_TEXT[axes]}")
        for whole in (False, True) for axes in ("cols", "rows", "both")))
