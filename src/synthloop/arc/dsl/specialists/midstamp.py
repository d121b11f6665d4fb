"""Midpoint stamp: the input holds two single marker cells of one colour; a fixed pattern (learned from the demos,
as offsets from the centre) is drawn centred on the cell halfway between them.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate, solves_all
from synthloop.arc.dsl.specialists.learn import paints_background_only
from synthloop.arc.grid import ArcTask, Candidate

Stamp = dict[tuple[int, int], int]


def _midpoint(g: np.ndarray) -> tuple[int, int] | None:
    """The cell halfway between the only two non-background cells (same colour); None otherwise."""
    g = np.asarray(g)
    rs, cs = np.nonzero(g != O.background_color(g))
    if len(rs) != 2 or g[rs[0], cs[0]] != g[rs[1], cs[1]] or (rs[0] + rs[1]) % 2 or (cs[0] + cs[1]) % 2:
        return None
    return (int(rs[0] + rs[1]) // 2, int(cs[0] + cs[1]) // 2)


def draw_at_midpoint(g: np.ndarray, stamp: Stamp) -> np.ndarray | None:
    """`g` with `stamp` painted around the markers' midpoint (background cells only)."""
    g = np.asarray(g)
    mid = _midpoint(g)
    if mid is None:
        return None
    bg = O.background_color(g)
    out = g.copy()
    for (dr, dc), col in stamp.items():
        r, c = mid[0] + dr, mid[1] + dc
        if 0 <= r < g.shape[0] and 0 <= c < g.shape[1] and g[r, c] == bg:
            out[r, c] = col
    return out


def midpoint_stamp(task: ArcTask, deadline: float) -> list[Candidate]:
    """Draw the learned pattern halfway between the two markers."""
    if not paints_background_only(task):
        return []
    i, o = (np.asarray(x) for x in task.train[0])
    mid = _midpoint(i)
    if mid is None:
        return []
    stamp = {(int(r) - mid[0], int(c) - mid[1]): int(o[r, c]) for r, c in zip(*np.nonzero(i != o), strict=True)}
    fn = lambda g: draw_at_midpoint(g, stamp)  # noqa: E731
    if not stamp or not solves_all(task, fn):
        return []
    c = make_candidate(task, fn, family="midpoint_stamp", program=f"stamp_at_midpoint({sorted(stamp.items())})",
                       size=3, description="draw the learned pattern centred halfway between the two markers")
    return [c] if c is not None else []
