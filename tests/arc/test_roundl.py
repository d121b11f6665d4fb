"""Round-l specialist families on real training tasks: corner throw."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.cornerthrow import _throw, corner_throw

from .family_checks import assert_solves_with, fitting, training_task


def test_corner_throw_solves_93b581b8() -> None:
    assert_solves_with(corner_throw, "93b581b8", "corner_throw(inset=0, k=2, clear=False)")


def test_corner_throw_solves_952a094c() -> None:
    assert_solves_with(corner_throw, "952a094c", "corner_throw(inset=1, k=1, clear=True)")


def test_corner_throw_rejects_a_recolouring_task() -> None:
    assert fitting(corner_throw, training_task("a5313dff")) == []


def test_throw_needs_coloured_corners() -> None:
    g = np.zeros((6, 6), dtype=np.int8)
    g[2, 2] = g[2, 3] = g[3, 2] = 4  # one corner of the 2x2 box is background
    assert _throw(g, 0, 1, False) is None
