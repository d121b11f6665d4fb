"""Lattice cells: the input is a lattice of evenly spaced full lines of one colour; some crossings of the lines carry
another colour. Cut out the window of crossings that holds every coloured one: each gap between four neighbouring
crossings becomes one output cell, coloured with the crossings' colour when all four corners share it, else the
background.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.common import make_candidate, solves_all
from synthloop.arc.grid import ArcTask, Candidate


def _lattice(g: np.ndarray) -> tuple[int, int, list[int], list[int]] | None:
    """(background, line colour, line rows, line columns) of a grid of full lines, the lines evenly spaced."""
    H, W = g.shape
    for bg in np.unique(g).tolist():
        is_bg = g == bg
        rows = [r for r in range(H) if not is_bg[r].any()]
        cols = [c for c in range(W) if not is_bg[:, c].any()]
        if len(rows) < 2 or len(cols) < 2:
            continue
        keep = np.ones_like(is_bg)
        keep[rows, :] = False
        keep[:, cols] = False
        if not keep.any() or not is_bg[keep].all():
            continue
        if len(set(np.diff(rows).tolist())) != 1 or len(set(np.diff(cols).tolist())) != 1 or rows[1] - rows[0] < 2:
            continue
        vals, counts = np.unique(np.concatenate([g[rows, :].ravel(), g[:, cols].ravel()]), return_counts=True)
        return int(bg), int(vals[np.argmax(counts)]), rows, cols
    return None


def lattice_cells(g: np.ndarray) -> np.ndarray | None:
    """The gaps of the coloured-crossing window, each coloured when its four corner crossings agree."""
    g = np.asarray(g)
    found = _lattice(g)
    if found is None:
        return None
    bg, line, rows, cols = found
    cross = g[np.ix_(rows, cols)]
    # every cell of the line rows/columns away from the crossings must be plain line colour
    mask = np.zeros(g.shape, dtype=bool)
    mask[rows, :] = True
    mask[:, cols] = True
    mask[np.ix_(rows, cols)] = False
    if (g[mask] != line).any():
        return None
    coloured = np.argwhere(cross != line)
    if len(coloured) == 0:
        return None
    r0, c0 = coloured.min(axis=0)
    r1, c1 = coloured.max(axis=0)
    if r1 == r0 or c1 == c0:
        return None
    win = cross[r0:r1 + 1, c0:c1 + 1]
    out = np.full((win.shape[0] - 1, win.shape[1] - 1), bg, dtype=g.dtype)
    for r in range(out.shape[0]):
        for c in range(out.shape[1]):
            corners = {int(win[r, c]), int(win[r + 1, c]), int(win[r, c + 1]), int(win[r + 1, c + 1])}
            if len(corners) == 1 and line not in corners:
                out[r, c] = corners.pop()
    return out


def lattice_cell_colours(task: ArcTask, deadline: float) -> list[Candidate]:
    """The lattice-cell rule when it reproduces every demo."""
    if not task.train or any(o.shape[0] * 2 > i.shape[0] or o.shape[1] * 2 > i.shape[1] for i, o in task.train):
        return []
    if not solves_all(task, lattice_cells):
        return []
    c = make_candidate(task, lattice_cells, family="lattice_cells", program="lattice_cells()",
                       description="cut out the coloured lattice crossings; a gap takes the colour its four corner "
                                   "crossings share")
    return [c] if c is not None else []
