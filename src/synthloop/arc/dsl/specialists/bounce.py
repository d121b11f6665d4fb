"""Bouncing rays: a diagonal stroke (a single cell in a corner, or a short diagonal segment) shoots on along its
diagonal, bouncing off cells in its way (and, when learned, off the grid's side edges) until it leaves the grid. Learned:
the ray colour (the stroke's own or one new colour), the side edges, and an optional colour for the rest of the
background.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, same_shapes
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate

_MAX_STROKES = 4


def _stroke_start(g: np.ndarray, o: O.Object, bg: int) -> tuple[int, int, int, int] | None:
    """(row, col, dr, dc) to continue the stroke from, or None when it is no diagonal stroke with one open end."""
    H, W = g.shape
    cells = sorted(zip(o.rows.tolist(), o.cols.tolist(), strict=True))
    if len(cells) == 1:
        r, c = cells[0]
        dr = -1 if r == H - 1 else 1 if r == 0 else 0
        dc = 1 if c == 0 else -1 if c == W - 1 else 0
        return None if dr == 0 or dc == 0 else (r, c, dr, dc)
    (r0, c0), (r1, c1) = cells[0], cells[-1]
    if abs(r1 - r0) != abs(c1 - c0) or abs(r1 - r0) != len(cells) - 1:
        return None
    step = (1, 1 if c1 > c0 else -1)
    ends = []
    for (r, c), (dr, dc) in (((r1, c1), step), ((r0, c0), (-step[0], -step[1]))):
        nr, nc = r + dr, c + dc
        if 0 <= nr < H and 0 <= nc < W and g[nr, nc] == bg:
            ends.append((r, c, dr, dc))
    return ends[0] if len(ends) == 1 else None


def _shoot(g: np.ndarray, bg: int, start: tuple[int, int, int, int], edges: bool) -> list[tuple[int, int]]:
    """The ray's cells: it turns off cells in its way (flipping the blocked component) and, with `edges`, off the
    grid's left and right edges; it stops when it leaves the grid."""
    H, W = g.shape
    r, c, dr, dc = start

    def wall(rr: int, cc: int) -> bool:
        if not 0 <= rr < H:
            return False
        if not 0 <= cc < W:
            return edges
        return bool(g[rr, cc] != bg)

    cells = []
    for _ in range(4 * (H + W)):
        if wall(r + dr, c + dc):
            if wall(r + dr, c):
                dr = -dr
            elif wall(r, c + dc):
                dc = -dc
            else:
                dr, dc = -dr, -dc
            if wall(r + dr, c + dc):
                break
        r, c = r + dr, c + dc
        if not (0 <= r < H and 0 <= c < W):
            break
        cells.append((r, c))
    return cells


def bounce(g: np.ndarray, colour: int | None, rest: int | None, edges: bool) -> np.ndarray | None:
    """Every stroke shot on with bounces; `colour` None keeps the stroke's colour; `rest` repaints the remaining
    background."""
    g = np.asarray(g)
    bg = O.background_color(g)
    strokes = O.extract(g, "c8")
    if not strokes or len(strokes) > _MAX_STROKES + 2:
        return None
    out = g.copy()
    shot = 0
    for o in strokes:
        start = _stroke_start(g, o, bg)
        if start is None:
            continue
        for r, c in _shoot(g, bg, start, edges):
            out[r, c] = o.color if colour is None else colour
        shot += 1
    if shot == 0 or shot > _MAX_STROKES:
        return None
    if rest is not None:
        out[(out == bg) & (g == bg)] = rest
    return out


def _hypotheses(task: ArcTask, deadline: float) -> Iterator[Hypothesis]:
    new = set.union(*[set(np.unique(o).tolist()) - set(np.unique(i).tolist()) for i, o in task.train])
    colours: list[int | None] = [None] + sorted(new)
    rests: list[int | None] = [None] + sorted(new)
    for edges in (True, False):
        for colour in colours:
            for rest in rests:
                if rest is not None and rest == colour:
                    continue
                check_deadline(deadline)
                ctext = "its own colour" if colour is None else f"colour {colour}"
                rtext = "" if rest is None else f", then paint the rest of the background {rest}"
                walls = "the grid's side edges and anything in its way" if edges else "anything in its way"
                yield Hypothesis(lambda g, c=colour, r=rest, e=edges: bounce(g, c, r, e), size=3,
                                 program=f"bouncing_rays(colour={colour}, rest={rest}, side_edges={edges})",
                                 description=f"shoot every diagonal stroke on along its diagonal in {ctext}, bouncing "
                                             f"off {walls} until it leaves the grid{rtext}")


def bouncing_rays(task: ArcTask, deadline: float) -> list[Candidate]:
    """Diagonal strokes shoot on, bouncing off the walls."""
    if not task.train or not same_shapes(task) or all(np.array_equal(i, o) for i, o in task.train):
        return []
    return first_solution(task, "bounce", _hypotheses(task, deadline))
