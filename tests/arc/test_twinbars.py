"""The twinbars specialist on real training tasks, plus a hand-made grid."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.twinbars import twin_bars, twin_bars_spec

from .family_checks import assert_solves_with, fitting, training_task


def test_twin_bars_spec_solves_673ef223() -> None:
    assert_solves_with(twin_bars_spec, "673ef223", "twin_bars(columns=True, turn=4)")


def test_twin_bars_spec_rejects_an_unrelated_task() -> None:
    assert fitting(twin_bars_spec, training_task("a5313dff")) == []


def test_twin_bars_in_rows() -> None:
    g = np.zeros((5, 8), dtype=np.int8)
    g[0, 0:3] = 2
    g[4, 5:8] = 2
    g[2, 1] = 8
    out = twin_bars(g, False, 4)
    assert out is not None
    assert out[1, 1] == 8 and out[2, 1] == 4
    assert (out[0:4, 6] == 8).all() and out[0, 5] == 0
