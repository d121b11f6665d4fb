"""Meeting brackets on a real training task and a hand-made grid."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.meetbrackets import meet, meet_brackets

from .family_checks import assert_solves_with, fitting, training_task


def test_meet_brackets_solves_b7249182() -> None:
    assert_solves_with(meet_brackets, "b7249182", "meet_brackets(half=2, arm=1)")


def test_meet_brackets_rejects_a_recolouring_task() -> None:
    assert fitting(meet_brackets, training_task("a5313dff")) == []


def test_brackets_meet_mid_gap() -> None:
    g = np.zeros((5, 8), dtype=np.int8)
    g[2, 0], g[2, 7] = 3, 4
    out = meet(g, 1, 1)
    assert out is not None
    assert out.tolist() == [[0, 0, 0, 0, 0, 0, 0, 0],
                            [0, 0, 3, 3, 4, 4, 0, 0],
                            [3, 3, 3, 0, 0, 4, 4, 4],
                            [0, 0, 3, 3, 4, 4, 0, 0],
                            [0, 0, 0, 0, 0, 0, 0, 0]]
    g[2, 7] = 0
    g[2, 6] = 4  # an even gap has no middle
    assert meet(g, 1, 1) is None
