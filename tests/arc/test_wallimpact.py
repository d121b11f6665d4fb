"""Wall impacts: seeds shoot rays at full-span walls and leave impact marks."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.wallimpact import wall_impact_rays, wall_impacts

from .family_checks import assert_solves_with, fitting, training_task


def test_wall_impact_solves_ecdecbb3() -> None:
    assert_solves_with(wall_impact_rays, "ecdecbb3", "wall_impacts(ray=True, radius=1, ring='wall', hit='seed')")


def test_wall_impact_rejects_a_recolouring_task() -> None:
    assert fitting(wall_impact_rays, training_task("a5313dff")) == []


def test_seed_between_two_walls_hits_both() -> None:
    g = np.zeros((7, 5), dtype=np.int8)
    g[0, :] = g[6, :] = 3
    g[3, 2] = 7
    out = wall_impacts(g, ray=True, radius=0, ring="wall", hit="seed")
    assert out is not None
    assert out[:, 2].tolist() == [7, 7, 7, 7, 7, 7, 7]
    assert out[0, 1] == 3 and out[6, 3] == 3
