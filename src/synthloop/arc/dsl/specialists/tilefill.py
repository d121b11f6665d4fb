"""Continue a cut-short pattern: a filler colour (the colour at a learned corner, which may differ from demo to demo)
covers part of a periodic pattern that starts in the opposite corner; the output continues the pattern over the
whole grid, read at a learned phase shift (usually none).
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.common import check_deadline, same_shapes
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.dsl.specialists.symmetry import _periodic_fill
from synthloop.arc.grid import ArcTask, Candidate

_CORNERS = {"bottom-right": (-1, -1), "bottom-left": (-1, 0), "top-right": (0, -1), "top-left": (0, 0)}
_SHIFTS = [(0, 0), (0, 1), (1, 0), (1, 1), (0, 2), (2, 0)]
_PAD = 2


def _continue(g: np.ndarray, corner: tuple[int, int], shift: tuple[int, int]) -> np.ndarray | None:
    g = np.asarray(g)
    h, w = g.shape
    filler = int(g[corner])
    if int(g[-1 - corner[0], -1 - corner[1]]) == filler:
        return None  # the pattern starts in the corner opposite the filler's
    known = g != filler
    if known.sum() * 4 < g.size or known.all():
        return None  # the pattern must show at least a quarter of the grid
    fr, fc = corner[0] == 0, corner[1] == 0  # orient so that the filler corner is the bottom-right
    g = g[::-1 if fr else 1, ::-1 if fc else 1]
    canvas = np.full((h + _PAD, w + _PAD), -1, dtype=np.int64)
    canvas[:h, :w] = np.where(g == filler, -1, g)
    full = _periodic_fill(canvas, -1) if (canvas < 0).any() else canvas
    if full is None:
        return None
    out = full[shift[0]:shift[0] + h, shift[1]:shift[1] + w]
    return out[::-1 if fr else 1, ::-1 if fc else 1]


def continue_under_filler(task: ArcTask, deadline: float) -> list[Candidate]:
    """Continue the periodic pattern over the filler colour."""
    if not task.train or not same_shapes(task):
        return []
    i0, o0 = (np.asarray(g) for g in task.train[0])
    corners = [(n, c) for n, c in _CORNERS.items() if int(i0[c]) not in o0 and np.any(i0 != i0[c])]
    if not corners:
        return []  # the filler is gone from the output

    def hypotheses():
        for name, corner in corners:
            for shift in _SHIFTS:
                check_deadline(deadline)
                yield Hypothesis(lambda g, c=corner, s=shift: _continue(g, c, s), size=3 + (shift != (0, 0)),
                                 program=f"continue_under_filler(corner={name!r}, shift={shift})",
                                 description=f"the colour at the {name} corner covers part of a repeating pattern; "
                                             "continue the pattern over the whole grid"
                                             + (f", read with phase shift {shift}" if shift != (0, 0) else ""))

    return first_solution(task, "tile_fill", hypotheses())
