"""The leanmirror specialist on real training tasks, plus a hand-made grid."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.leanmirror import lean_mirror, lean_mirror_spec

from .family_checks import assert_solves_with, fitting, training_task


def test_lean_mirror_spec_solves_760b3cac() -> None:
    assert_solves_with(lean_mirror_spec, "760b3cac", "lean_mirror(pointer=4, shape=8, across=True)")


def test_lean_mirror_spec_rejects_an_unrelated_task() -> None:
    assert fitting(lean_mirror_spec, training_task("a5313dff")) == []


def test_lean_mirror_flips_towards_the_lean() -> None:
    g = np.zeros((6, 8), dtype=np.int8)
    g[0, 3] = g[1, 3] = g[1, 4] = 8
    g[4, 3:6] = 4
    g[3, 5] = 4  # leans right
    out = lean_mirror(g, 4, 8, True)
    assert out is not None
    assert out[0, 6] == 8 and out[1, 6] == 8 and out[1, 5] == 8 and out[0, 5] == 0
