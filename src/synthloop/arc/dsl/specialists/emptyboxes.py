"""Empty boxes: paint the blank spaces of a noisy grid. Either every cell covered by an all-background window of a
learned size (h x w) takes the paint colour, or only the largest all-background rectangle does. Learned: the window
size or "largest", the paint colour (the one colour the demos paint on background).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution, single_background_paint
from synthloop.arc.grid import ArcTask, Candidate

_WINDOWS = ((2, 2), (3, 3), (4, 4), (2, 3), (3, 2), (1, 3), (3, 1))


def empty_windows(blank: np.ndarray, h: int, w: int) -> np.ndarray:
    """Boolean: the cells covered by at least one h x w window made only of True cells of `blank`."""
    H, W = blank.shape
    cover = np.zeros(blank.shape, dtype=bool)
    if h > H or w > W:
        return cover
    s = np.zeros((H + 1, W + 1), dtype=np.int32)
    s[1:, 1:] = np.cumsum(np.cumsum(blank.astype(np.int32), 0), 1)
    full = (s[h:, w:] - s[:-h, w:] - s[h:, :-w] + s[:-h, :-w]) == h * w
    for r, c in zip(*np.nonzero(full), strict=True):
        cover[r:r + h, c:c + w] = True
    return cover


def greedy_windows(blank: np.ndarray, h: int, w: int) -> np.ndarray:
    """Boolean: h x w windows of True cells of `blank` taken in reading order, each only where no window taken
    before overlaps it (non-overlapping blocks)."""
    H, W = blank.shape
    free = blank.copy()
    cover = np.zeros(blank.shape, dtype=bool)
    for r in range(H - h + 1):
        for c in range(W - w + 1):
            if free[r:r + h, c:c + w].all():
                free[r:r + h, c:c + w] = False
                cover[r:r + h, c:c + w] = True
    return cover


def largest_rectangle(blank: np.ndarray, min_side: int = 2) -> tuple[int, int, int, int] | None:
    """(top, left, bottom, right) of the largest-area rectangle of True cells with both sides >= `min_side`;
    None when there is none or two different rectangles tie."""
    H, W = blank.shape
    best, where, tied = 0, None, False
    for r0 in range(H):
        col = np.ones(W, dtype=bool)
        for r1 in range(r0, H):
            col &= blank[r1]
            if not col.any():
                break
            if r1 - r0 + 1 < min_side:
                continue
            run = 0
            for c in range(W + 1):
                if c < W and col[c]:
                    run += 1
                    continue
                if run >= min_side:
                    area = run * (r1 - r0 + 1)
                    if area > best:
                        best, where, tied = area, (r0, c - run, r1 + 1, c), False
                    elif area == best:
                        tied = True
                run = 0
    return None if where is None or tied else where


def _paint_windows(g: np.ndarray, h: int, w: int, paint: int, greedy: bool) -> np.ndarray | None:
    g = np.asarray(g)
    blank = g == O.background_color(g)
    cover = (greedy_windows if greedy else empty_windows)(blank, h, w)
    if not cover.any():
        return None
    out = g.copy()
    out[cover] = paint
    return out


def _paint_largest(g: np.ndarray, paint: int) -> np.ndarray | None:
    g = np.asarray(g)
    box = largest_rectangle(g == O.background_color(g))
    if box is None:
        return None
    t, lf, b, r = box
    out = g.copy()
    out[t:b, lf:r] = paint
    return out


def _hypotheses(paint: int, deadline: float) -> Iterator[Hypothesis]:
    for greedy in (False, True):
        for h, w in _WINDOWS:
            check_deadline(deadline)
            how = ", non-overlapping, taken in reading order" if greedy else ""
            yield Hypothesis(lambda g, h=h, w=w, greedy=greedy: _paint_windows(g, h, w, paint, greedy), size=3,
                             program=f"paint_empty_windows(size={h}x{w}, greedy={greedy}, paint={paint})",
                             description=f"paint with {paint} every cell of each all-background {h}x{w} block{how}")
    check_deadline(deadline)
    yield Hypothesis(lambda g: _paint_largest(g, paint), size=3,
                     program=f"paint_largest_empty_rectangle(paint={paint})",
                     description=f"paint with {paint} the largest all-background rectangle")


def empty_boxes(task: ArcTask, deadline: float) -> list[Candidate]:
    """Paint the all-background blocks of a learned size (or the largest blank rectangle) with a learned colour."""
    paint = single_background_paint(task)
    if paint is None:
        return []
    return first_solution(task, "empty_boxes", _hypotheses(paint, deadline))
