"""Complete the template at its anchors, at any scale: the input holds one complete picture of two or more colours
(the template, its largest multi-colour object) whose least common colour is the anchor; elsewhere, cells of the
anchor colour sit where the template's anchor cells would be, scaled by an integer factor. The template, scaled
by the same factor, is drawn around every such set of anchor cells (on background cells only). When the anchors
come with cells of a new colour on the template's body, the body is drawn in that colour. Every anchor-coloured
cell outside the template must be explained by one placement.
"""

from __future__ import annotations

import time

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution, paints_background_only
from synthloop.arc.grid import ArcTask, Candidate

MAX_SCALE = 5


def _templates(g: np.ndarray, bg: int) -> list[O.Object]:
    """Multi-colour objects, largest first: the candidates for the template."""
    objs = [o for o in O.components(g, connectivity=8, multicolor=True, background=bg) if o.n_colors >= 2]
    return sorted(objs, key=lambda o: -o.size)


def _anchor(t: O.Object) -> int | None:
    counts = np.bincount(t.values.astype(np.int64), minlength=10)
    present = [c for c in t.colors]
    least = min(counts[c] for c in present)
    ones = [c for c in present if counts[c] == least]
    return ones[0] if len(ones) == 1 else None


def _placements(free: np.ndarray, patch: np.ndarray, anchor: int) -> list[tuple[int, int, int]] | None:
    """(scale, top, left) of every placement whose scaled anchor cells all land on `free` anchor cells (the rest of
    the template may leave the grid: `free` carries a margin); None when some free anchor cell is unexplained."""
    h, w = free.shape
    amask = patch == anchor
    ar, ac = np.nonzero(amask)
    labels, n = O.label(free, 8)
    found: set[tuple[int, int, int]] = set()
    covered = np.zeros_like(free)
    for k in range(1, n + 1):
        rs, cs = np.nonzero(labels == k)
        top, left = int(rs.min()), int(cs.min())
        for s in range(1, MAX_SCALE + 1):
            if len(rs) % (s * s):
                continue
            big = np.kron(amask, np.ones((s, s), dtype=bool))
            for tr, tc in zip(ar.tolist(), ac.tolist(), strict=True):
                r0, c0 = top - s * tr, left - s * tc
                if r0 < 0 or c0 < 0 or r0 + big.shape[0] > h or c0 + big.shape[1] > w:
                    continue
                window = free[r0:r0 + big.shape[0], c0:c0 + big.shape[1]]
                if (window | ~big).all() and not (window & ~big).any():
                    found.add((s, r0, c0))
                    covered[r0:r0 + big.shape[0], c0:c0 + big.shape[1]] |= big
    if not found or (free & ~covered).any():
        return None
    return sorted(found)


def _complete_with(g: np.ndarray, bg: int, t: O.Object) -> np.ndarray | None:
    anchor = _anchor(t)
    if anchor is None:
        return None
    top, left, bottom, right = t.bbox
    patch = np.full((bottom - top, right - left), -1, dtype=np.int64)
    patch[t.rows - top, t.cols - left] = t.values
    m = MAX_SCALE * max(patch.shape)
    h, w = g.shape
    grid = np.full((h + 2 * m, w + 2 * m), -1, dtype=np.int64)  # -1: outside the grid
    grid[m:m + h, m:m + w] = g
    free = grid == anchor
    free[t.rows + m, t.cols + m] = False
    places = _placements(free, patch, anchor)
    if places is None:
        return None
    out = grid.copy()
    for s, r0, c0 in places:
        big = np.kron(patch, np.ones((s, s), dtype=np.int64))
        region = grid[r0:r0 + big.shape[0], c0:c0 + big.shape[1]]
        body = (big >= 0) & (big != anchor)
        if not (body & (region >= 0)).any():
            return None  # a placement whose whole body leaves the grid explains nothing
        extra = body & (region != bg) & (region >= 0)
        recolour: dict[int, int] = {}
        for y, x in zip(big[extra].tolist(), region[extra].tolist(), strict=True):
            if recolour.setdefault(y, x) != x:
                return None
        paint = body & (region == bg)
        vals = big.copy()
        for y, x in recolour.items():
            vals[big == y] = x
        view = out[r0:r0 + big.shape[0], c0:c0 + big.shape[1]]
        view[paint] = vals[paint]
    return out[m:m + h, m:m + w]


def complete_templates(g: np.ndarray) -> np.ndarray | None:
    """Draw the scaled template around every set of anchor cells, the template being the largest multi-colour
    object for which that explains every anchor-coloured cell; None when no object does."""
    g = np.asarray(g)
    bg = O.background_color(g)
    for t in _templates(g, bg):
        out = _complete_with(g, bg, t)
        if out is not None:
            return out
    return None


def scaled_templates(task: ArcTask, deadline: float) -> list[Candidate]:
    """The template drawn, at the anchors' scale, around every set of anchor-coloured cells."""
    if not paints_background_only(task) or time.monotonic() >= deadline:
        return []
    first = np.asarray(task.train[0][0])
    if not _templates(first, O.background_color(first)):
        return []
    hyp = Hypothesis(complete_templates, program="complete_scaled_templates(x)",
                     description=("the largest multi-colour picture is the template and its least common colour the "
                                  "anchor: around every other set of anchor cells the template is drawn at their "
                                  "scale, in the new colour found on its body if any"),
                     size=3)
    return first_solution(task, "scaled-template", [hyp])
