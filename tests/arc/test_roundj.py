"""Round-j specialist families on real training tasks: frame copy, hole plugs, marker flip."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.framecopy import copy_frame, frame_copy
from synthloop.arc.dsl.specialists.holeplug import hole_plugs, plug_holes
from synthloop.arc.dsl.specialists.markerflip import flip_at_marker, marker_flip

from .family_checks import assert_solves_with


def test_frame_copy_solves_890034e9() -> None:
    assert_solves_with(frame_copy, "890034e9", "copy_frame()")


def test_copy_frame_needs_a_unique_empty_window() -> None:
    g = np.zeros((8, 8), dtype=np.int8)
    g[0:3, 0:3] = 2
    g[1, 1] = 0
    assert copy_frame(g) is None  # many all-zero 1x1 windows: ambiguous


def test_hole_plugs_solves_228f6490() -> None:
    assert_solves_with(hole_plugs, "228f6490", "plug_holes()")


def test_plug_holes_moves_the_matching_piece() -> None:
    g = np.zeros((6, 6), dtype=np.int8)
    g[0:3, 0:3] = 5
    g[1, 1] = 0
    g[5, 5] = 4
    out = plug_holes(g)
    assert out is not None and out[1, 1] == 4 and out[5, 5] == 0


def test_marker_flip_solves_2bcee788() -> None:
    assert_solves_with(marker_flip, "2bcee788", "flip_at_marker(marker=2, fill=3)")


def test_flip_at_marker_rejects_marker_inside_object() -> None:
    g = np.zeros((5, 5), dtype=np.int8)
    g[1:4, 1:4] = 6
    g[2, 2] = 2
    assert flip_at_marker(g, marker=2, fill=3) is None
