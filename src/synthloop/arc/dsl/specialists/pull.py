"""Pulling pixels to anchors: single pixels travel in a straight line (along rows/columns, or also diagonals)
toward the nearest cell of their anchor colour and stop next to it. Learned: which anchor colour each pixel
colour is drawn to, the directions, whether a pixel takes the anchor's colour, and whether pixels with no anchor
in line are erased or stay.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, same_shapes
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution, shared_input_colours
from synthloop.arc.grid import ArcTask, Candidate

_ORTH = ((-1, 0), (1, 0), (0, -1), (0, 1))
_DIAG = ((-1, -1), (-1, 1), (1, -1), (1, 1))
_MAX_PIXELS = 30
ANY = -1  # pairing key: pixels of any colour


def _pixels(g: np.ndarray, bg: int, colours: frozenset[int]) -> list[tuple[int, int]]:
    """Cells of the mover colours with no 4- or 8-neighbour of the same colour."""
    h, w = g.shape
    out = []
    for r, c in zip(*np.nonzero(np.isin(g, list(colours))), strict=True):
        v = g[r, c]
        if not any(0 <= r + dr < h and 0 <= c + dc < w and g[r + dr, c + dc] == v for dr, dc in _ORTH + _DIAG):
            out.append((int(r), int(c)))
    return out


def _hit(g: np.ndarray, free: np.ndarray, stop: np.ndarray, r: int, c: int, dirs: tuple) -> tuple[int, int, int] | None:
    """(distance, row, col) of the cell beside the nearest `stop` cell reached from (r, c) over `free` cells."""
    h, w = g.shape
    best = None
    for dr, dc in dirs:
        rr, cc, k = r + dr, c + dc, 1
        while 0 <= rr < h and 0 <= cc < w and free[rr, cc]:
            rr, cc, k = rr + dr, cc + dc, k + 1
        if 0 <= rr < h and 0 <= cc < w and stop[rr, cc] and (best is None or k < best[0]):
            best = (k, rr - dr, cc - dc)
    return best


def _pull(g: np.ndarray, pairs: dict[int, int], dirs: tuple, recolour: bool, orphans: str) -> np.ndarray | None:
    g = np.asarray(g)
    bg = O.background_color(g)
    if ANY in pairs:  # every pixel of a colour other than the background and the anchor
        pairs = {v: pairs[ANY] for v in range(10) if v not in (bg, pairs[ANY])}
    movers = _pixels(g, bg, frozenset(pairs))
    if not movers or len(movers) > _MAX_PIXELS:
        return None
    free = g == bg
    for r, c in movers:
        free[r, c] = True
    out = g.copy()
    out[~(g == bg) & free] = bg
    landed = np.zeros(g.shape, dtype=bool)
    first = [(_hit(g, free, g == pairs[int(g[r, c])], r, c, dirs), r, c) for r, c in movers]
    for hit, r, c in sorted(first, key=lambda t: (t[0] is None, t[0][0] if t[0] else 0)):
        v = int(g[r, c])
        if hit is not None:  # nearest first: later pixels stack on the ones already landed
            hit = _hit(g, free & ~landed, (g == pairs[v]) | landed, r, c, dirs)
        if hit is None:
            if orphans == "keep":
                out[r, c] = v
            continue
        out[hit[1], hit[2]] = pairs[v] if recolour else v
        landed[hit[1], hit[2]] = True
    return out


def _pairings(task: ArcTask) -> list[dict[int, int]]:
    """Mover colour -> anchor colour tables to try: the colours whose pixels move, each paired with itself or with
    one other colour present in every demo input."""
    moved: set[int] = set()
    for i, o in task.train:
        i, o = np.asarray(i), np.asarray(o)
        bg = O.background_color(i)
        d = (i != o) & (i != bg)
        moved |= set(np.unique(i[d]).tolist())
    if not moved or len(moved) > 3:
        return []
    common = shared_input_colours(task)
    options: list[dict[int, int]] = [{m: m for m in moved}]
    for a in sorted(common - moved):
        options.append({m: a for m in moved})
        options.append({ANY: a})
    if len(moved) == 2:
        m1, m2 = sorted(moved)
        for a1 in sorted(common - moved):
            for a2 in sorted(common - moved - {a1}):
                options.append({m1: a1, m2: a2})
    return options


def _hypotheses(task: ArcTask, deadline: float) -> Iterator[Hypothesis]:
    for pairs in _pairings(task):
        check_deadline(deadline)
        if any(_pull(np.asarray(i), pairs, _ORTH, False, "keep") is None for i, _ in task.train):
            continue  # no pixels to move, or too many
        table = ", ".join(f"{'any' if m == ANY else m}->{a}" for m, a in sorted(pairs.items()))
        for dirs in (_ORTH, _ORTH + _DIAG):
            way = "also diagonally" if len(dirs) == 8 else "along its row or column"
            for recolour in (False, True):
                for orphans in ("erase", "keep"):
                    check_deadline(deadline)
                    yield Hypothesis(
                        lambda g, pairs=pairs, dirs=dirs, recolour=recolour, orphans=orphans: _pull(
                            g, pairs, dirs, recolour, orphans),
                        size=5,
                        program=f"pull_to_anchor({{{table}}}, dirs={'8' if len(dirs) == 8 else '4'}, "
                                f"recolour={recolour}, no_anchor={orphans!r})",
                        description=f"move each single pixel straight ({way}) "
                                    f"to the nearest cell of its anchor colour ({table}) and stop beside it"
                                    + (", taking the anchor's colour" if recolour else "")
                                    + f"; pixels with no anchor in line {'vanish' if orphans == 'erase' else 'stay'}")


def pull_to_anchor(task: ArcTask, deadline: float) -> list[Candidate]:
    """Single pixels move straight to their anchor colour and stop beside it."""
    if not task.train or not same_shapes(task):
        return []
    for i, o in task.train:
        i, o = np.asarray(i), np.asarray(o)
        bg = O.background_color(i)
        if np.array_equal(i, o) or (o != bg).sum() > (i != bg).sum():
            return []  # pixels only move (or vanish): the drawing never grows
    return first_solution(task, "pull", _hypotheses(task, deadline))
