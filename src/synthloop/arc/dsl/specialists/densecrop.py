"""Dense crop: a noisy grid hides one large rectangle that is mostly a single colour, sprinkled with a few cells of
other colours. Crop that rectangle (the subrectangle maximising #colour - #other) and, optionally, let every sprinkled
cell paint its whole row, column or both (a cross) in its own colour."""

from __future__ import annotations

from functools import partial

import numpy as np

from synthloop.arc.dsl.specialists.common import make_candidate, solves_all
from synthloop.arc.grid import ArcTask, Candidate

_MODES = ("cross", "row", "col", "none")


def _best_rect(score: np.ndarray) -> tuple[int, int, int, int, int]:
    """(total, r0, r1, c0, c1) of the maximum-sum subrectangle of `score` (inclusive bounds)."""
    H, W = score.shape
    best = (-(10 ** 9), 0, 0, 0, 0)
    for r0 in range(H):
        S = np.cumsum(score[r0:], axis=0)  # row r0..r1 column sums, one row per r1
        P = np.zeros((S.shape[0], W + 1), dtype=np.int64)
        P[:, 1:] = np.cumsum(S, axis=1)
        mins = np.minimum.accumulate(P[:, :-1], axis=1)
        gain = P[:, 1:] - mins
        k = int(np.argmax(gain))
        r, j = divmod(k, W)
        if gain[r, j] > best[0]:
            i = int(np.argmin(P[r, :j + 1]))
            best = (int(gain[r, j]), r0, r0 + r, i, j)
    return best


def dense_rect(g: np.ndarray) -> tuple[int, int, int, int, int] | None:
    """(colour, r0, r1, c0, c1) of the densest single-colour rectangle (at least 3x3, over 2/3 that colour)."""
    g = np.asarray(g)
    best = None
    for c in np.unique(g).tolist():
        m = g == c
        if m.sum() < 9:
            continue
        tot, r0, r1, c0, c1 = _best_rect(np.where(m, 1, -1).astype(np.int64))
        if best is None or tot > best[0]:
            best = (tot, c, r0, r1, c0, c1)
    if best is None:
        return None
    _, c, r0, r1, c0, c1 = best
    sub = g[r0:r1 + 1, c0:c1 + 1]
    if sub.shape[0] < 3 or sub.shape[1] < 3 or (sub == c).mean() * 3 <= 2 or sub.shape == g.shape:
        return None
    return c, r0, r1, c0, c1


def crop_dense(g: np.ndarray, mode: str) -> np.ndarray | None:
    """The densest rectangle, each off-colour cell in it painting its row/column/cross (mode) in its colour."""
    got = dense_rect(g)
    if got is None:
        return None
    c, r0, r1, c0, c1 = got
    sub = np.asarray(g)[r0:r1 + 1, c0:c1 + 1]
    out = sub.copy()
    for y, x in zip(*np.nonzero(sub != c), strict=True):
        v = sub[y, x]
        if mode in ("cross", "row"):
            out[y, :] = v
        if mode in ("cross", "col"):
            out[:, x] = v
    return out


def dense_crop(task: ArcTask, deadline: float) -> list[Candidate]:
    """The dense-crop rule, its line mode learned from the demos."""
    if not task.train or not all(o.shape[0] < i.shape[0] and o.shape[1] < i.shape[1] for i, o in task.train):
        return []
    if dense_rect(task.train[0][0]) is None:
        return []
    for mode in _MODES:
        fn = partial(crop_dense, mode=mode)
        if not solves_all(task, fn):
            continue
        c = make_candidate(task, fn, family="dense_crop", program=f"crop_dense(mode={mode!r})",
                           description="crop the rectangle that is mostly one colour"
                           + ("" if mode == "none" else f"; each stray cell in it paints its {mode} line(s)"))
        return [c] if c is not None else []
    return []
