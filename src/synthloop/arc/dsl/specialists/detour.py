"""Lines that step around obstacles: every cell of the line colour on the grid's edge grows a straight line
inward across the grid; where the next cell is taken, the line steps one cell aside (always to the same hand of
its heading) and goes on straight from there. Learned: the line colour (the one colour the demos paint) and the
hand (left or right).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution, single_background_paint
from synthloop.arc.grid import ArcTask, Candidate

_MAX_SEEDS = 15


def _seeds(g: np.ndarray, colour: int) -> list[tuple[int, int, int, int]]:
    """(row, col, d_row, d_col) of each edge cell of `colour` that lies on exactly one edge, heading inward."""
    h, w = g.shape
    out = []
    for r, c in zip(*np.nonzero(g == colour), strict=True):
        heads = [d for d, on in (((1, 0), r == 0), ((-1, 0), r == h - 1), ((0, 1), c == 0), ((0, -1), c == w - 1))
                 if on]
        if len(heads) == 1:
            out.append((int(r), int(c), *heads[0]))
    return out


def detour_lines(g: np.ndarray, colour: int, right: bool) -> np.ndarray | None:
    """Lines grown from the edge cells of `colour`, stepping aside (to the right or left hand) at obstacles."""
    g = np.asarray(g)
    bg = O.background_color(g)
    h, w = g.shape
    seeds = _seeds(g, colour)
    if not seeds or len(seeds) > _MAX_SEEDS:
        return None
    out = g.copy()
    stepped = False
    for r, c, dr, dc in seeds:
        sr, sc = (dc, -dr) if right else (-dc, dr)  # the hand, relative to the heading (rows grow downward)
        for _ in range(h * w):
            nr, nc = r + dr, c + dc
            if not (0 <= nr < h and 0 <= nc < w):
                break
            if g[nr, nc] != bg:
                nr, nc = r + sr, c + sc
                if not (0 <= nr < h and 0 <= nc < w) or g[nr, nc] != bg:
                    break
                stepped = True
            out[nr, nc] = colour
            r, c = nr, nc
    return out if stepped else None


def _hypotheses(task: ArcTask, colour: int, deadline: float) -> Iterator[Hypothesis]:
    for right in (True, False):
        check_deadline(deadline)
        hand = "right" if right else "left"
        yield Hypothesis(lambda g, r=right: detour_lines(g, colour, r), size=3,
                         program=f"detour_lines(colour={colour}, step={hand!r})",
                         description=f"each colour-{colour} cell on the edge grows a line inward that steps one "
                                     f"cell to its {hand} around every obstacle")


def detour_rays(task: ArcTask, deadline: float) -> list[Candidate]:
    """Edge cells grow lines that sidestep obstacles."""
    colour = single_background_paint(task)
    if colour is None or any(not _seeds(np.asarray(i), colour) for i, _ in task.train):
        return []
    return first_solution(task, "detour_rays", _hypotheses(task, colour, deadline))
