"""Symmetry completion across the axis: a picture with a masked area is repaired from the mirror / rotation /
diagonal symmetries its known cells obey (as in `symmetry.fill_regular`), and the masked cells no symmetry can
reach (the mask lies across the symmetry axis, so a masked cell maps onto masked cells only) continue the picture
along a learned direction: such a cell takes the colour of the nearest known cells on both sides along that line,
which must agree. Learned: the mask colour, the direction, and whether the output is the whole grid or the area.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import GridFn, check_deadline
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.dsl.specialists.symmetry import _noise_colour, symmetry_fill_partial
from synthloop.arc.grid import ArcTask, Candidate, grid_key

DIRECTIONS = {"diagonal": (1, 1), "anti-diagonal": (1, -1), "column": (1, 0), "row": (0, 1)}


def continue_along(out: np.ndarray, known: np.ndarray, step: tuple[int, int]) -> np.ndarray | None:
    """Every unknown cell takes the colour of the nearest known cells before and after it along `step`; None when
    one side leaves the grid or the two disagree."""
    h, w = out.shape
    res = np.array(out)
    dr, dc = step
    for r, c in zip(*np.nonzero(~known), strict=True):
        seen = []
        for s in (1, -1):
            y, x = r + s * dr, c + s * dc
            while 0 <= y < h and 0 <= x < w and not known[y, x]:
                y, x = y + s * dr, x + s * dc
            if not (0 <= y < h and 0 <= x < w):
                return None
            seen.append(int(out[y, x]))
        if seen[0] != seen[1]:
            return None
        res[r, c] = seen[0]
    return res


Partial = Callable[[np.ndarray], "tuple[np.ndarray, np.ndarray] | None"]


def _cached_partial(noise: int) -> Partial:
    """`symmetry_fill_partial` for one mask colour, remembered per grid within one call of the family."""
    memo: dict[bytes, tuple[np.ndarray, np.ndarray] | None] = {}

    def part(g: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        key = grid_key(g)
        if key not in memo:
            memo[key] = symmetry_fill_partial(g, noise)
        return memo[key]

    return part


def _repair(partial: Partial, noise: int, step: tuple[int, int], crop: bool) -> GridFn:
    def fn(g: np.ndarray) -> np.ndarray | None:
        g = np.asarray(g)
        part = partial(g)
        if part is None:
            return None
        out, kn = part
        if not kn.all():
            out = continue_along(out, kn, step)
            if out is None:
                return None
        if crop:
            bb = O.bbox_of_mask(g == noise)
            return None if bb is None else out[bb[0]:bb[2], bb[1]:bb[3]]
        return out

    return fn


def complete_symmetry_axis(task: ArcTask, deadline: float) -> list[Candidate]:
    """Repair the masked cells from the symmetries, continuing the cells on the axis along a learned line."""
    if not task.train:
        return []
    noise = _noise_colour(task)
    if noise is None or any((np.asarray(o) == noise).any() for _, o in task.train):
        return []  # every masked cell is repaired: the mask colour is gone from every output
    crop = all(i.shape != o.shape for i, o in task.train)
    if not crop and not all(i.shape == o.shape for i, o in task.train):
        return []
    partial = _cached_partial(noise)
    if not any(p is not None and not p[1].all() for p in (partial(np.asarray(i)) for i, _ in task.train)):
        return []  # every masked cell is reached by a symmetry: `fill_regular` covers the task

    def hyps() -> Iterator[Hypothesis]:
        for name, step in DIRECTIONS.items():
            check_deadline(deadline)
            yield Hypothesis(
                _repair(partial, noise, step, crop),
                program=(f"{'crop_masked(' if crop else ''}symmetry_fill_axis(x, mask={noise}, along={name})"
                         f"{')' if crop else ''}"),
                description=(f"repaint the cells of colour {noise} from the grid's symmetries; cells on the axis "
                             f"continue the {name} line through them" + (" and output just that area" if crop else "")),
                size=3,
            )

    return first_solution(task, "symmetry-axis", hyps())
