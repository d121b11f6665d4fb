"""Rays from object tips: each object shoots a line, in its own colour, from the cell that sticks out furthest
in a direction (its corner cell for diagonals), or from the end of a stroke continuing the stroke. Learned: per
object colour, the directions (corner rays), and whether a ray stops at the first non-background cell.
Box-corner rays: every object (or each one whose box holds others) shoots a diagonal ray outward from each corner of its bounding
box that it leaves empty (an L's open corner) or that it fills (a frame's corners), in its own colour or in the
colour of what it holds (the grid's other colour).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline
from synthloop.arc.dsl.specialists.learn import (
    Hypothesis,
    first_solution,
    paints_background_only,
    shared_input_colours,
)
from synthloop.arc.grid import ArcTask, Candidate

_DIRS = {"nw": (-1, -1), "ne": (-1, 1), "sw": (1, -1), "se": (1, 1), "n": (-1, 0), "s": (1, 0), "w": (0, -1),
         "e": (0, 1)}
_MAX_OBJECTS = 30


def _ray(out: np.ndarray, g: np.ndarray, bg: int, start: tuple[int, int], d: tuple[int, int], colour: int,
         stop: bool) -> None:
    h, w = g.shape
    r, c = start[0] + d[0], start[1] + d[1]
    while 0 <= r < h and 0 <= c < w:
        if g[r, c] != bg:
            if stop:
                return
        else:
            out[r, c] = colour
        r, c = r + d[0], c + d[1]


def _tip(ob: O.Object, d: tuple[int, int]) -> tuple[int, int] | None:
    """The object's one cell furthest in direction d (None when several tie)."""
    score = ob.rows * d[0] + ob.cols * d[1]
    best = np.nonzero(score == score.max())[0]
    return (int(ob.rows[best[0]]), int(ob.cols[best[0]])) if best.size == 1 else None


def _corner(g: np.ndarray, plan: dict[int, tuple[str, ...]], stop: bool, mode: str,
            objs: list[O.Object] | None = None) -> np.ndarray | None:
    g = np.asarray(g)
    bg = O.background_color(g)
    objs = O.extract(g, mode) if objs is None else objs
    if len(objs) > _MAX_OBJECTS:
        return None
    out = g.copy()
    drew = False
    for ob in objs:
        for name in plan.get(ob.color, ()):
            start = _tip(ob, _DIRS[name])
            if start is None:
                return None
            _ray(out, g, bg, start, _DIRS[name], ob.color, stop)
            drew = True
    return out if drew else None


_CORNERS = {"nw": (0, 0), "ne": (0, 1), "sw": (1, 0), "se": (1, 1)}


def _inside(ob: O.Object, box: tuple[int, int, int, int]) -> bool:
    t, lf, b, r = ob.bbox
    return box[0] <= t and box[1] <= lf and b <= box[2] and r <= box[3]


def _box_rays(g: np.ndarray, filled: bool, own: bool, holders: bool, stop: bool) -> np.ndarray | None:
    """Diagonal rays out of the bounding-box corners that each shooter fills (or leaves empty); with `holders` only
    objects whose box holds other objects shoot, and `own` False paints the held (or the grid's other) colour."""
    g = np.asarray(g)
    bg = O.background_color(g)
    objs = O.extract(g, "c4")
    if not objs or len(objs) > _MAX_OBJECTS:
        return None
    colours = set(np.unique(g).tolist()) - {bg}
    out = g.copy()
    drew = False
    for ob in objs:
        if ob.size < 3:
            continue  # dots and dominoes have no corners to speak of
        t, lf, b, r = ob.bbox
        held = {int(x.color) for x in objs if x is not ob and _inside(x, ob.bbox)}
        if holders and not held:
            continue
        others = held if holders else colours - {ob.color}
        if not own and len(others) != 1:
            return None
        colour = ob.color if own else next(iter(others))
        for name, (dr, dc) in _CORNERS.items():
            cell = (b - 1 if dr else t, r - 1 if dc else lf)
            if (g[cell] == ob.color) != filled:
                continue
            _ray(out, g, bg, cell, _DIRS[name], colour, stop)
            drew = True
    return out if drew and not np.array_equal(out, g) else None


