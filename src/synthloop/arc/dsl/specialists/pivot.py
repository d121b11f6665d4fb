"""Mirroring about a pivot: the drawing is reflected across the centre of a pivot object (left-right, up-down,
or both, which makes it four-fold), painting background cells only. Learned: the pivot (a colour, or the
rarest / the self-symmetric colour) and the reflections.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline
from synthloop.arc.dsl.specialists.learn import (
    Hypothesis,
    first_solution,
    paints_background_only,
    shared_input_colours,
)
from synthloop.arc.grid import ArcTask, Candidate

_REFLECTIONS = {"four-fold": ("lr", "ud", "both"), "left-right": ("lr",), "up-down": ("ud",),
                "point": ("both",)}


def _pivot_colour(g: np.ndarray, bg: int, pivot: int | str) -> int | None:
    """A fixed colour, or by role: "fewest" (the rarest colour), "symmetric" (the one colour whose cells are
    symmetric left-right and up-down within their bounding box)."""
    if isinstance(pivot, int):
        return pivot
    cols = [int(v) for v in np.unique(g) if v != bg]
    if len(cols) < 2:
        return None
    if pivot == "fewest":
        counts = sorted(((g == c).sum(), c) for c in cols)
        return counts[0][1] if counts[0][0] < counts[1][0] else None
    sym = []
    for c in cols:
        t, lf, b, r = O.bbox_of_mask(g == c)
        m = g[t:b, lf:r] == c
        if np.array_equal(m, m[::-1]) and np.array_equal(m, m[:, ::-1]):
            sym.append(c)
    return sym[0] if len(sym) == 1 else None


def _mirror(g: np.ndarray, pivot: int | str, refl: tuple[str, ...]) -> np.ndarray | None:
    g = np.asarray(g)
    bg = O.background_color(g)
    pivot = _pivot_colour(g, bg, pivot)
    if pivot is None:
        return None
    box = O.bbox_of_mask(g == pivot)
    if box is None:
        return None
    t, lf, b, r = box
    sr, sc = t + b - 1, lf + r - 1  # twice the pivot centre: a cell (r, c) reflects to (sr - r, sc - c)
    rows, cols = np.nonzero((g != bg) & (g != pivot))
    if rows.size == 0:
        return None
    vals = g[rows, cols]
    out = g.copy()
    h, w = g.shape
    for kind in refl:
        rr = sr - rows if kind in ("ud", "both") else rows
        cc = sc - cols if kind in ("lr", "both") else cols
        ok = (rr >= 0) & (rr < h) & (cc >= 0) & (cc < w)
        rr, cc, vv = rr[ok], cc[ok], vals[ok]
        free = out[rr, cc] == bg
        out[rr[free], cc[free]] = vv[free]
    return out


def _hypotheses(task: ArcTask, deadline: float) -> Iterator[Hypothesis]:
    for pivot in [*sorted(shared_input_colours(task)), "symmetric", "fewest"]:
        where = (f"colour-{pivot} object" if isinstance(pivot, int) else
                 f"pivot (the {'symmetric' if pivot == 'symmetric' else 'rarest'} colour)")
        for name, refl in _REFLECTIONS.items():
            check_deadline(deadline)
            yield Hypothesis(lambda g, pivot=pivot, refl=refl: _mirror(g, pivot, refl), size=4,
                             program=f"mirror_about_pivot(pivot={pivot}, reflections={name!r})",
                             description=f"reflect the drawing ({name}) across the centre of the {where}")


def mirror_about_pivot(task: ArcTask, deadline: float) -> list[Candidate]:
    """Reflect the drawing across the centre of the pivot-colour object."""
    if not paints_background_only(task):
        return []  # reflections only paint background cells
    return first_solution(task, "pivot", _hypotheses(task, deadline))
