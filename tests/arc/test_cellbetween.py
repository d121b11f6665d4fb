"""Cell markers in line: two equally marked cells in a row/column of cells pass the marker to the cells between."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.cellbetween import cell_between, mark_between

from .family_checks import assert_solves_with, fitting, training_task


def test_cell_between_solves_cbded52d() -> None:
    assert_solves_with(cell_between, "cbded52d", "mark_between_cells(middle_only=False)")


def test_cell_between_solves_06df4c85() -> None:
    assert_solves_with(cell_between, "06df4c85", "mark_between_cells(middle_only=False)")


def test_cell_between_rejects_a_recolouring_task() -> None:
    assert fitting(cell_between, training_task("a5313dff")) == []


def test_mark_between_fills_the_middle_cell() -> None:
    g = np.ones((8, 8), dtype=np.int8)
    g[2, :] = g[5, :] = 0
    g[:, 2] = g[:, 5] = 0
    g[0, 1] = g[0, 7] = 4  # same marker in cells (0,0) and (0,2)
    out = mark_between(g, middle_only=False)
    assert out is not None
    assert out[0, 4] == 4 and (out == 4).sum() == 3
