"""Drop stripes: the grid's one seed cell steps one cell in a learned direction, and the part of the grid behind its new
position (from the grid's edge up to the cell's old line) fills with stripes of a learned colour running along the
direction of motion, every p-th line, in phase with the seed. Learned: the direction, the stripe colour and p."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import added_colours, check_deadline, paints_background
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate

# direction name -> number of counter-clockwise quarter turns that make it point down
_TURNS = {"down": 0, "right": 3, "up": 2, "left": 1}


def drop_stripes(g: np.ndarray, direction: str, colour: int, period: int) -> np.ndarray | None:
    """`g` with its single seed stepped one cell `direction` and `colour` stripes (every `period`-th line, through
    the seed) behind it; None unless `g` holds exactly one non-background cell that can step inside the grid."""
    g = np.asarray(g)
    k = _TURNS[direction]
    r = np.rot90(g, k)
    bg = O.background_color(g)
    ys, xs = np.nonzero(r != bg)
    if len(ys) != 1:
        return None
    y, x = int(ys[0]), int(xs[0])
    if y + 1 >= r.shape[0]:
        return None
    out = r.copy()
    seed = r[y, x]
    cols = np.arange(r.shape[1])
    keep = (cols - x) % period == 0
    out[: y + 1, keep] = colour
    out[y + 1, x] = seed
    return np.rot90(out, -k)


def _hypotheses(task: ArcTask, deadline: float) -> Iterator[Hypothesis]:
    colours = sorted(added_colours(task))
    for colour in colours:
        for direction in _TURNS:
            for period in (2, 3):
                check_deadline(deadline)
                yield Hypothesis(
                    fn=lambda g, d=direction, c=colour, p=period: drop_stripes(g, d, c, p),
                    program=f"drop_stripes(direction={direction!r}, colour={colour}, period={period})",
                    description=f"the seed steps one cell {direction}; behind it, colour-{colour} stripes every "
                                f"{period} lines in phase with it",
                    size=3,
                )


def drop_stripes_spec(task: ArcTask, deadline: float) -> list[Candidate]:
    """The drop-stripes rule, its stripe colour one that every output adds."""
    if not paints_background(task):
        return []
    for i, _ in task.train:
        i = np.asarray(i)
        if int(np.count_nonzero(i != O.background_color(i))) != 1:
            return []
    return first_solution(task, "drop_stripes", _hypotheses(task, deadline))
