"""Stamp the key picture on the markers: the grid holds one key picture (all cells not background, not a marker
and not on a full separator line, typically a small panel fenced off by a line) and single-cell markers of one
colour; every marker is replaced by a copy of the key's bounding box, centred on it or with its top-left corner
on it (clipped at the grid's edges). Learned: the marker colour and the anchoring.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import GridFn, check_deadline, same_shapes
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate

ANCHORS = ("centre", "top_left")


def _separator_mask(g: np.ndarray, bg: int) -> np.ndarray:
    """Cells on full rows / columns of one non-background colour."""
    m = np.zeros(g.shape, dtype=bool)
    for r in range(g.shape[0]):
        if g[r, 0] != bg and (g[r] == g[r, 0]).all():
            m[r] = True
    for c in range(g.shape[1]):
        if g[0, c] != bg and (g[:, c] == g[0, c]).all():
            m[:, c] = True
    return m


def _isolated_markers(g: np.ndarray, marker: int) -> np.ndarray | None:
    """Positions of the marker cells when each is a single cell (no marker among its 8 neighbours)."""
    at = np.argwhere(g == marker)
    if not len(at):
        return None
    pts = {(int(r), int(c)) for r, c in at}
    for r, c in pts:
        if any((r + dr, c + dc) in pts for dr in (-1, 0, 1) for dc in (-1, 0, 1) if dr or dc):
            return None
    return at


def _stamp(marker: int, anchor: str) -> GridFn:
    def fn(g: np.ndarray) -> np.ndarray | None:
        g = np.asarray(g)
        bg = O.background_color(g)
        at = _isolated_markers(g, marker)
        if at is None:
            return None
        key_mask = (g != bg) & (g != marker) & ~_separator_mask(g, bg)
        box = O.bbox_of_mask(key_mask)
        if box is None:
            return None
        r0, c0, r1, c1 = box  # end exclusive
        key = g[r0:r1, c0:c1]
        kh, kw = key.shape
        if anchor == "centre":
            if kh % 2 == 0 or kw % 2 == 0:
                return None
            off = (kh // 2, kw // 2)
        else:
            off = (0, 0)
        out = g.copy()
        h, w = g.shape
        for r, c in at:
            top, left = int(r) - off[0], int(c) - off[1]
            if top < r1 and top + kh > r0 and left < c1 and left + kw > c0:
                return None  # a stamp over the key itself
            for dr in range(kh):
                for dc in range(kw):
                    rr, cc = top + dr, left + dc
                    if 0 <= rr < h and 0 <= cc < w:
                        out[rr, cc] = key[dr, dc]
        return out

    return fn


def _marker_colours(task: ArcTask) -> list[int]:
    """Colours that form isolated single cells in every train input and all change in the output."""
    found = []
    for m in range(10):
        ok = True
        for i, o in task.train:
            i, o = np.asarray(i), np.asarray(o)
            at = _isolated_markers(i, m) if m != O.background_color(i) else None
            if at is None or (o[i == m] == m).all():
                ok = False
                break
        if ok:
            found.append(m)
    return found


def _hypotheses(task: ArcTask, deadline: float) -> Iterator[Hypothesis]:
    for m in _marker_colours(task):
        for anchor in ANCHORS:
            check_deadline(deadline)
            where = "centred on" if anchor == "centre" else "with its top-left corner on"
            yield Hypothesis(_stamp(m, anchor), size=4, program=f"stamp_key(marker={m}, anchor={anchor})",
                             description=f"every colour-{m} marker is replaced by a copy of the key picture (the "
                                         f"cells off the separator lines), {where} the marker")


def stamp_key(task: ArcTask, deadline: float) -> list[Candidate]:
    """Replace single-cell markers by copies of the one key picture."""
    if not task.train or not same_shapes(task):
        return []
    return first_solution(task, "stampkey", _hypotheses(task, deadline))
