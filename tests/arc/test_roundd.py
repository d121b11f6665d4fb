"""Jigsaw pieces into a rectangle, windows around anchor cells overlaid, edge padding, and a shifted row pattern
carried on to a fixed canvas, each on the real training task it was made for, plus near misses it must decline."""

from __future__ import annotations

import numpy as np
from tests.arc.family_checks import assert_solves_with, fitting, training_task

from synthloop.arc.dsl.specialists.anchorwindow import anchor_windows, overlay_windows
from synthloop.arc.dsl.specialists.edgepad import edge_pad, pad_edges
from synthloop.arc.dsl.specialists.jigsaw import assemble, jigsaw
from synthloop.arc.dsl.specialists.shiftcanvas import continue_down, shift_canvas


def test_jigsaw_fits_two_pieces_into_a_square():
    assert_solves_with(jigsaw, "681b3aeb", "jigsaw(pieces='colours')")


def test_jigsaw_declines_pieces_that_leave_a_hole():
    g = np.zeros((6, 6), dtype=int)
    g[0, 0:3] = 1
    g[4, 4] = 2
    g[5, 5] = 2  # two cells that no translation fits beside a bar into a full rectangle
    assert assemble(g) is None


def test_anchor_windows_overlays_the_pieces_around_each_anchor():
    assert_solves_with(anchor_windows, "137eaa0f", "anchor_windows(anchor=5, shape=(3, 3))")


def test_anchor_windows_rejects_clashing_windows():
    g = np.zeros((7, 7), dtype=int)
    g[1, 1] = g[5, 5] = 5
    g[0, 0], g[4, 4] = 3, 4  # the same window cell holds 3 around one anchor and 4 around the other
    assert overlay_windows(g, 5, (3, 3)) is None


def test_edge_pad_copies_each_edge_outward():
    assert_solves_with(edge_pad, "49d1d64f", "edge_pad(corner=0)")
    assert pad_edges(np.array([[1, 2]]), 0).tolist() == [[0, 1, 2, 0], [1, 1, 2, 2], [0, 1, 2, 0]]


def test_shift_canvas_continues_a_staircase():
    assert_solves_with(shift_canvas, "53b68214", "shift_canvas(shape=(10, 10))")
    g = np.array([[1, 1, 0, 0, 0], [0, 1, 0, 0, 0]])
    assert continue_down(g, (3, 5)) is None  # two rows do not show a period


def test_new_families_decline_other_tasks():
    for tid in ("1fad071e", "d90796e8", "3bd67248"):
        task = training_task(tid)
        for spec in (jigsaw, anchor_windows, edge_pad, shift_canvas):
            assert fitting(spec, task) == []
