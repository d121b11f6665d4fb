"""Cross pairs: every object made of two equal k x k squares that touch corner to corner gets a partner pair of
k x k squares, in a learned colour, on the other diagonal: the pair turned a quarter turn about its centre and
spread m times as far from it (clipped at the grid's edge). Learned: the colour and the spread m."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import added_colours, check_deadline, paints_background
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate

_MAX_OBJECTS = 8


def _pair(ob: O.Object) -> tuple[int, int, int, bool] | None:
    """(top, left, k, main) of an object made of two k x k squares touching corner to corner (`main`: they sit
    top-left and bottom-right), or None."""
    t, lf, b, r = ob.bbox
    if b - t != r - lf or (b - t) % 2:
        return None
    k = (b - t) // 2
    m = ob.mask
    tl, br = m[:k, :k], m[k:, k:]
    tr, bl = m[:k, k:], m[k:, :k]
    if tl.all() and br.all() and not tr.any() and not bl.any():
        return t, lf, k, True
    if tr.all() and bl.all() and not tl.any() and not br.any():
        return t, lf, k, False
    return None


def cross_pairs(g: np.ndarray, colour: int, spread: int) -> np.ndarray | None:
    """`g` with a partner pair of `colour` squares for every diagonal pair of squares; None when some object is
    not such a pair or the partner squares would not land on whole cells."""
    g = np.asarray(g)
    bg = O.background_color(g)
    objs = O.components(g, connectivity=8, multicolor=False, background=bg)
    if not objs or len(objs) > _MAX_OBJECTS:
        return None
    out = g.copy()
    h, w = g.shape
    for ob in objs:
        p = _pair(ob)
        if p is None:
            return None
        t, lf, k, main = p
        if (spread * k - k) % 2:
            return None
        # centre (doubled coordinates) 2t + 2k; partner centres at +-spread*k/2 along the other diagonal
        sign = -1 if main else 1  # main pair: partners top-right and bottom-left
        for s in (1, -1):
            cy2 = 2 * t + 2 * k + s * spread * k          # doubled centre row
            cx2 = 2 * lf + 2 * k + sign * s * spread * k  # doubled centre column
            y0, x0 = (cy2 - k) // 2, (cx2 - k) // 2
            ys, ye = max(y0, 0), min(y0 + k, h)
            xs, xe = max(x0, 0), min(x0 + k, w)
            if ys < ye and xs < xe:
                out[ys:ye, xs:xe] = colour
    return out


def _hypotheses(task: ArcTask, deadline: float) -> Iterator[Hypothesis]:
    for colour in sorted(added_colours(task)):
        for spread in (3, 2, 4, 1, 5):
            check_deadline(deadline)
            yield Hypothesis(
                fn=lambda g, c=colour, m=spread: cross_pairs(g, c, m),
                program=f"cross_pairs(colour={colour}, spread={spread})",
                description=f"each corner-touching pair of squares gets a colour-{colour} pair on the other "
                            f"diagonal, {spread} times as far from its centre",
                size=3,
            )


def cross_pairs_spec(task: ArcTask, deadline: float) -> list[Candidate]:
    """The cross-pairs rule, its colour one that every output adds."""
    if not paints_background(task):
        return []
    return first_solution(task, "cross_pairs", _hypotheses(task, deadline))
