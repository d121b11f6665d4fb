"""Round-2 (rounde) specialist families on real ARC-AGI-1 *training* tasks: thin-line colour squares, count boards,
row colour by marker position, band holes to lines and panel codes. Each predicts the held-out test output, and
each says nothing on a task whose rule it does not fit."""

from __future__ import annotations

import numpy as np
import pytest

from synthloop.arc.dsl.specialists import SPECIALISTS
from synthloop.arc.dsl.specialists.bandlines import band_hole_lines, band_lines
from synthloop.arc.dsl.specialists.countboard import count_board, count_board_tiles
from synthloop.arc.dsl.specialists.linelist import line_colour_square, line_square
from synthloop.arc.dsl.specialists.panelcode import panel_code
from synthloop.arc.dsl.specialists.rowkey import row_colour_by_marker

from .family_checks import assert_solves_with, fitting, training_task

FAMILIES = [line_colour_square, count_board_tiles, row_colour_by_marker, band_hole_lines, panel_code]


@pytest.mark.parametrize(("spec", "task_id", "program"), [
    (line_colour_square, "8e1813be", "line_colour_square()"),
    (count_board_tiles, "91413438", "count_board()"),
    (row_colour_by_marker, "a85d4709", "row_colour_by_marker(transpose=False, table={2: 3, 1: 4, 0: 2})"),
    (band_hole_lines, "855e0971", "band_hole_lines(hole=0)"),
    (panel_code, "995c5fa3", "panel_code(transpose=False, width=None)"),
])
def test_family_solves_task(spec, task_id: str, program: str) -> None:
    assert_solves_with(spec, task_id, program)


@pytest.mark.parametrize("spec", FAMILIES)
def test_registered(spec) -> None:
    assert spec in SPECIALISTS


@pytest.mark.parametrize("task_id", ["007bbfb7", "3618c87e", "d06dbe63", "a8d7556c"])
def test_silent_on_other_rules(task_id: str) -> None:
    task = training_task(task_id)
    for spec in FAMILIES:
        assert not fitting(spec, task), spec.__name__


def test_count_board_geometry() -> None:
    g = np.array([[1, 0], [0, 0]], dtype=np.int8)  # one coloured cell, three background: 3 x 3 slots, one filled
    out = count_board(g)
    assert out is not None and out.shape == (6, 6)
    assert np.array_equal(out[:2, :2], g) and not out[:, 2:].any() and not out[2:].any()


def test_line_square_orientation_and_cut_lines() -> None:
    g = np.zeros((7, 7), dtype=np.int8)
    g[1, :] = 3
    g[4, :3] = 6
    g[4, 5:] = 6  # one line cut in two
    g[3:6, 3:5] = 5  # the block that cuts it
    out = line_square(g)
    assert out is not None and np.array_equal(out, np.array([[3, 3], [6, 6]]))
    assert np.array_equal(line_square(g.T), np.array([[3, 6], [3, 6]]))


def test_band_lines_cut_across_band() -> None:
    g = np.full((4, 5), 2, dtype=np.int8)
    g[2:, :] = 4
    g[0, 1] = 0
    out = band_lines(g, 0)
    assert out is not None and out[:2, 1].tolist() == [0, 0] and (out[2:, 1] == 4).all()
