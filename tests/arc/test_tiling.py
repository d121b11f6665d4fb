"""Piece tiling: shapes are cut into learned coloured pieces, the one way they can be."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.tiling import _norm, piece_tiling, tile_pieces

from .family_checks import assert_solves_with, fitting, training_task


def test_piece_tiling_solves_150deff5() -> None:
    assert_solves_with(piece_tiling, "150deff5", "tile_pieces(1x3:2, 2x2:8)")


def test_piece_tiling_rejects_a_recolouring_task() -> None:
    assert fitting(piece_tiling, training_task("a5313dff")) == []


def test_tile_pieces_unique_cut() -> None:
    g = np.zeros((4, 7), dtype=np.int8)
    g[1:3, 1:3] = 5
    g[1, 3:6] = 5  # a 2x2 square and a bar of three to its right
    pieces = [(_norm([(0, 0), (0, 1), (1, 0), (1, 1)]), 8), (_norm([(0, 0), (0, 1), (0, 2)]), 2)]
    out = tile_pieces(g, pieces)
    assert out is not None
    assert out[1:3, 1:3].tolist() == [[8, 8], [8, 8]] and out[1, 3:6].tolist() == [2, 2, 2]
    g[1:3, 1:3] = 5
    g[2, 3:5] = 5  # now 2x2 + 2x2 next to each other as a 2x4 block with a tail: two cuts or none
    assert tile_pieces(g, pieces) is None
