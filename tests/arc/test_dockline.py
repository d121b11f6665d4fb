"""Round-5b family: slide everything against the one full line, optionally laying a new line behind."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.dockline import dock_line, dock_to_line

from .family_checks import assert_solves_with, fitting, training_task


def test_dock_line_solves_56dc2b01() -> None:
    assert_solves_with(dock_line, "56dc2b01", "dock_to_line(back=8)")


def test_dock_line_rejects_a_recolouring_task() -> None:
    assert fitting(dock_line, training_task("a5313dff")) == []


def test_dock_slides_piece_and_lays_back_line() -> None:
    g = np.zeros((8, 5), dtype=np.int8)
    g[1, :] = 4  # the line
    g[5:7, 1:3] = 6  # the piece, below the line
    out = dock_to_line(g, back=7)
    assert out is not None
    want = np.zeros_like(g)
    want[1, :] = 4
    want[2:4, 1:3] = 6
    want[4, :] = 7
    assert np.array_equal(out, want)
