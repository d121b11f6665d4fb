"""Empty roads: broad empty corridors (background rectangles at least three cells wide) run through a field of
scattered cells. Paint the corridors a new colour, keeping one background cell between the paint and the scattered
cells (the grid's edge needs no margin).

The corridors are the maximal empty rectangles taken largest first, each kept for the parts it adds to the ones taken
before (a part counts when it holds at least a learned fraction of the grid's longer side in cells); the paint is the
corridors' union shrunk by one cell.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from scipy import ndimage

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution, single_background_paint
from synthloop.arc.grid import ArcTask, Candidate

_MIN_WIDTH = 3
_EIGHT = np.ones((3, 3), dtype=bool)
_FRACTIONS = ((2, 3), (1, 2), (1, 1))


def _maximal_rects(e: np.ndarray) -> list[tuple[int, int, int, int]]:
    """(top, left, bottom, right) of every maximal all-True rectangle of `e` at least _MIN_WIDTH on each side."""
    h, w = e.shape
    found = []
    for r0 in range(h):
        cols = np.ones(w, dtype=bool)
        for r1 in range(r0, h):
            cols &= e[r1]
            if cols.sum() < _MIN_WIDTH:
                break
            if r1 - r0 + 1 < _MIN_WIDTH:
                continue
            edges = np.diff(np.concatenate([[0], cols.astype(np.int8), [0]]))
            for c0, c1 in zip(np.nonzero(edges == 1)[0].tolist(), np.nonzero(edges == -1)[0].tolist(), strict=True):
                if c1 - c0 < _MIN_WIDTH:
                    continue
                if r0 > 0 and e[r0 - 1, c0:c1].all():
                    continue
                if r1 < h - 1 and e[r1 + 1, c0:c1].all():
                    continue
                found.append((r0, c0, r1 + 1, c1))
    return found


Rects = list[tuple[int, int, int, int]]


def _rects(e: np.ndarray, memo: dict[bytes, Rects] | None) -> Rects:
    """The maximal empty rectangles of mask `e`, largest first (kept in `memo`, one task's grids, when given)."""
    key = e.tobytes() + bytes(e.shape)
    if memo is None or key not in memo:
        found = sorted(_maximal_rects(e), key=lambda r: -(r[2] - r[0]) * (r[3] - r[1]))
        if memo is None:
            return found
        memo[key] = found
    return memo[key]


def paint_roads(g: np.ndarray, colour: int, num: int, den: int,
                memo: dict[bytes, Rects] | None = None) -> np.ndarray | None:
    """`g` with its empty corridors painted `colour` one cell clear of other cells; None when there is none."""
    g = np.asarray(g)
    bg = O.background_color(g)
    e = g == bg
    if e.all():
        return None
    h, w = g.shape
    least = num * max(h, w) / den
    covered = np.zeros_like(e)
    roads = np.zeros_like(e)
    for r0, c0, r1, c1 in _rects(e, memo):
        part = np.zeros_like(e)
        part[r0:r1, c0:c1] = True
        part &= ~covered
        lab, n = ndimage.label(part)
        if n == 0:
            continue
        sizes = ndimage.sum(part, lab, range(1, n + 1))
        keep = [k + 1 for k, s in enumerate(sizes) if s >= least]
        if keep:
            roads |= np.isin(lab, keep)
            covered[r0:r1, c0:c1] = True
    if not roads.any():
        return None
    inner = ndimage.binary_erosion(np.pad(roads, 1, constant_values=True), structure=_EIGHT)[1:-1, 1:-1] & roads
    if not inner.any():
        return None
    out = g.copy()
    out[inner] = colour
    return out


def _hypotheses(colour: int, deadline: float) -> Iterator[Hypothesis]:
    memo: dict[bytes, Rects] = {}  # the same grids are tried under every fraction
    for num, den in _FRACTIONS:
        check_deadline(deadline)
        yield Hypothesis(
            fn=lambda g, a=num, b=den: paint_roads(g, colour, a, b, memo),
            program=f"paint_roads(colour={colour}, least={num}/{den})",
            description=f"paint the broad empty corridors colour {colour}, one cell clear of the scattered cells",
            size=3,
        )


def empty_roads(task: ArcTask, deadline: float) -> list[Candidate]:
    """The empty-roads rule, its colour the one new colour every demo paints onto background."""
    colour = single_background_paint(task)
    if colour is None:
        return []
    for i, _ in task.train:
        if colour in np.unique(i).tolist():
            return []
    return first_solution(task, "empty_roads", _hypotheses(colour, deadline))
