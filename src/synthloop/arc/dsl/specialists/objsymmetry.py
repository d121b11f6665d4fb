"""Symmetry completion about a found centre: the picture (or each object) is a broken symmetric figure whose centre
is not the grid's. The centre is the one, among all positions, under which the figure's mirror / rotated images
land inside the grid, never on a cell of another colour, and add the fewest cells; the images are then painted in
(in their own colours, or in one learned colour). Learned: the symmetry group, whole picture or per object, and
the paint.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline
from synthloop.arc.dsl.specialists.learn import (
    Hypothesis,
    first_solution,
    paints_background_only,
    single_background_paint,
)
from synthloop.arc.grid import ArcTask, Candidate

_MAX_CELLS = 100
_MAX_OBJECTS = 8
_MAX_CENTRES = 2500

# cell (r, c) and centre (R/2, C/2) in doubled coordinates -> the image's doubled coordinates (2r', 2c')
Op = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
_OPS: dict[str, Op] = {
    "lr": lambda r, c, R, C: (2 * r, 2 * C - 2 * c),
    "ud": lambda r, c, R, C: (2 * R - 2 * r, 2 * c),
    "rot180": lambda r, c, R, C: (2 * R - 2 * r, 2 * C - 2 * c),
    "rot90": lambda r, c, R, C: (R - C + 2 * c, C + R - 2 * r),
    "rot270": lambda r, c, R, C: (R + C - 2 * c, C - R + 2 * r),
    "diag": lambda r, c, R, C: (R - C + 2 * c, C - R + 2 * r),
    "anti": lambda r, c, R, C: (R + C - 2 * c, C + R - 2 * r),
}
GROUPS: dict[str, tuple[str, ...]] = {  # the richest symmetry first: when it explains the demos it is the rule
    "eight-fold": ("lr", "ud", "rot180", "rot90", "rot270", "diag", "anti"),
    "quarter-turns": ("rot90", "rot180", "rot270"),
    "both mirrors": ("lr", "ud", "rot180"),
    "half-turn": ("rot180",),
    "mirror left-right": ("lr",),
    "mirror up-down": ("ud",),
}


def complete_cells(g: np.ndarray, rows: np.ndarray, cols: np.ndarray, group: tuple[str, ...],
                   bg: int) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The cells to add (rows, cols, colours) that complete the figure `rows, cols` of `g` under `group` about the
    best centre (fewest additions, no clash, all inside the grid; ties go to the centre nearest the figure's middle,
    and a tie left after that gives None)."""
    H, W = g.shape
    vals = g[rows, cols]
    t, b, lf, r = int(rows.min()), int(rows.max()), int(cols.min()), int(cols.max())
    Rs, Cs = np.meshgrid(np.arange(2 * t, 2 * b + 1), np.arange(2 * lf, 2 * r + 1), indexing="ij")
    Rs, Cs = Rs.ravel()[:, None], Cs.ravel()[:, None]
    if Rs.shape[0] > _MAX_CENTRES:
        return None
    ok = np.ones(Rs.shape[0], dtype=bool)
    cost = np.zeros(Rs.shape[0], dtype=np.int32)
    images = []
    for name in group:
        r2, c2 = np.broadcast_arrays(*_OPS[name](rows[None, :], cols[None, :], Rs, Cs), Rs + cols[None, :])[:2]
        ok &= ((r2 % 2 == 0) & (c2 % 2 == 0)).all(axis=1)
        ri, ci = r2 // 2, c2 // 2
        ok &= ((ri >= 0) & (ri < H) & (ci >= 0) & (ci < W)).all(axis=1)
        rc, cc = np.clip(ri, 0, H - 1), np.clip(ci, 0, W - 1)
        seen = g[rc, cc]
        ok &= ((seen == bg) | (seen == vals[None, :])).all(axis=1)
        cost += (seen == bg).sum(axis=1).astype(np.int32)
        images.append((rc, cc))
    if not ok.any():
        return None
    mid_r, mid_c = t + b, lf + r
    dist = (Rs[:, 0] - mid_r) ** 2 + (Cs[:, 0] - mid_c) ** 2
    key = np.where(ok, cost.astype(np.int64) * 10_000 + dist, np.iinfo(np.int64).max)
    best = np.flatnonzero(key == key.min())
    if len(best) > 1:
        return None
    k = int(best[0])
    add_r = np.concatenate([rc[k] for rc, _ in images])
    add_c = np.concatenate([cc[k] for _, cc in images])
    add_v = np.tile(vals, len(images))
    new = g[add_r, add_c] == bg
    return add_r[new], add_c[new], add_v[new]


