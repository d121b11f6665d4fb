"""Bridges: two objects that face each other across a blank gap (their rows, or columns, overlap) are joined by a
filled band over the gap, as wide as their overlap less a margin on each side. Learned: the margin and the paint.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution, single_background_paint
from synthloop.arc.grid import ArcTask, Candidate

_MAX_OBJECTS = 12


def _bands(a: O.Object, b: O.Object, margin: int) -> list[tuple[int, int, int, int]]:
    """The gap boxes (top, left, bottom, right) between a and b, horizontally and vertically."""
    out = []
    for ax in (0, 1):  # 0: side by side (rows overlap), 1: one above the other (columns overlap)
        lo_a, hi_a = (a.bbox[0], a.bbox[2]) if ax == 0 else (a.bbox[1], a.bbox[3])
        lo_b, hi_b = (b.bbox[0], b.bbox[2]) if ax == 0 else (b.bbox[1], b.bbox[3])
        s0, s1 = max(lo_a, lo_b) + margin, min(hi_a, hi_b) - margin
        if s1 <= s0:
            continue
        f_a = (a.bbox[1], a.bbox[3]) if ax == 0 else (a.bbox[0], a.bbox[2])
        f_b = (b.bbox[1], b.bbox[3]) if ax == 0 else (b.bbox[0], b.bbox[2])
        first, second = (f_a, f_b) if f_a[1] <= f_b[0] else (f_b, f_a)
        g0, g1 = first[1], second[0]
        if g1 <= g0:
            continue
        out.append((s0, g0, s1, g1) if ax == 0 else (g0, s0, g1, s1))
    return out


def bridge(g: np.ndarray, margin: int, paint: int) -> np.ndarray | None:
    """Fill every all-background gap band between two facing objects; None when there is none."""
    g = np.asarray(g)
    bg = O.background_color(g)
    objs = [o for o in O.extract(g, "c8") if o.size > 1]
    if len(objs) < 2 or len(objs) > _MAX_OBJECTS:
        return None
    out = g.copy()
    hit = False
    for i, a in enumerate(objs):
        for b in objs[i + 1:]:
            for t, lf, bt, r in _bands(a, b, margin):
                if (g[t:bt, lf:r] == bg).all():
                    out[t:bt, lf:r] = paint
                    hit = True
    return out if hit else None


def _hypotheses(paint: int, deadline: float) -> Iterator[Hypothesis]:
    for margin in (0, 1):
        check_deadline(deadline)
        less = f", less {margin} cell on each side" if margin else ""
        yield Hypothesis(lambda g, margin=margin: bridge(g, margin, paint), size=3,
                         program=f"bridge_facing_objects(margin={margin}, paint={paint})",
                         description=f"join every two objects that face each other across a blank gap with a band "
                                     f"of colour {paint} as wide as their overlap{less}")


def bridges(task: ArcTask, deadline: float) -> list[Candidate]:
    """Fill the blank gaps between facing objects."""
    paint = single_background_paint(task)
    if paint is None:
        return []
    return first_solution(task, "bridge", _hypotheses(paint, deadline))
