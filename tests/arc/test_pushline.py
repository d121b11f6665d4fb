"""Pushed lines: blobs on a line push a parallel copy of it past themselves."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.pushline import push_lines, pushed_lines

from .family_checks import assert_solves_with, fitting, training_task


def test_pushed_lines_solves_a78176bb() -> None:
    assert_solves_with(pushed_lines, "a78176bb", "push_lines(gap=1, erase=True)")


def test_pushed_lines_rejects_a_recolouring_task() -> None:
    assert fitting(pushed_lines, training_task("a5313dff")) == []


def test_row_line_pushed_below_a_blob() -> None:
    g = np.zeros((7, 5), dtype=np.int8)
    g[1, :] = 4
    g[2:4, 1] = 6
    out = push_lines(g, gap=1, erase=True)
    assert out is not None
    assert out[5].tolist() == [4] * 5 and (out[2:5] == 0).all()
