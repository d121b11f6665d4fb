"""Meeting brackets: single cells face each other in pairs along a row or column; each grows a stem towards its
partner that ends in a bracket (a crossbar with arms turned towards the partner), the two brackets meeting in the
middle of the gap. Learned: the bracket's half-width and its arm length.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, paints_background
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate

_MAX_CELLS = 8


def _pairs(cells: list[tuple[int, int]]) -> list[tuple[tuple[int, int], tuple[int, int]]] | None:
    """Each cell matched with the one other cell on its row or column; None when a cell has no or several."""
    pairs = set()
    for a in cells:
        mates = [b for b in cells if b != a and (b[0] == a[0] or b[1] == a[1])]
        if len(mates) != 1:
            return None
        pairs.add(tuple(sorted((a, mates[0]))))
    return sorted(pairs)


def _bracket(out: np.ndarray, colour: int, axis: int, lane: int, start: int, end: int, step: int,
             half: int, arm: int) -> bool:
    """Draw one seed's stem from `start` to its crossbar and the arms up to `end` (along `axis`, centred on `lane`,
    growing by `step`); False when it leaves the grid."""
    bar = end - step * arm
    if (bar - start) * step < 0:
        return False
    n_along, n_across = (out.shape[0], out.shape[1]) if axis == 0 else (out.shape[1], out.shape[0])
    if not (0 <= lane - half and lane + half < n_across and 0 <= min(start, end) and max(start, end) < n_along):
        return False

    def put(a: int, b: int) -> None:
        if axis == 0:
            out[a, b] = colour
        else:
            out[b, a] = colour

    for a in range(start, bar + step, step):
        put(a, lane)
    for b in range(lane - half, lane + half + 1):
        put(bar, b)
    for a in range(bar + step, end + step, step):
        put(a, lane - half)
        put(a, lane + half)
    return True


def meet(g: np.ndarray, half: int, arm: int) -> np.ndarray | None:
    """`g` with every facing pair of single cells grown into two brackets meeting mid-gap; None when unfit."""
    g = np.asarray(g)
    bg = O.background_color(g)
    ys, xs = np.nonzero(g != bg)
    if not 2 <= ys.size <= _MAX_CELLS:
        return None
    pairs = _pairs(list(zip(ys.tolist(), xs.tolist(), strict=True)))
    if pairs is None:
        return None
    out = g.copy()
    for a, b in pairs:
        axis = 0 if a[1] == b[1] else 1  # 0: same column, grow along rows
        p, q = (a[0], b[0]) if axis == 0 else (a[1], b[1])
        lane = a[1] if axis == 0 else a[0]
        if (q - p) % 2 == 0:
            return None
        m = (p + q) // 2
        if not _bracket(out, int(g[a]), axis, lane, p, m, 1, half, arm):
            return None
        if not _bracket(out, int(g[b]), axis, lane, q, m + 1, -1, half, arm):
            return None
    return out


def _hypotheses(deadline: float) -> Iterator[Hypothesis]:
    for half in (1, 2, 3):
        for arm in (1, 2):
            check_deadline(deadline)
            yield Hypothesis(
                fn=lambda g, h=half, a=arm: meet(g, h, a),
                program=f"meet_brackets(half={half}, arm={arm})",
                description=f"facing cells grow stems ending in brackets (half-width {half}, arms {arm}) that meet "
                            "mid-gap",
                size=3,
            )


def meet_brackets(task: ArcTask, deadline: float) -> list[Candidate]:
    if not paints_background(task):
        return []
    for i, _ in task.train:
        if int((np.asarray(i) != O.background_color(np.asarray(i))).sum()) > _MAX_CELLS:
            return []
    return first_solution(task, "meet_brackets", _hypotheses(deadline))
