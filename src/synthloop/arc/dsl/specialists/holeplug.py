"""Hole plugs: every enclosed background hole takes the one single-object colour of exactly its shape, which moves
into it (its old place becomes background); colours in several pieces are distractors."""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate, same_shapes, solves_all
from synthloop.arc.grid import ArcTask, Candidate

_EIGHT = np.ones((3, 3), dtype=bool)


def _shape(mask: np.ndarray) -> tuple[tuple[int, int], frozenset[tuple[int, int]]]:
    rr, cc = np.nonzero(mask)
    return (int(rr.min()), int(cc.min())), frozenset(zip((rr - rr.min()).tolist(), (cc - cc.min()).tolist(), strict=True))


def plug_holes(g: np.ndarray) -> np.ndarray | None:
    """`g` with each enclosed background hole filled by moving in the one colour whose only object has its exact shape;
    None when no hole takes an object."""
    g = np.asarray(g)
    bg = O.background_color(g)
    lab, n = ndimage.label(g == bg)
    border = set(np.unique(np.concatenate([lab[0], lab[-1], lab[:, 0], lab[:, -1]])).tolist())
    holes = [_shape(lab == k) for k in range(1, n + 1) if k not in border]
    if not holes or len(holes) > 12:
        return None
    pieces: list[tuple[int, tuple[int, int], frozenset, np.ndarray]] = []
    for c in np.unique(g).tolist():
        if c == bg:
            continue
        plab, m = ndimage.label(g == c, structure=_EIGHT)
        if m == 1 and (g == c).sum() <= 30:
            mask = plab == 1
            origin, shape = _shape(mask)
            pieces.append((int(c), origin, shape, mask))
    out = g.copy()
    moved = 0
    for (hr, hc), hshape in holes:
        fits = [p for p in pieces if p[2] == hshape]
        if len(fits) != 1:
            continue
        c, _, shape, mask = fits[0]
        out[mask] = bg
        for dr, dc in shape:
            out[hr + dr, hc + dc] = c
        moved += 1
    return out if moved else None


def hole_plugs(task: ArcTask, deadline: float) -> list[Candidate]:
    """The hole-plug rule when it reproduces every demo."""
    if not task.train or not same_shapes(task):
        return []
    if not solves_all(task, plug_holes):
        return []
    c = make_candidate(task, plug_holes, family="hole_plugs", program="plug_holes()",
                       description="move each loose object into the enclosed hole of exactly its shape")
    return [c] if c is not None else []
