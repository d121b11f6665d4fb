"""Per-piece transforms for the state search: split the grid into pieces, transform each piece on its own, and
paint every result back where its piece was.

`EACH_SELECTORS` are selectors (list[Piece] -> grid) named `each_<op>`; the search composes them with every splitter
(objects, colour layers, cells, halves), so "mirror every object in place", "complete the symmetry of every cell" or
"fill every object's holes" are one step. A piece whose transform fails or changes its shape is left as it is; a
step that changes no piece does not apply.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from synthloop.arc.dsl.primitives import (
    NEW,
    Op,
    Piece,
    Selector,
    border_cells,
    fill_enclosed,
    interior,
    paint_majority,
    symmetrise,
)


def _square(f: Op) -> Op:
    return lambda g: f(g) if g.shape[0] == g.shape[1] else None


def box_border(g: np.ndarray) -> np.ndarray:
    """Background cells on the edge of the piece's bounding box become NEW."""
    edge = np.zeros(g.shape, dtype=bool)
    edge[0, :] = edge[-1, :] = edge[:, 0] = edge[:, -1] = True
    return np.where(edge & (g == 0), NEW, g).astype(np.int8)


def fill_box(g: np.ndarray) -> np.ndarray:
    """Background cells inside the piece's bounding box become NEW."""
    return np.where(g == 0, NEW, g).astype(np.int8)


def invert_box(g: np.ndarray) -> np.ndarray:
    """Inside the piece's bounding box: background becomes NEW, the piece's cells background."""
    return np.where(g == 0, NEW, 0).astype(np.int8)


PIECE_OPS: tuple[tuple[str, Op, str], ...] = (
    ("flip_lr", lambda g: g[:, ::-1], "mirror it left to right"),
    ("flip_ud", lambda g: g[::-1], "mirror it top to bottom"),
    ("rot180", lambda g: np.rot90(g, 2), "rotate it half a turn"),
    ("rot90", _square(lambda g: np.rot90(g, -1)), "rotate it a quarter turn clockwise"),
    ("rot270", _square(lambda g: np.rot90(g, 1)), "rotate it a quarter turn anticlockwise"),
    ("transpose", _square(lambda g: g.T), "transpose it"),
    ("sym_lr", symmetrise("lr"), "make it left-right symmetric"),
    ("sym_ud", symmetrise("ud"), "make it top-bottom symmetric"),
    ("sym_4", symmetrise("4"), "make it symmetric both ways"),
    ("sym_rot", symmetrise("r"), "make it rotationally symmetric"),
    ("fill_holes", fill_enclosed, "fill its holes"),
    ("fill_box", fill_box, "fill its bounding box"),
    ("box_border", box_border, "outline its bounding box"),
    ("invert_box", invert_box, "swap background and shape inside its bounding box"),
    ("interior", interior, "mark its inside"),
    ("edges", border_cells, "keep its edges"),
    ("majority", paint_majority, "paint it its most common colour"),
)


def each(op: Op) -> Callable[[list[Piece]], np.ndarray | None]:
    """Apply `op` to every piece's own grid and paint the results back in place (each piece erased first)."""

    def f(ps: list[Piece]) -> np.ndarray | None:
        out = ps[0].whole.copy()
        changed = False
        for p in ps:
            r = op(p.grid)
            if r is None or r.shape != p.grid.shape or np.array_equal(r, p.grid):
                continue
            h, w = p.grid.shape
            view = out[p.top : p.top + h, p.left : p.left + w]
            view[p.mask] = 0
            nz = r != 0
            view[nz] = r[nz]
            changed = True
        return out if changed else None

    return f


EACH_SELECTORS: list[Selector] = [
    Selector(f"each_{name}", each(op), 2, f"in every one, {phrase}", True) for name, op, phrase in PIECE_OPS
]
