"""Dihedral dots on a real training task and a hand-made grid."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.dihedraldots import complete_dihedral, dihedral_dots

from .family_checks import assert_solves_with, fitting, training_task


def test_dihedral_dots_solves_9d9215db() -> None:
    assert_solves_with(dihedral_dots, "9d9215db", "complete_dihedral()")


def test_dihedral_dots_rejects_a_recolouring_task() -> None:
    assert fitting(dihedral_dots, training_task("a5313dff")) == []


def test_off_diagonal_cell_repeats_along_its_side() -> None:
    g = np.zeros((9, 9), dtype=np.int8)
    g[0, 0] = 4
    g[0, 2] = 7
    out = complete_dihedral(g)
    assert out is not None
    assert out[0].tolist() == [4, 0, 7, 0, 7, 0, 7, 0, 4]
    assert out[:, 8].tolist() == [4, 0, 7, 0, 7, 0, 7, 0, 4]
    assert (out == np.rot90(out)).all() and (out == out.T).all()
