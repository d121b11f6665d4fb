"""Corner halos on a real training task and a hand-made grid."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.cornerhalos import _dots, corner_halos, halo_corners

from .family_checks import assert_solves_with, fitting, training_task


def test_corner_halos_solves_f35d900a() -> None:
    assert_solves_with(corner_halos, "f35d900a", "halo_corners(dot=5)")


def test_corner_halos_rejects_a_recolouring_task() -> None:
    assert fitting(corner_halos, training_task("a5313dff")) == []


def test_dots_meet_from_both_rings() -> None:
    assert _dots(2, 13) == [4, 6, 9, 11]
    assert _dots(3, 10) == [5, 8]


def test_halo_takes_the_partner_colour() -> None:
    g = np.zeros((9, 9), dtype=np.int8)
    g[1, 1] = g[7, 5] = 2
    g[1, 5] = g[7, 1] = 3
    out = halo_corners(g, 5)
    assert out is not None
    assert out[0, 0] == 3 and out[1, 1] == 2 and out[0, 4] == 2
    assert out[1, 3] == 5 and out[3, 1] == out[5, 1] == 5 and out[4, 1] == 0
