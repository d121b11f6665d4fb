"""Ring assembly: each colour other than the background shows (whole, or partly cut off by the grid's edge) one
square picture that has all eight symmetries of the square, such as a ring with gaps; the pictures come in
different sizes. Output them nested on one common centre, biggest outside, on a square of the biggest one's size.
A colour's picture is recovered by mirroring its visible cells through every symmetry about a centre chosen so
that no mirrored cell lands, inside the grid, on a cell of another colour; of the centres that work, each colour
takes the smallest picture size no other colour has taken."""

from __future__ import annotations

from functools import partial

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, make_candidate, solves_all
from synthloop.arc.grid import ArcTask, Candidate

_MAX_RADIUS = 14
_MAX_COLOURS = 8
_MAX_CELLS = 80


def _orbits(dy: np.ndarray, dx: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    return [(dy, dx), (dy, -dx), (-dy, dx), (-dy, -dx), (dx, dy), (dx, -dy), (-dx, dy), (-dx, -dy)]


def _placements(mask: np.ndarray, rad: int) -> list[tuple[int, int]]:
    """All centres (row, column) about which the True cells of `mask` are the in-grid part of a picture with the
    square's eight symmetries whose box (side 2 * rad + 1) they touch."""
    h, w = mask.shape
    ys, xs = np.nonzero(mask)
    vt, vb, vl, vr = int(ys.min()), int(ys.max()), int(xs.min()), int(xs.max())
    if vb - vt > 2 * rad or vr - vl > 2 * rad:
        return []
    cys, cxs = np.meshgrid(np.arange(vb - rad, vt + rad + 1), np.arange(vr - rad, vl + rad + 1), indexing="ij")
    cy, cx = cys.ravel()[:, None], cxs.ravel()[:, None]
    dy, dx = ys[None, :] - cy, xs[None, :] - cx
    ok = (np.maximum(np.abs(dy), np.abs(dx)) == rad).any(axis=1)
    for a, b in _orbits(dy, dx):
        ty, tx = cy + a, cx + b
        inside = (ty >= 0) & (ty < h) & (tx >= 0) & (tx < w)
        hit = np.zeros_like(inside)
        hit[inside] = mask[ty[inside], tx[inside]]
        ok &= (~inside | hit).all(axis=1)
    return [(int(cy[k, 0]), int(cx[k, 0])) for k in np.nonzero(ok)[0]]


def _first_fit(mask: np.ndarray, start: int, deadline: float) -> tuple[int, list[tuple[int, int]]] | None:
    """The smallest radius >= `start` with a fitting centre, and its centres."""
    for rad in range(start, _MAX_RADIUS + 1):
        check_deadline(deadline)
        centres = _placements(mask, rad)
        if centres:
            return rad, centres
    return None


def ring_assembly(g: np.ndarray, deadline: float = float("inf")) -> np.ndarray | None:
    """The colours' symmetric pictures nested on one centre; None when some colour fits no picture or two colours
    would need the same size."""
    g = np.asarray(g)
    bg = O.background_color(g)
    colours = [int(c) for c in np.unique(g) if c != bg]
    if not 2 <= len(colours) <= _MAX_COLOURS or np.count_nonzero(g != bg) > _MAX_CELLS * len(colours):
        return None
    masks = {c: g == c for c in colours}
    if any(np.count_nonzero(m) > _MAX_CELLS for m in masks.values()):
        return None
    first = {}
    for c in colours:
        found = _first_fit(masks[c], 0, deadline)
        if found is None:
            return None
        first[c] = found
    taken: dict[int, tuple[int, int, int]] = {}
    used: set[int] = set()
    for c in sorted(colours, key=lambda c: (first[c][0], c)):
        fit: tuple[int, list[tuple[int, int]]] | None = first[c]
        while fit is not None and fit[0] in used:
            fit = _first_fit(masks[c], fit[0] + 1, deadline)
        if fit is None or len(fit[1]) != 1:
            return None
        rad, (centre,) = fit[0], fit[1]
        taken[c] = (rad, *centre)
        used.add(rad)
    big = max(used)
    side = 2 * big + 1
    out = np.full((side, side), bg, dtype=g.dtype)
    for c, (_rad, cy, cx) in sorted(taken.items(), key=lambda kv: -kv[1][0]):
        ys, xs = np.nonzero(g == c)
        for a, b in _orbits(ys - cy, xs - cx):
            out[big + a, big + b] = c
    return out


def ring_assembly_spec(task: ArcTask, deadline: float) -> list[Candidate]:
    """The ring-assembly rule, for demos whose outputs are odd squares smaller than their inputs and keep their
    inputs' colours."""
    if not task.train:
        return []
    for i, o in task.train:
        i, o = np.asarray(i), np.asarray(o)
        if o.shape[0] != o.shape[1] or o.shape[0] % 2 == 0 or o.size >= i.size:
            return []
        if set(np.unique(i).tolist()) != set(np.unique(o).tolist()):
            return []
    fn = partial(ring_assembly, deadline=deadline)
    if not solves_all(task, fn):
        return []
    c = make_candidate(task, fn, family="ring_assembly", program="ring_assembly()",
                       description="complete every colour's partly hidden symmetric ring and nest the rings on one "
                                   "centre, biggest outside", size=3)
    return [c] if c is not None else []
