"""Continue a colour sequence laid along a line family: each cell's colour depends only on its index in a family of
lines (rows, columns, diagonals, anti-diagonals, or the nested L-shells max(r, c) around the top-left corner); the
input shows the start of the sequence (background-0 cells unknown) and the output, of a learned size, repeats it
cyclically with its smallest period. The unknown colour is 0 or learned: one the inputs show and the outputs never do.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from synthloop.arc.dsl.specialists.common import check_deadline
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate

_KEYS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "shell": np.maximum, "antidiagonal": lambda r, c: r + c,
    "diagonal": lambda r, c: r - c + 29, "row": lambda r, c: r, "column": lambda r, c: c}
Sizer = Callable[[tuple[int, int]], tuple[int, int]]


def _sequence(g: np.ndarray, key: str, unknown: int | None) -> list[int | None] | None:
    """The colour of each line index (None where the line is all unknown); None when a line has two colours."""
    rr, cc = np.indices(g.shape)
    k = _KEYS[key](rr, cc)
    known = np.ones(g.shape, bool) if unknown is None else g != unknown
    seq: list[int | None] = []
    for i in range(int(k.max()) + 1):
        vals = np.unique(g[(k == i) & known])
        if vals.size > 1:
            return None
        seq.append(int(vals[0]) if vals.size else None)
    return seq


def _cycle(seq: list[int | None]) -> list[int] | None:
    """The shortest cycle that every known entry agrees with and that has a known value for each phase."""
    for p in range(1, len(seq) + 1):
        cyc: list[int | None] = [None] * p
        ok = True
        for i, v in enumerate(seq):
            if v is not None:
                if cyc[i % p] is None:
                    cyc[i % p] = v
                elif cyc[i % p] != v:
                    ok = False
                    break
        if ok and all(v is not None for v in cyc):
            return [int(v) for v in cyc if v is not None]
    return None


def _continue(g: np.ndarray, key: str, unknown: int | None, sizer: Sizer) -> np.ndarray | None:
    g = np.asarray(g)
    seq = _sequence(g, key, unknown)
    cyc = None if seq is None or len(seq) < 2 else _cycle(seq)
    if cyc is None:
        return None
    h, w = sizer(g.shape)
    rr, cc = np.indices((h, w))
    return np.asarray(cyc)[_KEYS[key](rr, cc) % len(cyc)]


def keyed_sequence(task: ArcTask, deadline: float) -> list[Candidate]:
    """Repeat the colour sequence along a line family over the output."""
    pairs = [(np.asarray(i), np.asarray(o)) for i, o in task.train]
    if not pairs or any(o.shape[0] < i.shape[0] or o.shape[1] < i.shape[1] for i, o in pairs):
        return []
    ratios = {(o.shape[0] / i.shape[0], o.shape[1] / i.shape[1]) for i, o in pairs}
    sizers: list[tuple[str, Sizer]] = []
    if len(ratios) == 1 and all(float(x).is_integer() for x in next(iter(ratios))):
        a, b = (int(x) for x in next(iter(ratios)))
        sizers.append((f"{a}x{b} the input", lambda s, a=a, b=b: (s[0] * a, s[1] * b)))
    if len({o.shape for _, o in pairs}) == 1:
        sizers.append((f"fixed {pairs[0][1].shape}", lambda s, f=pairs[0][1].shape: f))
    keys = [k for k in _KEYS if all(_sequence(o, k, None) is not None for _, o in pairs)]
    hidden = set.union(*(set(np.unique(i).tolist()) for i, _ in pairs)) - set.union(
        *(set(np.unique(o).tolist()) for _, o in pairs))
    unknowns = [0, None] + ([hidden.pop()] if len(hidden) == 1 and 0 not in hidden else [])

    def hypotheses():
        for key in keys:
            for unknown in unknowns:
                for sname, sizer in sizers:
                    check_deadline(deadline)
                    yield Hypothesis(lambda g, k=key, u=unknown, s=sizer: _continue(g, k, u, s), size=4,
                                     program=f"keyed_sequence(key={key!r}, unknown={unknown}, size={sname!r})",
                                     description=f"each {key} has one colour; continue the sequence the input starts "
                                                 f"cyclically over an output of size {sname}")

    return first_solution(task, "keyed_sequence", hypotheses())
