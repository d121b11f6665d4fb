"""Seed mirror: a shape carries up to three single marker cells that complete a 2x2 block with one of its corner
cells; each marker colour receives a mirror image of the shape, reflected across the edge (or, for the diagonal
marker, through the corner point) that the marker shares with that corner cell.

Each object is an 8-connected multicolour component; its most common colour is the shape, the other cells are the
markers. Learned: whether a mirror image may cover non-background cells (it never does in the demos when False).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, marked_shapes, paints_background
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate

_MAX_OBJECTS = 8


def _anchor(shape: set[tuple[int, int]], markers: list[tuple[int, int, int]]) -> tuple[int, int] | None:
    """The one shape cell that forms a 2x2 block with every marker; None when there is none or several."""
    found = []
    for py, px in shape:
        dys = {y - py for y, _, _ in markers}
        dxs = {x - px for _, x, _ in markers}
        if not dys <= {-1, 0, 1} or not dxs <= {-1, 0, 1}:
            continue
        if any((y, x) == (py, px) for y, x, _ in markers):
            continue
        if len(dys - {0}) > 1 or len(dxs - {0}) > 1:
            continue
        found.append((py, px))
    return found[0] if len(found) == 1 else None


def seed_mirror(g: np.ndarray, cover: bool) -> np.ndarray | None:
    """`g` with every marked shape mirrored once per marker, in the marker's colour; None when unfit."""
    g = np.asarray(g)
    bg = O.background_color(g)
    objs = marked_shapes(g, _MAX_OBJECTS)
    if objs is None:
        return None
    h, w = g.shape
    out = g.copy()
    done = 0
    for shape, markers in objs:
        if len(markers) > 3 or len(shape) < 2 or len(shape) == len(markers):
            return None
        anchor = _anchor(shape, markers)
        if anchor is None:
            return None
        py, px = anchor
        for my, mx, colour in markers:
            dy, dx = my - py, mx - px
            for y, x in shape:
                ry = 2 * py + dy - y if dy else y
                rx = 2 * px + dx - x if dx else x
                if not (0 <= ry < h and 0 <= rx < w):
                    continue
                if g[ry, rx] != bg and (ry, rx) != (my, mx):
                    if not cover:
                        return None
                out[ry, rx] = colour
        done += 1
    return out if done else None


def _hypotheses(deadline: float) -> Iterator[Hypothesis]:
    for cover in (False, True):
        check_deadline(deadline)
        yield Hypothesis(
            fn=lambda g, c=cover: seed_mirror(g, c),
            program=f"seed_mirror(cover={cover})",
            description="each shape is mirrored across the edge or corner it shares with each marker cell of its "
                        "2x2 seed block, in that marker's colour",
            size=3,
        )


def seed_mirrors(task: ArcTask, deadline: float) -> list[Candidate]:
    """The seed-mirror rule when it reproduces every demo."""
    if not paints_background(task):
        return []
    return first_solution(task, "seed_mirror", _hypotheses(deadline))
