"""Notch lines on real training tasks and a hand-made grid."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.notchlines import draw_notch_lines, notch_lines

from .family_checks import assert_solves_with, fitting, training_task


def test_notch_lines_solves_f1cefba8() -> None:
    assert_solves_with(notch_lines, "f1cefba8", "draw_notch_lines()")


def test_notch_lines_rejects_a_recolouring_task() -> None:
    assert fitting(notch_lines, training_task("a5313dff")) == []


def test_one_top_notch_shoots_a_column() -> None:
    g = np.zeros((9, 7), dtype=np.int8)
    g[2:7, 1:6] = 4
    g[3:6, 2:5] = 6
    g[2, 3] = 6  # notch in the top side of the frame
    out = draw_notch_lines(g)
    assert out is not None
    assert out[:2, 3].tolist() == [6, 6] and out[7:, 3].tolist() == [6, 6]
    assert out[2:7, 3].tolist() == [4] * 5
    assert out[4, 2] == 6 and out[0, 0] == 0
