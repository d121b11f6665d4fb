"""Side tint on a real training task and a hand-made grid."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.sidetint import side_tint, tint_by_side

from .family_checks import assert_solves_with, fitting, training_task


def test_side_tint_solves_9aec4887() -> None:
    assert_solves_with(side_tint, "9aec4887", "tint_by_side()")


def test_side_tint_rejects_a_recolouring_task() -> None:
    assert fitting(side_tint, training_task("a5313dff")) == []


def test_cells_take_the_nearest_side_colour() -> None:
    g = np.zeros((10, 10), dtype=np.int8)
    g[0, 1:4] = 1  # top
    g[4, 1:4] = 2  # bottom
    g[1:4, 0] = 3  # left
    g[1:4, 4] = 4  # right
    g[6:9, 6:9] = 8  # a full 3x3 shape
    out = tint_by_side(g)
    assert out is not None and out.shape == (5, 5)
    assert out[1:4, 1:4].tolist() == [[8, 1, 8], [3, 8, 4], [8, 2, 8]]