Added = list[tuple[np.ndarray, np.ndarray, np.ndarray]]


def _additions(g: np.ndarray, group: tuple[str, ...], per_object: bool) -> Added | None:
    """The cells each figure (the whole picture, or each object) needs to become symmetric; None when one can't."""
    bg = O.background_color(g)
    if per_object:
        figures = O.extract(g, "m8")
        if len(figures) > _MAX_OBJECTS:
            return None
        parts = [(o.rows, o.cols) for o in figures]
    else:
        rows, cols = np.nonzero(g != bg)
        parts = [(rows, cols)] if rows.size else []
    if not parts or sum(p[0].size for p in parts) > _MAX_CELLS:
        return None
    out = []
    for rows, cols in parts:
        res = complete_cells(g, rows, cols, group, bg)
        if res is None:
            return None
        out.append(res)
    return out


def _complete(g: np.ndarray, group: tuple[str, ...], per_object: bool, paint: int | None,
              cache: dict[tuple, Added | None]) -> np.ndarray | None:
    """`g` with the symmetric completions painted (their own colours, or `paint`); `cache` shares the geometry
    between the paint variants."""
    g = np.asarray(g)
    key = (g.shape, g.tobytes(), group, per_object)
    if key not in cache:
        cache[key] = _additions(g, group, per_object)
    adds = cache[key]
    if adds is None or not any(ar.size for ar, _, _ in adds):
        return None
    out = g.copy()
    for ar, ac, av in adds:
        out[ar, ac] = av if paint is None else paint
    return out


_PATCH_OPS = {
    "lr": lambda p: p[:, ::-1], "ud": lambda p: p[::-1], "rot180": lambda p: p[::-1, ::-1],
    "rot90": lambda p: np.rot90(p), "rot270": lambda p: np.rot90(p, 3), "diag": lambda p: p.T,
    "anti": lambda p: np.rot90(p, 2).T,
}


def _symmetric(patch: np.ndarray, group: tuple[str, ...]) -> bool:
    """True when the (bounding-box) patch is unchanged by every operation of the group."""
    for name in group:
        q = _PATCH_OPS[name](patch)
        if q.shape != patch.shape or not np.array_equal(q, patch):
            return False
    return True


def _output_fits(o: np.ndarray, group: tuple[str, ...], per_object: bool) -> bool:
    """Cheap necessary test on a demo output: the completed figure's shape (or each object's) is symmetric under
    the group about its own bounding-box centre (shapes only: a learned paint breaks the colours' symmetry)."""
    o = np.asarray(o)
    bg = O.background_color(o)
    if per_object:
        return all(_symmetric(ob.mask, group) for ob in O.extract(o, "m8"))
    box = O.bbox_of_mask(o != bg)
    return box is not None and _symmetric(o[box[0]:box[2], box[1]:box[3]] != bg, group)


def _hypotheses(task: ArcTask, deadline: float) -> Iterator[Hypothesis]:
    single = single_background_paint(task)
    paints: list[int | None] = [None] + ([single] if single is not None else [])
    cache: dict[tuple, Added | None] = {}
    for per_object in (False, True):
        for name, group in GROUPS.items():
            if not all(_output_fits(o, group, per_object) for _, o in task.train):
                continue
            for paint in paints:
                check_deadline(deadline)
                what = "each object" if per_object else "the figure"
                how = "in their own colours" if paint is None else f"in colour {paint}"
                yield Hypothesis(lambda g, group=group, per_object=per_object, paint=paint:
                                 _complete(g, group, per_object, paint, cache), size=3,
                                 program=f"complete_symmetry(group={name!r}, per_object={per_object}, paint={paint})",
                                 description=f"complete {what} to its {name} symmetry about the centre that needs "
                                             f"the fewest added cells, painting them {how}")


def complete_symmetry(task: ArcTask, deadline: float) -> list[Candidate]:
    """Complete a broken symmetric figure about its own (found) centre."""
    if not paints_background_only(task):
        return []
    for i, _ in task.train:
        if int((np.asarray(i) != O.background_color(np.asarray(i))).sum()) > _MAX_CELLS:
            return []
    return first_solution(task, "object_symmetry", _hypotheses(task, deadline))
