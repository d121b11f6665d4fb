"""Marker extrude: an object's marker cells say which way it is dragged; its shape sweeps to the grid edge.

Each object (8-connected, any colours) holds body cells and cells of a learned marker colour. Every marker cell
points away from the object's centre (diagonally from a corner, straight from the middle of a side); the object's
whole shape is translated again and again in each such direction (by one cell, or learned, by its own size) until
it leaves the grid, and every cell it covers, the original included, is painted the body colour.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, same_shapes
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate

_MAX_OBJECTS = 6


def extrude(g: np.ndarray, marker: int, by_size: bool) -> np.ndarray | None:
    """`g` with every object swept from its marker cells' directions; None when an object lacks a marker, has no
    single body colour, or a marker sits at its centre."""
    g = np.asarray(g)
    bg = O.background_color(g)
    if marker == bg:
        return None
    objs = O.components(g, connectivity=8, multicolor=True, background=bg)
    if not objs or len(objs) > _MAX_OBJECTS:
        return None
    H, W = g.shape
    out = g.copy()
    for ob in objs:
        vals = g[ob.rows, ob.cols]
        body = {int(v) for v in np.unique(vals)} - {marker}
        if len(body) != 1 or not (vals == marker).any():
            return None
        colour = body.pop()
        t, lf, b, r = ob.bbox
        cr, cc = (t + b - 1) / 2, (lf + r - 1) / 2
        dirs = set()
        for y, x in zip(ob.rows[vals == marker].tolist(), ob.cols[vals == marker].tolist(), strict=True):
            d = (int(np.sign(y - cr)), int(np.sign(x - cc)))
            if d == (0, 0):
                return None
            dirs.add(d)
        sh, sw = (b - t, r - lf) if by_size else (1, 1)
        out[ob.rows, ob.cols] = colour
        for dr, dc in dirs:
            k = 1
            while True:
                ys, xs = ob.rows + k * dr * sh, ob.cols + k * dc * sw
                keep = (ys >= 0) & (ys < H) & (xs >= 0) & (xs < W)
                if not keep.any():
                    break
                out[ys[keep], xs[keep]] = colour
                k += 1
    return out


def _hypotheses(markers: list[int], deadline: float) -> Iterator[Hypothesis]:
    for marker in markers:
        for by_size in (False, True):
            check_deadline(deadline)
            step = "its own size" if by_size else "one cell"
            yield Hypothesis(
                fn=lambda g, m=marker, s=by_size: extrude(g, m, s),
                program=f"marker_extrude(marker={marker}, by_size={by_size})",
                description=f"each object is swept to the grid edge, a step of {step} at a time, in the directions "
                            f"its colour-{marker} cells point, all in its body colour",
                size=3,
            )


def marker_extrude(task: ArcTask, deadline: float) -> list[Candidate]:
    if not task.train or not same_shapes(task):
        return []
    gone: set[int] | None = None
    for i, o in task.train:
        i, o = np.asarray(i), np.asarray(o)
        lost = {int(v) for v in np.unique(i)} - {int(v) for v in np.unique(o)}
        gone = lost if gone is None else gone & lost
        if not np.any((i == O.background_color(i)) & (o != i)):
            return []
    if not gone:
        return []
    return first_solution(task, "marker_extrude", _hypotheses(sorted(gone), deadline))
