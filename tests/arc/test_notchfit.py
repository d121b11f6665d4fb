"""Notch fit: loose pieces move into a wall's notches, filling them exactly."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.notchfit import fit_notches, notch_fit

from .family_checks import assert_solves_with, fitting, training_task


def test_notch_fit_solves_6a1e5592() -> None:
    assert_solves_with(notch_fit, "6a1e5592", "fit_notches(colour=1)")


def test_notch_fit_rejects_a_recolouring_task() -> None:
    assert fitting(notch_fit, training_task("a5313dff")) == []


def test_fit_notches_left_wall() -> None:
    g = np.zeros((5, 6), dtype=np.int8)
    g[:, 0] = 2
    g[:, 1] = 2
    g[2, 1] = 0  # a one-cell notch in a wall on the left side
    g[4, 4] = 5  # one loose piece
    out = fit_notches(g, 1)
    assert out is not None and out[2, 1] == 1 and out[4, 4] == 0
