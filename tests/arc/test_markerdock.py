"""Marker docking: shapes of one half move onto the lone markers of the other."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.markerdock import dock_on_markers, marker_docking

from .family_checks import assert_solves_with, fitting, training_task


def test_marker_docking_solves_e6721834() -> None:
    assert_solves_with(marker_docking, "e6721834", "dock_on_markers()")


def test_marker_docking_rejects_a_recolouring_task() -> None:
    assert fitting(marker_docking, training_task("a5313dff")) == []


def test_shape_docks_on_its_two_markers() -> None:
    g = np.full((5, 10), 8, dtype=np.int8)
    g[:, 5:] = 0
    g[1:3, 1:4] = 3
    g[1, 1] = g[2, 3] = 2  # the shape's markers
    g[2, 6] = g[3, 8] = 2  # the lone markers
    out = dock_on_markers(g)
    assert out is not None and out.shape == (5, 5)
    assert out[2:4, 1:4].tolist() == [[2, 3, 3], [3, 3, 2]]
