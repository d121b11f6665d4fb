"""Specks onto the block: every single-cell speck jumps onto the cell of the solid block nearest to it (taking its
place); the specks' old cells are cleared. Learned: whether unclaimed block cells stay or are cleared.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate, same_shapes, solves_all
from synthloop.arc.grid import ArcTask, Candidate


def specks_onto_block(g: np.ndarray, keep_block: bool) -> np.ndarray | None:
    """`g` with each speck moved onto its nearest block cell; None without exactly one multi-cell object, or when a
    speck has no unique nearest cell or two specks claim one cell."""
    g = np.asarray(g)
    bg = O.background_color(g)
    objs = O.extract(g, "c8")
    blocks = [o for o in objs if o.size > 1]
    specks = [o for o in objs if o.size == 1]
    if len(blocks) != 1 or not specks:
        return None
    block = blocks[0]
    cells = np.stack([block.rows, block.cols], axis=1)
    out = g.copy()
    if not keep_block:
        out[block.rows, block.cols] = bg
    claimed: set[tuple[int, int]] = set()
    for s in specks:
        d = ((cells - [s.rows[0], s.cols[0]]) ** 2).sum(axis=1)
        best = np.flatnonzero(d == d.min())
        if len(best) != 1:
            return None
        cell = (int(cells[best[0], 0]), int(cells[best[0], 1]))
        if cell in claimed:
            return None
        claimed.add(cell)
        out[s.rows[0], s.cols[0]] = bg
        out[cell] = s.values[0]
    return out


def specks_to_block(task: ArcTask, deadline: float) -> list[Candidate]:
    """Each speck replaces the nearest cell of the block."""
    if not task.train or not same_shapes(task):
        return []
    for i, o in task.train:  # the output has fewer non-background cells than the input
        bg = O.background_color(np.asarray(i))
        if (np.asarray(o) != bg).sum() >= (np.asarray(i) != bg).sum():
            return []
    for keep in (True, False):
        fn = lambda g, k=keep: specks_onto_block(g, k)  # noqa: E731
        if solves_all(task, fn):
            c = make_candidate(task, fn, family="specks_to_block", size=3,
                               program=f"specks_onto_block(keep_block={keep})",
                               description="each single speck jumps onto the nearest cell of the block")
            if c is not None:
                return [c]
    return []
