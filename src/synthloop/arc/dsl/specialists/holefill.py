"""Window fill: every h x w window made only of one "hole" colour is painted a fill colour (the union of all such
windows). Hole colour, fill colour and window size are learned; a demo may deviate in a few cells (some ARC demos
carry slips), the candidate then reports fewer train pairs explained.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.common import make_candidate, train_score
from synthloop.arc.dsl.specialists.learn import single_changed_colour
from synthloop.arc.grid import ArcTask, Candidate

_WINDOWS = ((2, 2), (3, 3), (2, 3), (3, 2), (1, 2), (2, 1), (4, 4))


def fill_windows(g: np.ndarray, hole: int, fill: int, h: int, w: int) -> np.ndarray | None:
    """`g` with every h x w window of only `hole` cells painted `fill`; None when no window fits."""
    g = np.asarray(g)
    H, W = g.shape
    if h > H or w > W:
        return None
    m = (g == hole).astype(np.int32)
    s = np.zeros((H + 1, W + 1), np.int32)
    s[1:, 1:] = m.cumsum(0).cumsum(1)
    full = (s[h:, w:] - s[:-h, w:] - s[h:, :-w] + s[:-h, :-w]) == h * w
    if not full.any():
        return None
    paint = np.zeros(g.shape, bool)
    for r, c in zip(*np.nonzero(full), strict=True):
        paint[r:r + h, c:c + w] = True
    out = g.copy()
    out[paint] = fill
    return out


def _near_miss(task: ArcTask, fn) -> bool:
    """At most one demo differs from `fn`'s output, and that one in at most 2% of its cells."""
    misses = 0
    for i, o in task.train:
        p = fn(np.asarray(i))
        if p is None or p.shape != np.asarray(o).shape:
            return False
        d = int((p != o).sum())
        if d:
            misses += 1
            if misses > 1 or d > max(2, 0.02 * p.size):
                return False
    return True


def hole_windows(task: ArcTask, deadline: float) -> list[Candidate]:
    """Paint the union of all hole-coloured h x w windows with the learned fill colour."""
    if len(task.train) < 2:
        return []
    hole = single_changed_colour(task, "input")
    fill = single_changed_colour(task, "output")
    if hole is None or fill is None or hole == fill:
        return []
    best: tuple[int, Candidate] | None = None
    for h, w in _WINDOWS:
        fn = lambda g, h=h, w=w: fill_windows(g, hole, fill, h, w)  # noqa: E731
        if not _near_miss(task, fn):
            continue
        score = train_score(task, fn)
        if score < len(task.train) - 1:
            continue
        c = make_candidate(task, fn, family="hole_windows", program=f"fill_windows(hole={hole}, fill={fill}, {h}x{w})",
                           description=f"paint every {h}x{w} window of colour {hole} with {fill}", size=3,
                           train_correct=score)
        if c is not None and (best is None or score > best[0]):
            best = (score, c)
    return [best[1]] if best else []
