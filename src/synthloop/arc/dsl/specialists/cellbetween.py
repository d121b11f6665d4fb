"""Cell markers in line: in a grid cut into equal cells by separator lines, every cell shares one base pattern
(the per-position majority over the cells) and some carry marker cells that differ from it. When two cells in the
same row or column of cells carry the same marker (same colour at the same position), the cells between them get
that marker too.

Learned: whether every cell strictly between the pair is marked, or only the exact middle one.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl.specialists.common import check_deadline, same_shapes
from synthloop.arc.dsl.specialists.layers import _runs, find_separators
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate


def _mode(stack: np.ndarray) -> np.ndarray:
    """Per-position most common value over axis 0 of `stack`."""
    counts = np.stack([(stack == v).sum(axis=0) for v in range(10)])
    return counts.argmax(axis=0)


def mark_between(g: np.ndarray, middle_only: bool) -> np.ndarray | None:
    """`g` with markers copied into the cells between two equally marked cells of one row/column of cells."""
    g = np.asarray(g)
    sep = find_separators(g)
    if sep is None:
        return None
    _, rows, cols = sep
    rr, cc = _runs(g.shape[0], rows), _runs(g.shape[1], cols)
    if len(rr) < 3 and len(cc) < 3:
        return None
    cells = {(a, b): (slice(r0, r1), slice(c0, c1)) for a, (r0, r1) in enumerate(rr) for b, (c0, c1) in enumerate(cc)}
    stack = np.stack([g[s] for s in cells.values()])
    base = _mode(stack)
    # markers must be rare: every position's base holds in most cells
    if np.any((stack != base).sum(axis=0) * 2 >= len(cells)):
        return None
    out = g.copy()
    marked = 0
    lines = [[(a, b) for b in range(len(cc))] for a in range(len(rr))] + \
            [[(a, b) for a in range(len(rr))] for b in range(len(cc))]
    for line in lines:
        for i in range(len(line)):
            gi = g[cells[line[i]]]
            for j in range(i + 2, len(line)):
                gj = g[cells[line[j]]]
                same = (gi == gj) & (gi != base)
                if not same.any():
                    continue
                if middle_only:
                    if (j - i) % 2:
                        continue
                    between = [line[(i + j) // 2]]
                else:
                    between = line[i + 1:j]
                for key in between:
                    view = out[cells[key]]
                    view[same] = gi[same]
                    marked += 1
    return out if marked else None


def _hypotheses(deadline: float) -> Iterator[Hypothesis]:
    for middle in (False, True):
        check_deadline(deadline)
        yield Hypothesis(
            fn=lambda g, m=middle: mark_between(g, m),
            program=f"mark_between_cells(middle_only={middle})",
            description="two cells in one row/column of cells with the same marker pass it to the "
                        + ("middle cell between them" if middle else "cells between them"),
            size=3,
        )


def cell_between(task: ArcTask, deadline: float) -> list[Candidate]:
    """The in-line cell-marker rule when it reproduces every demo."""
    if not task.train or not same_shapes(task):
        return []
    if any(np.array_equal(i, o) for i, o in task.train):
        return []
    return first_solution(task, "cell_between", _hypotheses(deadline))
