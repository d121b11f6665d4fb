"""Reflect-and-continue: the output continues the input along its rows and columns by repeating it plainly or by
reflecting it back and forth (with the edge row shared or doubled), up to a size linear in the input's size.

Learned per axis: the size rule (out = a * in + b, consistent over the demos) and the continuation mode.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.common import check_deadline
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate

_MODES = ("repeat", "bounce", "mirror")  # bounce: the edge line is shared; mirror: the edge line is doubled


def _index(n: int, m: int, mode: str) -> np.ndarray:
    """Which input line each of `m` output lines copies."""
    i = np.arange(m)
    if mode == "repeat" or n == 1:
        return i % n
    p = 2 * n - 2 if mode == "bounce" else 2 * n
    k = i % p
    return np.where(k < n, k, p - k - (mode == "mirror"))


def _size_rules(ins: list[int], outs: list[int]) -> list[tuple[int, int]]:
    """(a, b) with out = a * in + b for every demo, a in 1..6, plain ratios (b = 0) first."""
    rules = [(a, outs[0] - a * ins[0]) for a in range(1, 7)]
    rules = [(a, b) for a, b in rules if all(a * n + b == m for n, m in zip(ins, outs, strict=True))]
    return sorted(rules, key=lambda r: (r[1] != 0, abs(r[1]), r[0]))[:2]


def _continue(g: np.ndarray, rows: tuple[tuple[int, int], str], cols: tuple[tuple[int, int], str]) -> np.ndarray | None:
    g = np.asarray(g)
    (ar, br), mr = rows
    (ac, bc), mc = cols
    h, w = ar * g.shape[0] + br, ac * g.shape[1] + bc
    if not (0 < h <= 30 and 0 < w <= 30):
        return None
    return g[_index(g.shape[0], h, mr)][:, _index(g.shape[1], w, mc)]


def reflect_tile(task: ArcTask, deadline: float) -> list[Candidate]:
    """Continue the input by repeating or reflecting it up to a learned size."""
    pairs = [(np.asarray(i), np.asarray(o)) for i, o in task.train]
    if not pairs or any(o.shape[0] < i.shape[0] or o.shape[1] < i.shape[1] or o.shape == i.shape for i, o in pairs):
        return []
    if any(not np.array_equal(o[: i.shape[0], : i.shape[1]], i) for i, o in pairs):
        return []  # the input stays in the top-left corner
    row_rules = _size_rules([i.shape[0] for i, _ in pairs], [o.shape[0] for _, o in pairs])
    col_rules = _size_rules([i.shape[1] for i, _ in pairs], [o.shape[1] for _, o in pairs])

    def hypotheses():
        for rr in row_rules:
            for cr in col_rules:
                for mr in _MODES if rr != (1, 0) else ("repeat",):
                    for mc in _MODES if cr != (1, 0) else ("repeat",):
                        check_deadline(deadline)
                        yield Hypothesis(lambda g, r=(rr, mr), c=(cr, mc): _continue(g, r, c), size=3,
                                         program=f"reflect_tile(rows={mr}{rr}, cols={mc}{cr})",
                                         description=f"continue the input down by {mr} to {rr[0]}*h{rr[1]:+d} rows "
                                                     f"and right by {mc} to {cr[0]}*w{cr[1]:+d} columns")

    return first_solution(task, "reflect_tile", hypotheses())
