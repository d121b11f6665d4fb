"""Track slide: an object sitting on a dotted line slides along it by one period of the dots.

One colour's cells all lie on one row or one column, evenly spaced (the track, period p >= 2). The cells of the other
non-background colours (the slider) all touch the track's line. The slider moves along the line by p cells in a learned
direction (towards the end/right-or-bottom, or the start); the track shows again wherever it leaves.
"""

from __future__ import annotations

from collections.abc import Iterator
from math import gcd

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, same_shapes
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate


def _track(g: np.ndarray, bg: int) -> tuple[int, int, int, int] | None:
    """(colour, axis, line, period) of the single dotted track (axis 0: a row), None when there is not exactly one."""
    found = []
    for c in np.unique(g).tolist():
        if c == bg:
            continue
        ys, xs = np.nonzero(g == c)
        if len(ys) < 3:
            continue
        for axis, same, pos in ((0, ys, xs), (1, xs, ys)):
            if (same == same[0]).all():
                d = np.diff(np.sort(pos))
                p = 0
                for v in d.tolist():
                    p = gcd(p, v)
                if p >= 2:
                    found.append((int(c), axis, int(same[0]), p))
    return found[0] if len(found) == 1 else None


def slide_on_track(g: np.ndarray, sign: int) -> np.ndarray | None:
    """`g` with the slider moved `sign` * period along the track; None when the layout does not fit."""
    g = np.asarray(g)
    bg = O.background_color(g)
    tr = _track(g, bg)
    if tr is None:
        return None
    colour, axis, line, p = tr
    a = g if axis == 0 else g.T
    slider = (a != bg) & (a != colour)
    if not slider.any():
        return None
    sy, sx = np.nonzero(slider)
    if sy.min() > line or sy.max() < line:
        return None
    nx = sx + sign * p
    if nx.min() < 0 or nx.max() >= a.shape[1]:
        return None
    tx = np.nonzero(a[line] == colour)[0]
    phase = int(tx[0]) % p
    out = a.copy()
    out[sy, sx] = bg
    on_line = sy == line
    restore = sx[on_line][(sx[on_line] - phase) % p == 0]
    out[line, restore] = colour
    out[sy, nx] = a[sy, sx]
    return out if axis == 0 else out.T


def _hypotheses(deadline: float) -> Iterator[Hypothesis]:
    for sign in (1, -1):
        check_deadline(deadline)
        way = "right/down" if sign > 0 else "left/up"
        yield Hypothesis(
            fn=lambda g, s=sign: slide_on_track(g, s),
            program=f"slide_on_track(sign={sign})",
            description=f"the object on the dotted line slides one dot period {way} along it",
            size=3,
        )


def track_slide(task: ArcTask, deadline: float) -> list[Candidate]:
    if not task.train or not same_shapes(task):
        return []
    for i, o in task.train:
        if np.array_equal(i, o):
            return []
    return first_solution(task, "track_slide", _hypotheses(deadline))
