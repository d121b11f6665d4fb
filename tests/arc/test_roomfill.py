"""Room fill: rectangular walled background rooms are painted a learned colour."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.roomfill import fill_rooms, room_fill

from .family_checks import assert_solves_with, fitting, training_task


def test_room_fill_solves_e73095fd() -> None:
    assert_solves_with(room_fill, "e73095fd", "fill_rooms(fill=4, edge=True, clean=True)")


def test_room_fill_rejects_a_recolouring_task() -> None:
    assert fitting(room_fill, training_task("a5313dff")) == []


def test_fill_rooms_only_fills_closed_rectangles() -> None:
    g = np.zeros((7, 7), dtype=np.int8)
    g[1, 1:5] = g[4, 1:5] = g[1:5, 1] = g[1:5, 4] = 5  # a closed box with a 2x2 room
    out = fill_rooms(g, 4, edge=False, clean=True)
    assert out is not None
    assert (out[2:4, 2:4] == 4).all() and (out == 4).sum() == 4
    g[4, 5] = 5  # the bottom wall runs on past the corner: no longer a clean box
    assert fill_rooms(g, 4, edge=False, clean=True) is None
