"""Round-i specialist families on real training tasks: cells by position, corner pieces, hole windows."""

from __future__ import annotations

import time

import numpy as np

from synthloop.arc.dsl.specialists.cellposition import cell_positions, paint_positions
from synthloop.arc.dsl.specialists.cornerpieces import assemble_corners, corner_pieces
from synthloop.arc.dsl.specialists.holefill import fill_windows, hole_windows

from .family_checks import assert_solves_with, solves, training_task


def test_cell_positions_solves_941d9a10() -> None:
    assert_solves_with(cell_positions, "941d9a10", "paint_cell_positions([(('first', 'first'), 1), "
                       "(('last', 'last'), 3), (('middle', 'middle'), 2)])")


def test_paint_positions_needs_line_grid() -> None:
    assert paint_positions(np.zeros((5, 5), dtype=np.int8), {("first", "first"): 1}) is None


def test_corner_pieces_solves_a61ba2ce() -> None:
    assert_solves_with(corner_pieces, "a61ba2ce", "assemble_corners()")


def test_assemble_corners_rejects_three_pieces() -> None:
    g = np.zeros((8, 8), dtype=np.int8)
    g[0:2, 0] = 1
    g[0, 1] = 1
    g[4:6, 5] = 2
    g[5, 4] = 2
    g[0, 6:8] = 3
    g[1, 7] = 3
    assert assemble_corners(g) is None


def test_hole_windows_solves_a8d7556c_despite_one_slip() -> None:
    task = training_task("a8d7556c")
    cands = hole_windows(task, time.monotonic() + 10)
    assert cands and cands[0].program == "fill_windows(hole=0, fill=2, 2x2)"
    assert cands[0].train_correct == len(task.train) - 1
    assert solves(task, cands)


def test_fill_windows_paints_only_full_windows() -> None:
    g = np.array([[0, 0, 5], [0, 0, 0], [5, 0, 5]], dtype=np.int8)
    out = fill_windows(g, 0, 2, 2, 2)
    assert out is not None
    assert out.tolist() == [[2, 2, 5], [2, 2, 0], [5, 0, 5]]


def test_families_reject_unrelated_task() -> None:
    task = training_task("007bbfb7")
    for spec in (cell_positions, corner_pieces, hole_windows):
        assert spec(task, time.monotonic() + 10) == []
