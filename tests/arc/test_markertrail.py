"""Marker trail: a shape is copied repeatedly, in its marker's colour, towards the marker."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.markertrail import marker_trail, marker_trails

from .family_checks import assert_solves_with, fitting, training_task


def test_marker_trail_solves_e8dc4411() -> None:
    assert_solves_with(marker_trails, "e8dc4411", "marker_trail()")


def test_marker_trail_rejects_a_recolouring_task() -> None:
    assert fitting(marker_trails, training_task("a5313dff")) == []


def test_marker_trail_repeats_a_domino() -> None:
    g = np.zeros((7, 7), dtype=np.int8)
    g[0, 0] = g[0, 1] = 3  # a horizontal domino
    g[1, 2] = 4  # marker below-right
    out = marker_trail(g)
    assert out is not None
    # the smallest diagonal shift that covers the marker without overlapping the domino is (1, 1)
    assert out[1, 1] == out[1, 2] == out[2, 2] == out[2, 3] == out[6, 6] == 4
    assert (out == 4).sum() == 11 and out[0, 0] == out[0, 1] == 3
