"""Empty roads on a real training task and a hand-made grid."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.emptyroads import empty_roads, paint_roads

from .family_checks import assert_solves_with, fitting, training_task


def test_empty_roads_solves_a64e4611() -> None:
    assert_solves_with(empty_roads, "a64e4611", "paint_roads(colour=3, least=2/3)")


def test_empty_roads_rejects_a_recolouring_task() -> None:
    assert fitting(empty_roads, training_task("a5313dff")) == []


def test_corridor_keeps_a_margin_from_the_field() -> None:
    rng = np.random.default_rng(0)
    g = (rng.random((12, 12)) < 0.6).astype(np.int8) * 4
    g[:, 4:9] = 0  # a vertical corridor five wide
    g[0, :] = g[-1, :] = 4
    g[:, 3] = g[:, 9] = 4  # walls of field cells beside it
    out = paint_roads(g, 3, 2, 3)
    assert out is not None
    assert (out[2:10, 5:8] == 3).all() and (out[1, 4:9] == 0).all() and (out[1:11, 4] == 0).all()
