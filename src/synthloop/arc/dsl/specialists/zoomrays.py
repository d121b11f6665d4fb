"""Zoom rays: the grid is scaled up by a whole factor (fixed, or the number of colours other than the background),
then every object that is a solid rectangle shoots diagonal rays of a learned colour outward from its four corners,
each stopping at the first cell that is not background (or at the grid's edge). Learned: the factor rule and the
ray colour."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import added_colours, check_deadline
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate

_MAX_OBJECTS = 12


def _factor(g: np.ndarray, rule: str | int) -> int:
    if rule == "colours":
        return len(np.unique(g)) - 1
    return int(rule)


def zoom_rays(g: np.ndarray, rule: str | int, colour: int) -> np.ndarray | None:
    """`g` scaled by the factor `rule` gives, with `colour` corner rays from every solid rectangle object."""
    g = np.asarray(g)
    k = _factor(g, rule)
    if k < 1 or g.shape[0] * k > 30 or g.shape[1] * k > 30:
        return None
    big = np.kron(g, np.ones((k, k), dtype=g.dtype))
    bg = O.background_color(g)
    objs = O.components(big, connectivity=8, multicolor=True, background=bg)
    if len(objs) > _MAX_OBJECTS:
        return None
    out = big.copy()
    h, w = big.shape
    shot = False
    for ob in objs:
        if ob.size != ob.area or ob.n_colors != 1:
            continue
        t, lf, b, r = ob.bbox
        for (y, x), (dy, dx) in (((t, lf), (-1, -1)), ((t, r - 1), (-1, 1)),
                                 ((b - 1, lf), (1, -1)), ((b - 1, r - 1), (1, 1))):
            y, x = y + dy, x + dx
            while 0 <= y < h and 0 <= x < w and big[y, x] == bg:
                out[y, x] = colour
                shot = True
                y, x = y + dy, x + dx
    return out if shot else None


def _rules(task: ArcTask) -> list[str | int]:
    rules: list[str | int] = []
    ratios = set()
    for i, o in task.train:
        i, o = np.asarray(i), np.asarray(o)
        if o.shape[0] % i.shape[0] or o.shape[1] % i.shape[1] or o.shape[0] // i.shape[0] != o.shape[1] // i.shape[1]:
            return []
        ratios.add(o.shape[0] // i.shape[0])
    if all(o.shape[0] == i.shape[0] * _factor(np.asarray(i), "colours") for i, o in task.train) and len(ratios) > 1:
        rules.append("colours")
    if len(ratios) == 1:
        rules.append(ratios.pop())
    return rules


def _hypotheses(task: ArcTask, deadline: float) -> Iterator[Hypothesis]:
    for rule in _rules(task):
        for colour in sorted(added_colours(task)):
            check_deadline(deadline)
            by = "the number of colours" if rule == "colours" else str(rule)
            yield Hypothesis(
                fn=lambda g, a=rule, c=colour: zoom_rays(g, a, c),
                program=f"zoom_rays(factor={rule!r}, colour={colour})",
                description=f"scale up by {by}; every solid rectangle shoots colour-{colour} diagonal rays from its "
                            "corners until they meet something",
                size=3,
            )


def zoom_rays_spec(task: ArcTask, deadline: float) -> list[Candidate]:
    """The zoom-rays rule, its ray colour one that every output adds."""
    if not task.train:
        return []
    return first_solution(task, "zoom_rays", _hypotheses(task, deadline))
