"""Mirror across the bracket: U-shaped brackets (open rectangles) of one colour, and loose shapes of the mover
colour; each loose shape jumps to its mirror image across the back line of the nearest bracket (into the bracket
when it was outside, out of it when it was inside). Learned: the mover colour (the one colour the demos move).
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate, same_shapes, solves_all
from synthloop.arc.grid import ArcTask, Candidate


def back_line(o: O.Object) -> tuple[str, int] | None:
    """("row" | "col", grid index) of the bracket's longest fully drawn side; None when it is no open bracket."""
    m = o.mask
    if m.all() or o.height < 2 or o.width < 2:
        return None
    sides = [(o.width, "row", o.top, m[0].all()), (o.width, "row", o.top + o.height - 1, m[-1].all()),
             (o.height, "col", o.left, m[:, 0].all()), (o.height, "col", o.left + o.width - 1, m[:, -1].all())]
    full = sorted(((n, axis, k) for n, axis, k, f in sides if f), reverse=True)
    if not full or (len(full) > 1 and full[0][0] == full[1][0]):
        return None
    return full[0][1], full[0][2]


def mirror_across_brackets(g: np.ndarray, mover: int) -> np.ndarray | None:
    """Each mover-colour shape mirrored across the back line of the nearest bracket (other-colour object)."""
    g = np.asarray(g)
    bg = O.background_color(g)
    objs = O.extract(g, "c8")
    movers = [o for o in objs if o.color == mover]
    brackets = [(o, ln) for o in objs if o.color != mover and (ln := back_line(o)) is not None]
    if not movers or not brackets or len(objs) > 30:
        return None
    out = g.copy()
    for o in movers:
        out[o.rows, o.cols] = bg
    H, W = g.shape
    for o in movers:
        cr, cc = o.center
        dists = sorted((abs(cr - b.center[0]) + abs(cc - b.center[1]), k) for k, (b, _) in enumerate(brackets))
        if len(dists) > 1 and dists[0][0] == dists[1][0]:
            return None
        axis, line = brackets[dists[0][1]][1]
        rows, cols = (2 * line - o.rows, o.cols) if axis == "row" else (o.rows, 2 * line - o.cols)
        if rows.min() < 0 or cols.min() < 0 or rows.max() >= H or cols.max() >= W:
            return None
        under = g[rows, cols]
        if np.any((under != bg) & (under != mover)):
            return None  # the image would land on a bracket or another shape
        out[rows, cols] = o.values
    return out


def _mover(task: ArcTask) -> int | None:
    moved: set[int] = set()
    for i, o in task.train:
        i, o = np.asarray(i), np.asarray(o)
        d = i != o
        moved |= set(np.unique(i[d]).tolist()) | set(np.unique(o[d]).tolist())
    moved -= {O.background_color(np.asarray(task.train[0][0]))}
    return moved.pop() if len(moved) == 1 else None


def bracket_mirror(task: ArcTask, deadline: float) -> list[Candidate]:
    """Mirror the loose shapes across the back of the nearest bracket."""
    if not task.train or not same_shapes(task):
        return []
    mover = _mover(task)
    if mover is None:
        return []

    def fn(g: np.ndarray) -> np.ndarray | None:
        return mirror_across_brackets(g, mover)

    if not solves_all(task, fn):
        return []
    c = make_candidate(task, fn, family="bracket_mirror", size=3,
                       program=f"mirror_across_brackets(mover={mover})",
                       description=f"move every colour-{mover} shape to its mirror image across the back line of the "
                                   "nearest open bracket")
    return [] if c is None else [c]
