"""Inlay on a real training task and a hand-made grid."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.inlay import inlay_pieces, lay_pieces

from .family_checks import assert_solves_with, fitting, training_task


def test_inlay_solves_97a05b5b() -> None:
    assert_solves_with(inlay_pieces, "97a05b5b", "lay_pieces(reflect=False)")


def test_inlay_rejects_a_recolouring_task() -> None:
    assert fitting(inlay_pieces, training_task("a5313dff")) == []


def test_turned_piece_covers_its_hole() -> None:
    g = np.zeros((8, 12), dtype=np.int8)
    g[1:6, 1:6] = 2
    g[2, 2:5] = 0  # a horizontal hole of three cells
    g[1:4, 8:11] = [[7, 2, 7], [7, 2, 7], [7, 2, 7]]  # its piece stands upright
    out = lay_pieces(g, False)
    assert out is not None and out.shape == (5, 5)
    assert out[0:3, 1:4].tolist() == [[7, 7, 7], [2, 2, 2], [7, 7, 7]]
