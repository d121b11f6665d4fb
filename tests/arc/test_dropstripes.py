"""The dropstripes specialist on real training tasks, plus a hand-made grid."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.dropstripes import drop_stripes, drop_stripes_spec

from .family_checks import assert_solves_with, fitting, training_task


def test_drop_stripes_spec_solves_834ec97d() -> None:
    assert_solves_with(drop_stripes_spec, "834ec97d", "drop_stripes(direction='down', colour=4, period=2)")


def test_drop_stripes_spec_rejects_an_unrelated_task() -> None:
    assert fitting(drop_stripes_spec, training_task("a5313dff")) == []


def test_drop_stripes_steps_left_with_stripes_behind() -> None:
    g = np.zeros((5, 5), dtype=np.int8)
    g[2, 2] = 3
    out = drop_stripes(g, "left", 4, 2)
    assert out is not None
    assert out[2, 1] == 3
    assert (out[0, 2:] == 4).all() and (out[2, 2:] == 4).all() and (out[4, 2:] == 4).all()
    assert (out[1] == 0).all()
