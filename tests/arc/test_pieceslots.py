"""Piece slots on a real training task and a hand-made grid."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.pieceslots import assemble_pieces, piece_slots

from .family_checks import assert_solves_with, fitting, training_task


def test_piece_slots_solves_a8c38be5() -> None:
    assert_solves_with(piece_slots, "a8c38be5", "assemble_pieces()")


def test_piece_slots_rejects_a_recolouring_task() -> None:
    assert fitting(piece_slots, training_task("a5313dff")) == []


def test_pieces_go_where_their_marks_point() -> None:
    g = np.zeros((16, 16), dtype=np.int8)
    slots = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
    for k, (dy, dx) in enumerate(slots):
        y, x = 1 + 5 * (k // 3), 1 + 5 * (2 - k % 3)  # laid out mirrored
        g[y:y + 3, x:x + 3] = 5
        if (dy, dx) != (0, 0):
            g[y + 1 + dy, x + 1 + dx] = k + 1  # mark on the side the slot points to
    out = assemble_pieces(g)
    assert out is not None and out.shape == (9, 9)
    assert out[0, 0] == 1 and out[8, 8] == 9 and out[4, 0] == 4 and (out[3:6, 3:6] == 5).all()
