"""Twin bars: two equal bars of one colour stand on edges of the grid (both columns, or both rows, on the border);
single dots lie beside one bar, within its span. Each dot is joined to its bar by a line of the dot's colour and
turns a learned colour; the twin bar gets, at the same offsets along it, lines of the dot colour running from it
right across the grid. Learned: whether the bars are columns or rows, and the colour the dots turn."""

from __future__ import annotations

from functools import partial

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import added_colours, make_candidate, paints_background, solves_all
from synthloop.arc.grid import ArcTask, Candidate

_Bar = tuple[int, int, int]  # column, first row, last row (inclusive)


def _bars(g: np.ndarray, bg: int) -> tuple[int, list[_Bar]] | None:
    """(bar colour, bars) when the grid holds exactly two equal vertical bars on its left/right border columns."""
    h, w = g.shape
    bars: list[tuple[int, _Bar]] = []
    for col in (0, w - 1):
        ys = np.nonzero(g[:, col] != bg)[0]
        if len(ys) == 0:
            continue
        if len(ys) < 2 or ys[-1] - ys[0] + 1 != len(ys) or len(np.unique(g[ys, col])) != 1:
            return None
        bars.append((int(g[ys[0], col]), (col, int(ys[0]), int(ys[-1]))))
    if len(bars) != 2 or bars[0][0] != bars[1][0]:
        return None
    (c0, b0), (_, b1) = bars
    if b0[2] - b0[1] != b1[2] - b1[1]:
        return None
    return c0, [b0, b1]


def twin_bars(g: np.ndarray, columns: bool, turn: int) -> np.ndarray | None:
    """`g` with the dots joined to their bar (turning `turn`) and mirrored as full lines off the twin bar; None when
    the grid does not fit (bars on the left/right border when `columns`, else on the top/bottom)."""
    g = np.asarray(g)
    t = g if columns else g.T
    bg = O.background_color(t)
    found = _bars(t, bg)
    if found is None:
        return None
    bar_colour, bars = found
    h, w = t.shape
    inner = t.copy()
    for col, _, _ in bars:
        inner[:, col] = bg
    ys, xs = np.nonzero(inner != bg)
    if len(ys) == 0 or len(set(ys.tolist())) != len(ys):
        return None
    dot_colours = np.unique(t[ys, xs])
    if len(dot_colours) != 1 or int(dot_colours[0]) in (bar_colour, turn):
        return None
    dot = int(dot_colours[0])
    owners = set()
    for y in ys.tolist():
        own = [i for i, (_, top, bot) in enumerate(bars) if top <= y <= bot]
        if len(own) != 1:
            return None
        owners.add(own[0])
    if len(owners) != 1:
        return None
    k = owners.pop()
    (col, top, _), (tcol, ttop, _) = bars[k], bars[1 - k]
    out = t.copy()
    for y, x in zip(ys.tolist(), xs.tolist(), strict=True):
        lo, hi = sorted((x, col))
        out[y, lo + 1:hi] = dot
        out[y, x] = turn
        ty = ttop + (y - top)
        if tcol == 0:
            out[ty, 1:] = dot
        else:
            out[ty, :tcol] = dot
    return out if columns else out.T


def twin_bars_spec(task: ArcTask, deadline: float) -> list[Candidate]:
    """The twin-bars rule, its turn colour one that every output adds."""
    if not paints_background(task):
        return []
    for turn in sorted(added_colours(task)):
        for columns in (True, False):
            fn = partial(twin_bars, columns=columns, turn=turn)
            if not solves_all(task, fn):
                continue
            kind = "columns" if columns else "rows"
            c = make_candidate(task, fn, family="twin_bars", program=f"twin_bars(columns={columns}, turn={turn})",
                               description=f"two border bars ({kind}): dots are joined to their bar and turn colour "
                                           f"{turn}; the twin bar shoots full lines at the same offsets", size=3)
            return [c] if c is not None else []
    return []
