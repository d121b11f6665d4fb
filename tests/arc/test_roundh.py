"""Marker stamps (templates copied onto lone marker cells, at pixel and cell level) and edge marks (a mark on a grid
edge in line with each object's centre), on the real training tasks they were made for, plus near misses."""

from __future__ import annotations

import numpy as np
from tests.arc.family_checks import assert_solves_with, fitting, training_task

from synthloop.arc.dsl.specialists.edgemark import _marks, edge_marks
from synthloop.arc.dsl.specialists.markerstamp import _apply, marker_stamps


def test_marker_stamps_learns_a_mirror_per_marker_colour():
    assert_solves_with(marker_stamps, "3e980e27", "marker_stamp(pixels, {2:flip_lr, 3:id})")


def test_marker_stamps_works_on_the_cell_level_of_a_lined_grid():
    assert_solves_with(marker_stamps, "39e1d7f9", "marker_stamp(cells, {2:id, 4:id, 6:id})")


def test_marker_stamps_copies_the_template_around_a_lone_marker():
    g = np.zeros((7, 7), dtype=int)
    g[1, 1], g[1, 2] = 3, 4  # template: marker 3 with a 4 to its right
    g[5, 3] = 3
    out = _apply(g, {3: 1})  # flipped left-right: the 4 goes to the left of the lone 3
    assert out is not None and out[5, 2] == 4 and out[5, 4] == 0


def test_marker_stamps_declines_a_task_without_templates():
    assert fitting(marker_stamps, training_task("54d82841")) == []


def test_edge_marks_marks_the_bottom_under_each_cup():
    assert_solves_with(edge_marks, "54d82841", "edge_marks(bottom, 4)")


def test_edge_marks_rejects_an_object_of_even_width():
    g = np.zeros((4, 4), dtype=int)
    g[0, 0:2] = 3
    assert _marks(g, "bottom", 4) is None
    assert fitting(edge_marks, training_task("3e980e27")) == []
