"""Rays towards a target: every single-cell marker that lines up with the largest object (shares a row or a column
with it) draws a line of its colour up to that object; markers that do not line up stay as they are.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate, same_shapes
from synthloop.arc.grid import ArcTask, Candidate


def _rays_fn(mode: str):
    def fn(g: np.ndarray) -> np.ndarray | None:
        g = np.asarray(g)
        bg = O.background_color(g)
        objs = O.extract(g, mode)
        if len(objs) < 2:
            return None
        sizes = sorted((o.size for o in objs), reverse=True)
        if sizes[0] == sizes[1]:
            return None
        target = max(objs, key=lambda o: o.size)
        t0, l0, t1, l1 = target.bbox
        t1, l1 = t1 - 1, l1 - 1
        out = g.copy()
        for ob in objs:
            if ob.size != 1:
                continue
            y, x, c = int(ob.rows[0]), int(ob.cols[0]), int(ob.values[0])
            if t0 <= y <= t1 and not l0 <= x <= l1:
                cols = np.nonzero(target.mask[y - t0])[0] + l0
                span = range(x + 1, cols.min()) if x < l0 else range(cols.max() + 1, x)
                for xx in span:
                    if out[y, xx] == bg:
                        out[y, xx] = c
            elif l0 <= x <= l1 and not t0 <= y <= t1:
                rows = np.nonzero(target.mask[:, x - l0])[0] + t0
                span = range(y + 1, rows.min()) if y < t0 else range(rows.max() + 1, y)
                for yy in span:
                    if out[yy, x] == bg:
                        out[yy, x] = c
        return out

    return fn


def rays_to_target(task: ArcTask, deadline: float) -> list[Candidate]:
    """Markers in line with the largest object extend towards it."""
    if not task.train or not same_shapes(task):
        return []
    for mode in ("c4", "m4"):
        c = make_candidate(task, _rays_fn(mode), family="motion", program=f"rays_to_largest({mode})",
                           description="every single-cell marker in line with the largest object draws a line of "
                                       "its colour up to it", size=4)
        if c is not None and c.solves_train:
            return [c]
    return []


def _cell_lister() -> Callable[[np.ndarray], list[tuple[int, int, int]]]:
    """A grid's non-background cells (row, column, colour) in reading order, each grid's list computed once (the
    lister is shared by the hypotheses of one task, which all run on the same grids; callers must not change it)."""
    memo: dict[tuple, list[tuple[int, int, int]]] = {}

    def cells_of(g: np.ndarray) -> list[tuple[int, int, int]]:
        key = (g.shape, g.dtype.str, g.tobytes())
        cells = memo.get(key)
        if cells is None:
            bg = O.background_color(g)
            ys, xs = np.nonzero(g != bg)
            cells = memo[key] = list(zip(ys.tolist(), xs.tolist(), g[ys, xs].tolist(), strict=True))
        return cells

    return cells_of


def _lines_fn(modes: dict[int, str], rows_last: bool,
              cells_of: Callable[[np.ndarray], list[tuple[int, int, int]]] | None = None):
    cells_of = cells_of or _cell_lister()

    def fn(g: np.ndarray) -> np.ndarray | None:
        g = np.asarray(g)
        out = g.copy()
        cells = cells_of(g)
        if any(c not in modes for _, _, c in cells):
            return None
        order = ("col", "row") if rows_last else ("row", "col")
        for kind in order:
            for y, x, c in cells:
                if modes[c] == kind:
                    if kind == "row":
                        out[y, :] = c
                    else:
                        out[:, x] = c
        return out

    return fn


def colour_lines(task: ArcTask, deadline: float) -> list[Candidate]:
    """Each cell draws the full row or the full column through it, by its colour (or nothing); rows over columns or
    columns over rows."""
    if not task.train or not same_shapes(task):
        return []
    colours = sorted(set().union(*(set(np.unique(np.asarray(i)).tolist()) for i, _ in task.train))
                     | set().union(*(set(np.unique(np.asarray(g)).tolist()) for g in task.test_inputs)))
    if len(colours) > 5:
        return []
    bgs = {O.background_color(np.asarray(i)) for i, _ in task.train}
    fg = [c for c in colours if c not in bgs]
    if not fg or len(fg) > 4:
        return []
    cells_of = _cell_lister()
    for combo in itertools.product(("row", "col", "none"), repeat=len(fg)):
        if all(m == "none" for m in combo):
            continue
        modes = dict(zip(fg, combo, strict=True))
        for rows_last in (True, False):
            c = make_candidate(task, _lines_fn(modes, rows_last, cells_of), family="motion",
                               program=f"colour_lines({modes}, rows_last={rows_last})",
                               description="every cell draws the whole row or column through it by its colour: "
                                           + ", ".join(f"{k}: {v}" for k, v in modes.items()), size=4 + len(fg))
            if c is not None and c.solves_train:
                return [c]
    return []


def _step_fn(mover: int, anchor: int):
    def fn(g: np.ndarray) -> np.ndarray | None:
        g = np.asarray(g)
        bg = O.background_color(g)
        my, mx = np.nonzero(g == mover)
        ay, ax = np.nonzero(g == anchor)
        if my.size == 0 or ay.size == 0:
            return None
        dy = int(np.sign(ay.mean() - my.mean()))
        dx = int(np.sign(ax.mean() - mx.mean()))
        out = g.copy()
        out[my, mx] = bg
        ny, nx = my + dy, mx + dx
        if ny.min() < 0 or nx.min() < 0 or ny.max() >= g.shape[0] or nx.max() >= g.shape[1]:
            return None
        if np.any(g[ny, nx] == anchor):
            return None
        out[ny, nx] = mover
        return out

    return fn


def step_toward(task: ArcTask, deadline: float) -> list[Candidate]:
    """The cells of one colour move one step (diagonal allowed) towards the cells of another colour."""
    if not task.train or not same_shapes(task):
        return []
    colours = set.intersection(*(set(np.unique(np.asarray(i)).tolist()) for i, _ in task.train))
    bgs = {O.background_color(np.asarray(i)) for i, _ in task.train}
    fg = sorted(colours - bgs)
    for mover, anchor in itertools.permutations(fg, 2):
        c = make_candidate(task, _step_fn(mover, anchor), family="motion",
                           program=f"step_toward(mover={mover}, anchor={anchor})",
                           description=f"the colour-{mover} cells move one step towards the colour-{anchor} cells",
                           size=4)
        if c is not None and c.solves_train:
            return [c]
    return []
