"""Movement: gravity (cells or whole objects slide in a direction until blocked) and moving one colour's shape
until it touches another colour's shape. Learned: the direction, what moves (cells / objects / a colour), and which
colours stay fixed as obstacles.
"""

from __future__ import annotations

import time

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import Timeout, check_deadline, make_candidate, same_shapes
from synthloop.arc.grid import ArcTask, Candidate

_DIRS = {"down": (1, 0), "up": (-1, 0), "right": (0, 1), "left": (0, -1)}


def _gravity_cells(g: np.ndarray, d: tuple[int, int], fixed: frozenset[int]) -> np.ndarray:
    """Every movable non-background cell falls in direction d, stacking on cells and fixed colours."""
    bg = O.background_color(g)
    rot = {(1, 0): 0, (0, 1): 1, (-1, 0): 2, (0, -1): 3}[d]
    a = np.rot90(np.asarray(g), rot).copy()  # now falling is "down"
    h, w = a.shape
    for c in range(w):
        col = a[:, c]
        out = np.full(h, bg, dtype=a.dtype)
        floor = h
        for r in range(h - 1, -1, -1):
            v = int(col[r])
            if v == bg:
                continue
            if v in fixed:
                out[r] = v
                floor = r
            else:
                floor -= 1
                out[floor] = v
        a[:, c] = out
    return np.rot90(a, -rot)


def _gravity_objects(g: np.ndarray, d: tuple[int, int], fixed: frozenset[int], mode: str) -> np.ndarray:
    """Whole objects slide rigidly in direction d (nearest to the wall first) until blocked."""
    g = np.asarray(g)
    bg = O.background_color(g)
    h, w = g.shape
    objs = [o for o in O.extract(g, mode) if not (set(o.colors) & fixed)]
    if len(objs) > 40:
        raise ValueError("too many objects to slide one by one")
    out = np.array(g)
    for o in objs:
        out[o.rows, o.cols] = bg
    occ = out != bg
    for o in sorted(objs, key=lambda o: -(o.rows * d[0] + o.cols * d[1]).max()):
        k = 0
        while True:
            r, c = o.rows + d[0] * (k + 1), o.cols + d[1] * (k + 1)
            if r.min() < 0 or c.min() < 0 or r.max() >= h or c.max() >= w or occ[r, c].any():
                break
            k += 1
        r, c = o.rows + d[0] * k, o.cols + d[1] * k
        out[r, c] = o.values
        occ[r, c] = True
    return out


def _fixed_colours(task: ArcTask) -> frozenset[int]:
    """Colours whose cells are identical in input and output in every pair (candidates for obstacles)."""
    fixed = set(range(10))
    for i, o in task.train:
        for c in list(fixed):
            if not np.array_equal(i == c, o == c):
                fixed.discard(c)
    for i, _ in task.train:
        fixed.discard(O.background_color(i))
    return frozenset(fixed)


def gravity(task: ArcTask, deadline: float) -> list[Candidate]:
    """Cells or objects fall in a learned direction."""
    if not same_shapes(task) or not task.train:
        return []
    if any(not np.array_equal(np.bincount(i.ravel(), minlength=10), np.bincount(o.ravel(), minlength=10))
           for i, o in task.train):
        return []  # moving cells keeps every colour's cell count
    fixed_all = _fixed_colours(task)
    out = []
    try:
        for fixed in [frozenset()] + ([fixed_all] if fixed_all else []):
            for dname, d in _DIRS.items():
                check_deadline(deadline)
                variants = [("cells", lambda g, d=d, f=fixed: _gravity_cells(g, d, f))]
                variants += [(m, lambda g, d=d, f=fixed, m=m: _gravity_objects(g, d, f, m)) for m in ("m4", "m8", "c4")]
                for vname, fn in variants:
                    c = make_candidate(
                        task, fn, family="motion", size=3 + bool(fixed),
                        program=f"gravity(x, {dname!r}, unit={vname!r}, fixed={sorted(fixed)})",
                        description=(f"let the {'cells' if vname == 'cells' else 'objects'} fall {dname} until blocked"
                                     + (f", colours {sorted(fixed)} stay put" if fixed else "")),
                    )
                    if c is not None and c.solves_train:
                        out.append(c)
                        return out
    except Timeout:
        pass
    return out


