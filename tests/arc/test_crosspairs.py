"""The crosspairs specialist on real training tasks, plus a hand-made grid."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.crosspairs import cross_pairs, cross_pairs_spec

from .family_checks import assert_solves_with, fitting, training_task


def test_cross_pairs_spec_solves_22233c11() -> None:
    assert_solves_with(cross_pairs_spec, "22233c11", "cross_pairs(colour=8, spread=3)")


def test_cross_pairs_spec_rejects_an_unrelated_task() -> None:
    assert fitting(cross_pairs_spec, training_task("a5313dff")) == []


def test_cross_pairs_places_the_partner_pair() -> None:
    g = np.zeros((8, 8), dtype=np.int8)
    g[3, 4] = g[4, 3] = 3  # anti-diagonal pair, centre (4, 4)
    out = cross_pairs(g, 8, 3)
    assert out is not None
    assert out[2, 2] == 8 and out[5, 5] == 8
    assert np.count_nonzero(out == 8) == 2
