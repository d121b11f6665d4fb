"""The crosshairs specialist on real training tasks, plus a hand-made grid."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.crosshairs import crosshairs, crosshairs_spec

from .family_checks import assert_solves_with, fitting, training_task


def test_crosshairs_spec_solves_264363fd() -> None:
    assert_solves_with(crosshairs_spec, "264363fd", "crosshairs()")


def test_crosshairs_spec_rejects_an_unrelated_task() -> None:
    assert fitting(crosshairs_spec, training_task("a5313dff")) == []


def test_crosshairs_extends_long_arms_only() -> None:
    g = np.full((12, 12), 1, dtype=np.int8)
    g[1:6, 1:8] = 2
    g[3, 4] = 4
    g[8:11, 8] = 5  # template: centre 4, arms of 5 up and down, 3 wide body of 6
    g[9, 7] = g[9, 9] = 6
    g[9, 8] = 4
    g[8, 7] = g[8, 9] = g[10, 7] = g[10, 9] = 6
    g[7, 8] = g[11, 8] = 5
    out = crosshairs(g)
    assert out is not None
    assert (out[1:6, 4][[0, 1, 3, 4]] == 5).all() and out[3, 4] == 4
    assert out[3, 3] == 6 and out[3, 1] == 2 and (out[7:12, 7:10] == 1).all()