def _move_to_contact(g: np.ndarray, mover: int, anchor: int) -> np.ndarray | None:
    g = np.asarray(g)
    bg = O.background_color(g)
    mv, an = g == mover, g == anchor
    bm, ba = O.bbox_of_mask(mv), O.bbox_of_mask(an)
    if bm is None or ba is None:
        return None
    if bm[2] <= ba[0]:
        d = (1, 0)
    elif ba[2] <= bm[0]:
        d = (-1, 0)
    elif bm[3] <= ba[1]:
        d = (0, 1)
    elif ba[3] <= bm[1]:
        d = (0, -1)
    else:
        return None
    rows, cols = np.nonzero(mv)
    other = (g != bg) & ~mv
    h, w = g.shape
    k = 0
    while True:
        r, c = rows + d[0] * (k + 1), cols + d[1] * (k + 1)
        if r.min() < 0 or c.min() < 0 or r.max() >= h or c.max() >= w or other[r, c].any():
            break
        k += 1
        if k > 30:
            return None
    out = np.array(g)
    out[rows, cols] = bg
    out[rows + d[0] * k, cols + d[1] * k] = mover
    return out


def move_to_contact(task: ArcTask, deadline: float) -> list[Candidate]:
    """The shape of one colour slides toward another colour's shape until they touch."""
    if not same_shapes(task) or not task.train:
        return []
    cols = set.intersection(*[{int(v) for v in np.unique(i)} for i, _ in task.train])
    out = []
    for m in cols:
        for a in cols:
            if m == a or time.monotonic() > deadline:
                continue
            c = make_candidate(
                task, lambda g, m=m, a=a: _move_to_contact(g, m, a), family="motion", size=3,
                program=f"move_until_touching(x, mover={m}, anchor={a})",
                description=f"slide the colour-{m} shape toward the colour-{a} shape until they touch",
            )
            if c is not None and c.solves_train:
                out.append(c)
    return out



_RAY_DIRS = {"n": (-1, 0), "s": (1, 0), "w": (0, -1), "e": (0, 1),
             "nw": (-1, -1), "ne": (-1, 1), "sw": (1, -1), "se": (1, 1)}


def _cast(g: np.ndarray, plan: dict[int, tuple[str, ...]], stop: bool) -> np.ndarray:
    """From every cell of each planned colour, paint rays over background cells; stop=True ends a ray at the
    first non-background cell, else it passes under other colours."""
    g = np.asarray(g)
    bg = O.background_color(g)
    out = np.array(g)
    h, w = g.shape
    for colour, dirs in plan.items():
        rows, cols = np.nonzero(g == colour)
        for r0, c0 in zip(rows.tolist(), cols.tolist(), strict=True):
            for d in dirs:
                dr, dc = _RAY_DIRS[d]
                r, c = r0 + dr, c0 + dc
                while 0 <= r < h and 0 <= c < w:
                    if g[r, c] != bg:
                        if stop:
                            break
                    else:
                        out[r, c] = colour
                    r, c = r + dr, c + dc
    return out


def draw_rays(task: ArcTask, deadline: float) -> list[Candidate]:
    """Pixels of some colours shoot lines in learned directions to the border (or the first obstacle)."""
    if not same_shapes(task) or not task.train:
        return []
    for i, o in task.train:
        bg = O.background_color(i)
        if np.any((i != bg) & (i != o)) or np.array_equal(i, o):
            return []  # only background cells may change
    colours = sorted(set.intersection(*[{int(v) for v in np.unique(i)} for i, _ in task.train])
                     - {O.background_color(task.train[0][0])})
    out = []
    for stop in (True, False):
        if time.monotonic() > deadline:
            break
        plan: dict[int, tuple[str, ...]] = {}
        for colour in colours:
            on = []
            for d in _RAY_DIRS:
                single = {colour: (d,)}
                if all(np.all(o[_cast(i, single, stop) != i] == colour) for i, o in task.train):
                    on.append(d)  # every cell this ray paints is that colour in the output
            if on:
                plan[colour] = tuple(on)
        if not plan:
            continue
        def fn(g, plan=plan, stop=stop):
            return _cast(g, plan, stop)

        text = "; ".join(f"colour {c} toward {'/'.join(ds)}" for c, ds in plan.items())
        c = make_candidate(task, fn, family="motion", size=3, program=f"rays({plan}, stop_at_obstacles={stop})",
                           description=f"draw lines from the pixels to the edge ({text})"
                                       + (", stopping at other colours" if stop else ""))
        if c is not None and c.solves_train:
            out.append(c)
            break
    return out
