"""Routed path: a path leaves the start segment and turns toward the target at every block."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.route import route_path, routed_path

from .family_checks import assert_solves_with, fitting, training_task


def test_routed_path_solves_2dd70a9a() -> None:
    assert_solves_with(routed_path, "2dd70a9a", "route_path(start=3, target=2, paint=3)")


def test_routed_path_rejects_a_recolouring_task() -> None:
    assert fitting(routed_path, training_task("a5313dff")) == []


def test_route_turns_at_a_block() -> None:
    g = np.zeros((6, 6), dtype=np.int8)
    g[4, 0] = g[5, 0] = 3  # start segment pointing up
    g[0, 0] = 8  # block at the top
    g[1, 4] = 2  # target
    out = route_path(g, 3, 2, 3)
    assert out is not None
    assert out[1:4, 0].tolist() == [3, 3, 3] and out[1, 1:4].tolist() == [3, 3, 3]
