"""Nested rings: continue concentric rectangular rings over the grid."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.nestedrings import continue_rings, nested_rings

from .family_checks import assert_solves_with, fitting, training_task


def test_nested_rings_solves_f8c80d96() -> None:
    assert_solves_with(nested_rings, "f8c80d96", "continue_rings(fill=5)")


def test_nested_rings_rejects_a_recolouring_task() -> None:
    assert fitting(nested_rings, training_task("a5313dff")) == []


def test_rings_around_a_corner_continue() -> None:
    g = np.zeros((6, 6), dtype=np.int8)
    g[5, 0] = 2  # ring 0: the corner cell
    g[3, 0:3] = 2  # ring 2
    g[3:6, 2] = 2
    out = continue_rings(g, fill=None)
    assert out is not None
    assert out[1, :5].tolist() == [2, 2, 2, 2, 2] and out[1:6, 4].tolist() == [2, 2, 2, 2, 2]
    assert out[0].tolist() == [0] * 6
