"""Lattice cells: gaps between coloured lattice crossings take the crossings' shared colour."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.latticecells import lattice_cell_colours, lattice_cells

from .family_checks import assert_solves_with, fitting, training_task


def test_lattice_cells_solves_7837ac64() -> None:
    assert_solves_with(lattice_cell_colours, "7837ac64", "lattice_cells()")


def test_lattice_cells_rejects_a_recolouring_task() -> None:
    assert fitting(lattice_cell_colours, training_task("a5313dff")) == []


def test_gap_coloured_only_when_all_corners_agree() -> None:
    g = np.zeros((7, 7), dtype=np.int8)
    g[[0, 2, 4, 6], :] = 5
    g[:, [0, 2, 4, 6]] = 5
    g[0, 0] = g[0, 2] = g[2, 0] = g[2, 2] = 3  # one full square of 3
    g[0, 4] = 3
    g[2, 4] = 1
    out = lattice_cells(g)
    assert out is not None and out.tolist() == [[3, 0]]
