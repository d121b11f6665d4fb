"""The region with the most (or fewest) specks: the grid is split into areas of solid colour sprinkled with specks of
one colour (the input's least common colour); each speck belongs to the area whose colour holds the majority of
its eight neighbours; the output is a fixed-size grid filled with the colour of the area holding the most (or the
fewest) specks. Learned: most or fewest, and the output's size.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl.specialists.common import GridFn
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate


def specks_per_area(g: np.ndarray) -> dict[int, int] | None:
    """Speck count per area colour (every non-speck colour listed, zero included); None when the least common colour
    is not unique or a speck has no majority area."""
    g = np.asarray(g)
    counts = np.bincount(g.ravel(), minlength=10)
    present = [c for c in range(10) if counts[c]]
    if len(present) < 3:
        return None
    least = min(counts[c] for c in present)
    specks = [c for c in present if counts[c] == least]
    if len(specks) != 1:
        return None
    speck = specks[0]
    h, w = g.shape
    padded = np.full((h + 2, w + 2), speck, dtype=np.int64)
    padded[1:-1, 1:-1] = g
    out = {c: 0 for c in present if c != speck}
    for r, c in zip(*np.nonzero(g == speck), strict=True):
        around = padded[r:r + 3, c:c + 3].ravel()
        votes = np.bincount(around[around != speck], minlength=10)
        if votes.max() == 0 or (votes == votes.max()).sum() != 1:
            return None
        out[int(votes.argmax())] += 1
    return out


def _winner(most: bool, shape: tuple[int, int]) -> GridFn:
    def fn(g: np.ndarray) -> np.ndarray | None:
        per = specks_per_area(g)
        if per is None:
            return None
        best = max(per.values()) if most else min(per.values())
        tops = [c for c, n in per.items() if n == best]
        return np.full(shape, tops[0], dtype=np.int8) if len(tops) == 1 else None

    return fn


def area_with_most_specks(task: ArcTask, deadline: float) -> list[Candidate]:
    """Output = a fixed-size grid in the colour of the area holding the most (or fewest) specks."""
    if not task.train:
        return []
    shape = task.train[0][1].shape
    for _, o in task.train:
        if o.shape != shape or (o != o.flat[0]).any():
            return []
    if shape[0] * shape[1] > 9 or all(np.array_equal(o, task.train[0][1]) for _, o in task.train):
        return []  # a small single-colour answer that varies between demos

    def hyps() -> Iterator[Hypothesis]:
        for most in (True, False):
            word = "most" if most else "fewest"
            yield Hypothesis(_winner(most, shape), program=f"colour_of_area_with_{word}_specks(x, shape={shape})",
                             description=f"the colour of the area holding the {word} specks, as a {shape} grid",
                             size=2)

    return first_solution(task, "area-specks", hyps())