def _learn_plan(task: ArcTask, stop: bool, mode: str) -> dict[int, tuple[str, ...]] | None:
    """Per colour, the directions whose corner rays paint only cells that the output shows in that colour."""
    plan: dict[int, list[str]] = {}
    colours = shared_input_colours(task)
    demos = [(np.asarray(i), np.asarray(o), O.extract(np.asarray(i), mode)) for i, o in task.train]
    if any(len(objs) > _MAX_OBJECTS for _, _, objs in demos):
        return None
    for colour in sorted(colours):
        for name in _DIRS:
            ok = True
            for i, o, objs in demos:
                p = _corner(i, {colour: (name,)}, stop, mode, objs)
                if p is None or not np.all(o[p != i] == colour):
                    ok = False
                    break
            if ok:
                plan.setdefault(colour, []).append(name)
    return {c: tuple(ds) for c, ds in plan.items()} or None


def _stroke_ends(g: np.ndarray, stop: bool) -> np.ndarray | None:
    """Continue every stroke end: a cell with exactly one same-colour 8-neighbour extends away from it."""
    g = np.asarray(g)
    bg = O.background_color(g)
    h, w = g.shape
    out = g.copy()
    drew = False
    for r, c in zip(*np.nonzero(g != bg), strict=True):
        v = g[r, c]
        nb = [(dr, dc) for dr, dc in _DIRS.values()
              if 0 <= r + dr < h and 0 <= c + dc < w and g[r + dr, c + dc] == v]
        if len(nb) != 1 or 0 in nb[0]:
            continue  # only diagonal strokes: orthogonal ends are too common to extend blindly
        _ray(out, g, bg, (int(r), int(c)), (-nb[0][0], -nb[0][1]), int(v), stop)
        drew = True
    return out if drew else None


def _hypotheses(task: ArcTask, deadline: float) -> Iterator[Hypothesis]:
    for stop in (True, False):
        check_deadline(deadline)
        stopping = ", stopping at other colours" if stop else ""
        for filled in (False, True):
            for own in (True, False):
                for holders in (False, True):
                    check_deadline(deadline)
                    corners = "filled" if filled else "empty"
                    who = "every object that holds others" if holders else "every object"
                    colour = "its own colour" if own else "the other colour"
                    yield Hypothesis(lambda g, f=filled, o=own, h=holders, s=stop: _box_rays(g, f, o, h, s),
                                     size=4, program=f"box_corner_rays(corners={corners!r}, own_colour={own}, "
                                                     f"holders_only={holders}, stop_at_obstacles={stop})",
                                     description=f"{who} shoots a diagonal ray in {colour} outward from each "
                                                 f"{corners} corner of its bounding box{stopping}")
        yield Hypothesis(lambda g, stop=stop: _stroke_ends(g, stop), size=3,
                         program=f"extend_diagonal_strokes(stop_at_obstacles={stop})",
                         description=f"continue every diagonal stroke from its free end to the border{stopping}")
        for mode in ("c4", "m8"):
            check_deadline(deadline)
            plan = _learn_plan(task, stop, mode)
            if plan is None:
                continue
            text = "; ".join(f"colour {c} toward {'/'.join(ds)}" for c, ds in sorted(plan.items()))
            yield Hypothesis(lambda g, plan=plan, stop=stop, mode=mode: _corner(g, plan, stop, mode), size=4,
                             program=f"corner_rays({plan}, objects={mode}, stop_at_obstacles={stop})",
                             description=f"each object shoots a line from its outermost cell ({text}){stopping}")


def corner_rays(task: ArcTask, deadline: float) -> list[Candidate]:
    """Objects shoot rays from their corner cells (directions learned per colour) or continue diagonal strokes."""
    if not paints_background_only(task):
        return []  # rays paint background cells only
    return first_solution(task, "corner_rays", _hypotheses(task, deadline))
