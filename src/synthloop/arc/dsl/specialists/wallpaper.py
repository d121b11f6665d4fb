"""Shared wallpaper: every output is a window, anchored at the same grid corner, of one periodic wallpaper that the
demos reveal together; each input shows part of it, and the output paints the rest of the background from it.

Learned: the anchoring corner and the wallpaper tile (the smallest rectangular period consistent with all demo
outputs laid over each other). The test input's coloured cells must agree with the wallpaper.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution, paints_background_only
from synthloop.arc.grid import ArcTask, Candidate

_CORNERS = {"top-left": (False, False), "top-right": (False, True), "bottom-left": (True, False),
            "bottom-right": (True, True)}


def _orient(g: np.ndarray, flips: tuple[bool, bool]) -> np.ndarray:
    return g[::-1 if flips[0] else 1, ::-1 if flips[1] else 1]


def _overlay(grids: list[np.ndarray]) -> np.ndarray | None:
    """The grids laid over each other from the top-left (-1 where none covers); None when they disagree."""
    h, w = max(g.shape[0] for g in grids), max(g.shape[1] for g in grids)
    canvas = np.full((h, w), -1, dtype=np.int64)
    for g in grids:
        view = canvas[: g.shape[0], : g.shape[1]]
        if np.any((view >= 0) & (view != g)):
            return None
        view[...] = g
    return canvas


def _tile(canvas: np.ndarray, pr: int, pc: int) -> np.ndarray | None:
    """The (pr, pc) tile the known canvas cells agree with (-1 for residues never seen); None on a conflict."""
    tile = np.full((pr, pc), -1, dtype=np.int64)
    rr, cc = np.nonzero(canvas >= 0)
    vals = canvas[rr, cc]
    key = (rr % pr) * pc + cc % pc
    flat = tile.ravel()
    flat[key] = vals
    if np.any(flat[key] != vals):
        return None
    return flat.reshape(pr, pc)


def _smallest_tile(canvas: np.ndarray, shapes: list[tuple[int, int]]) -> np.ndarray | None:
    h, w = canvas.shape
    for pr, pc in sorted(((a, b) for a in range(1, h + 1) for b in range(1, w + 1)), key=lambda p: (p[0] * p[1], p)):
        if not any(pr < sh or pc < sw for sh, sw in shapes):
            continue  # no demo shows the tile repeating
        tile = _tile(canvas, pr, pc)
        if tile is not None:
            return tile
    return None


def _paint(g: np.ndarray, tile: np.ndarray, flips: tuple[bool, bool]) -> np.ndarray | None:
    g = _orient(np.asarray(g), flips)
    h, w = g.shape
    rr, cc = np.indices((h, w))
    full = tile[rr % tile.shape[0], cc % tile.shape[1]]
    bg = O.background_color(g)
    if np.any(full < 0) or np.any((g != bg) & (g != full)):
        return None
    return _orient(full, flips)


def shared_wallpaper(task: ArcTask, deadline: float) -> list[Candidate]:
    """Paint the background from the wallpaper that all demo outputs are windows of."""
    if len(task.train) < 2 or not paints_background_only(task):
        return []
    outs = [np.asarray(o) for _, o in task.train]
    shapes = [o.shape for o in outs]

    def hypotheses():
        for name, flips in _CORNERS.items():
            check_deadline(deadline)
            canvas = _overlay([_orient(o, flips) for o in outs])
            if canvas is None:
                continue
            tile = _smallest_tile(canvas, shapes)
            if tile is None:
                continue
            yield Hypothesis(lambda g, t=tile, f=flips: _paint(g, t, f), size=4,
                             program=f"shared_wallpaper(corner={name!r}, tile={tile.shape})",
                             description=f"every output is a window at the {name} of one {tile.shape[0]}x"
                                         f"{tile.shape[1]} wallpaper; paint the background from it")

    return first_solution(task, "wallpaper", hypotheses())
