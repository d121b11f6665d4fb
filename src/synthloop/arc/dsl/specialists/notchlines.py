"""Notch lines: a framed rectangle (outer colour around a solid inner block) has single inner-colour notches poking into
its frame; each notch shoots a line through the whole grid across the rectangle, drawn in the frame colour inside the
rectangle and in the inner colour outside it (the notch itself is mended).

Works on every two-colour filled rectangle of the grid (8-connected multicolour objects on the background).
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate, same_shapes, solves_all
from synthloop.arc.grid import ArcTask, Candidate

_MAX_OBJECTS = 6


def _run(idx: np.ndarray) -> tuple[int, int] | None:
    """(first, last+1) of a contiguous run of indices; None when empty or broken."""
    if idx.size == 0 or idx[-1] - idx[0] + 1 != idx.size:
        return None
    return int(idx[0]), int(idx[-1]) + 1


def _notch_lines(box: np.ndarray) -> tuple[int, int, list[tuple[str, int]]] | None:
    """(frame colour, inner colour, [(axis, local index)]) of one filled two-colour box; None when it is not a frame
    around a solid block with single-cell notches."""
    outer = int(box[0, 0])
    inner_cols = [c for c in np.unique(box).tolist() if c != outer]
    if len(inner_cols) != 1:
        return None
    inner = inner_cols[0]
    m = box == inner
    per_row, per_col = m.sum(1), m.sum(0)
    rows = _run(np.nonzero(2 * per_row > per_row.max())[0])
    cols = _run(np.nonzero(2 * per_col > per_col.max())[0])
    if rows is None or cols is None:
        return None
    (r0, r1), (c0, c1) = rows, cols
    if r1 - r0 < 2 or c1 - c0 < 2 or r0 == 0 or c0 == 0 or r1 == box.shape[0] or c1 == box.shape[1]:
        return None
    if not m[r0:r1, c0:c1].all():
        return None
    rest = m.copy()
    rest[r0:r1, c0:c1] = False
    lines = []
    for y, x in zip(*np.nonzero(rest), strict=True):
        if r0 <= y < r1 and (x == c0 - 1 or x == c1):
            lines.append(("row", int(y)))
        elif c0 <= x < c1 and (y == r0 - 1 or y == r1):
            lines.append(("col", int(x)))
        else:
            return None
    if not lines:
        return None
    return outer, inner, lines


def draw_notch_lines(g: np.ndarray) -> np.ndarray | None:
    """`g` with every notch line drawn: frame colour inside its rectangle, inner colour outside; None when no
    rectangle has notches or an object is unfit."""
    g = np.asarray(g)
    bg = O.background_color(g)
    objs = O.components(g, connectivity=8, multicolor=True, background=bg)
    if not objs or len(objs) > _MAX_OBJECTS:
        return None
    out = g.copy()
    drawn = 0
    for ob in objs:
        t, lf, b, r = ob.bbox
        if ob.size != (b - t) * (r - lf) or ob.n_colors != 2:
            continue
        found = _notch_lines(g[t:b, lf:r])
        if found is None:
            return None
        outer, inner, lines = found
        for axis, k in lines:
            if axis == "row":
                out[t + k, :] = inner
                out[t + k, lf:r] = outer
            else:
                out[:, lf + k] = inner
                out[t:b, lf + k] = outer
            drawn += 1
    return out if drawn else None


def notch_lines(task: ArcTask, deadline: float) -> list[Candidate]:
    """The notch-line rule when it reproduces every demo."""
    if not task.train or not same_shapes(task):
        return []
    if not solves_all(task, draw_notch_lines):
        return []
    c = make_candidate(task, draw_notch_lines, family="notch_lines", program="draw_notch_lines()",
                       description="each inner-colour notch in a rectangle's frame shoots a line across the grid, "
                                   "frame colour inside the rectangle and inner colour outside")
    return [c] if c is not None else []
