"""Nested rings: the input shows the innermost few of a family of concentric rectangular rings (equal spacing, the
rectangle's centre anywhere, even off the grid, so the rings may show as corners, brackets or bars); continue them
over the whole grid, their colours cycling as in the input, every other cell a learned fill colour."""

from __future__ import annotations

from functools import partial
from itertools import product

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, make_candidate, same_shapes, solves_all
from synthloop.arc.grid import ArcTask, Candidate


def _ring_distance(shape: tuple[int, int], t: int, b: int, lft: int, rgt: int) -> np.ndarray:
    """Chebyshev distance of every cell to the rectangle rows t..b, cols lft..rgt, counted from its border
    (0 on the border, -1 inside)."""
    rr, cc = np.indices(shape)
    e = np.maximum.reduce([t - rr, rr - b, lft - cc, cc - rgt])
    return np.where(e >= 0, e, -1)


def _cycle(seq: list[int]) -> list[int] | None:
    """The shortest repeating unit of `seq` (at most half of it when it is long enough), None when it has none."""
    n = len(seq)
    for q in range(1, n + 1):
        if all(seq[j] == seq[j % q] for j in range(n)) and (q == 1 or 2 * q <= n):
            return seq[:q]
    return None


def _fit_rings(g: np.ndarray) -> tuple[np.ndarray, int, list[int]] | None:
    """(ring distance field, spacing, colour cycle) of the one ring family that draws exactly the input's
    non-background cells as its innermost rings, None when no family or more than one distinct one fits."""
    bg = O.background_color(g)
    mask = g != bg
    if not mask.any():
        return None
    H, W = g.shape
    comps = O.components(g, connectivity=8, multicolor=True, background=bg)
    if len(comps) < 2 or len(comps) > 12:
        return None
    found: dict[bytes, tuple[np.ndarray, int, list[int]]] = {}
    for comp in comps:
        a0, b0, a1, b1 = comp.top, comp.left, comp.top + comp.height - 1, comp.left + comp.width - 1
        sides = [(a0, -1) if a0 == 0 else (a0,), (a1, H) if a1 == H - 1 else (a1,),
                 (b0, -1) if b0 == 0 else (b0,), (b1, W) if b1 == W - 1 else (b1,)]
        for t, b, lft, rgt in product(*sides):
            e = _ring_distance((H, W), t, b, lft, rgt)
            vals = e[mask]
            if vals.min() != 0:
                continue
            pos = vals[vals > 0]
            if len(pos) == 0:
                continue
            p = int(pos.min())
            if p < 2:
                continue
            top = int(vals.max())
            drawn = (e >= 0) & (e % p == 0) & (e <= top)
            if not np.array_equal(drawn, mask):
                continue
            seq = []
            for j in range(top // p + 1):
                ring = np.unique(g[e == j * p])
                if len(ring) != 1:
                    seq = []
                    break
                seq.append(int(ring[0]))
            cyc = _cycle(seq) if seq else None
            if cyc is None:
                continue
            found.setdefault((e >= 0).tobytes() + (e % p == 0).tobytes(), (e, p, cyc))
    if len(found) != 1:
        return None
    return next(iter(found.values()))


def continue_rings(g: np.ndarray, fill: int | None) -> np.ndarray | None:
    """`g` with its nested rings continued over the whole grid; other cells `fill` (None: left as they are)."""
    g = np.asarray(g)
    fit = _fit_rings(g)
    if fit is None:
        return None
    e, p, cyc = fit
    out = g.copy() if fill is None else np.full_like(g, fill)
    on = (e >= 0) & (e % p == 0)
    idx = (e // p) % len(cyc)
    out[on] = np.asarray(cyc, dtype=g.dtype)[idx[on]]
    return out


def nested_rings(task: ArcTask, deadline: float) -> list[Candidate]:
    """Continue the nested rings; the fill colour is the one every output gives its non-ring cells (or none)."""
    if not task.train or not same_shapes(task):
        return []
    i0, o0 = (np.asarray(a) for a in task.train[0])
    fit = _fit_rings(i0)
    if fit is None:
        return []
    check_deadline(deadline)
    e, p, _ = fit
    off = ~((e >= 0) & (e % p == 0))
    fills = np.unique(o0[off])
    if len(fills) != 1:
        return []
    fill = int(fills[0])
    bg = O.background_color(i0)
    fill_arg = None if fill == bg else fill
    fn = partial(continue_rings, fill=fill_arg)
    if not solves_all(task, fn):
        return []
    desc = "continue the input's nested rectangular rings over the grid" + (
        f", every other cell colour {fill}" if fill_arg is not None else "")
    c = make_candidate(task, fn, family="nested_rings", program=f"continue_rings(fill={fill_arg})", description=desc)
    return [c] if c is not None else []
