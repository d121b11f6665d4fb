"""Cup level on a real training task and a hand-made grid."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.cuplevel import cup_level, cup_level_count

from .family_checks import assert_solves_with, fitting, training_task


def test_cup_level_solves_b0c4d837() -> None:
    assert_solves_with(cup_level_count, "b0c4d837", "cup_level(shape=(3, 3), order=snake)")


def test_cup_level_rejects_a_recolouring_task() -> None:
    assert fitting(cup_level_count, training_task("a5313dff")) == []


def test_counts_empty_rows_above_the_liquid() -> None:
    g = np.zeros((7, 5), dtype=np.int8)
    g[1:7, 0] = g[1:7, 4] = g[6, :] = 5
    g[5, 1:4] = 8
    out = cup_level(g, (2, 3), True)  # rows 1-4 empty: four cells, snake order
    assert out is not None and out.tolist() == [[8, 8, 8], [0, 0, 8]]
