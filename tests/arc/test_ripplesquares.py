"""The ripplesquares specialist on real training tasks, plus a hand-made grid."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.ripplesquares import ripple_squares, ripple_squares_spec

from .family_checks import assert_solves_with, fitting, training_task


def test_ripple_squares_spec_solves_5c2c9af4() -> None:
    assert_solves_with(ripple_squares_spec, "5c2c9af4", "ripple_squares()")


def test_ripple_squares_spec_rejects_an_unrelated_task() -> None:
    assert fitting(ripple_squares_spec, training_task("a5313dff")) == []


def test_ripple_squares_draws_rings_to_the_edge() -> None:
    g = np.zeros((7, 7), dtype=np.int8)
    g[1, 1] = g[3, 3] = g[5, 5] = 6
    out = ripple_squares(g)
    assert out is not None
    assert (out[1, 1:6] == 6).all() and (out[5, 1:6] == 6).all() and out[3, 3] == 6 and out[2, 2] == 0


def test_ripple_squares_needs_equal_spacing() -> None:
    g = np.zeros((7, 7), dtype=np.int8)
    g[0, 0] = g[2, 2] = g[5, 5] = 6
    assert ripple_squares(g) is None
