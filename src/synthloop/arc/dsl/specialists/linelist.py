"""Line colour list: the grid holds parallel one-cell-thick lines (possibly cut by a block); the output is an N x N
square, N the number of lines, striped with the line colours in order and in the lines' orientation.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate


def _row_lines(g: np.ndarray, bg: int) -> list[int] | None:
    """Colours of the horizontal lines top to bottom: (row, colour) with >= 2 cells of the colour in the row and
    none in the rows next to it; one colour per row. None when there are none."""
    h = g.shape[0]
    found: list[int] = []
    for r in range(h):
        cols = [c for c in np.unique(g[r]).tolist() if c != bg and int((g[r] == c).sum()) >= 2
                and not (r > 0 and (g[r - 1] == c).any()) and not (r + 1 < h and (g[r + 1] == c).any())]
        if len(cols) > 1:
            return None
        found.extend(cols)
    return found or None


def line_square(g: np.ndarray) -> np.ndarray | None:
    """The N x N stripe square of the parallel lines' colours (horizontal lines tried first)."""
    g = np.asarray(g)
    bg = O.background_color(g)
    rows = _row_lines(g, bg)
    if rows is not None:
        return np.repeat(np.array(rows, dtype=np.int8)[:, None], len(rows), axis=1)
    cols = _row_lines(g.T, bg)
    if cols is not None:
        return np.repeat(np.array(cols, dtype=np.int8)[None, :], len(cols), axis=0)
    return None


def line_colour_square(task: ArcTask, deadline: float) -> list[Candidate]:
    """Output = square of side (number of lines), striped with the line colours in order."""
    if not task.train or any(y.shape[0] != y.shape[1] or y.shape[0] >= x.shape[0] for x, y in task.train):
        return []
    return first_solution(task, "line_colour_square", [
        Hypothesis(line_square, size=3, program="line_colour_square()",
                   description="list the colours of the parallel thin lines as a square of stripes")])
