"""Zone rays: single-cell seeds shoot rays whose cells take the colour of their zone's seed."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.zonerays import zone_rays, zone_rays_rule

from .family_checks import assert_solves_with, fitting, training_task


def test_zone_rays_solves_d07ae81c() -> None:
    assert_solves_with(zone_rays_rule, "d07ae81c", "zone_rays(dirs='diagonal')")


def test_zone_rays_solves_623ea044() -> None:
    assert_solves_with(zone_rays_rule, "623ea044", "zone_rays(dirs='diagonal')")


def test_zone_rays_rejects_a_recolouring_task() -> None:
    assert fitting(zone_rays_rule, training_task("a5313dff")) == []


def test_rays_take_their_zone_colour() -> None:
    g = np.full((6, 6), 1, dtype=np.int8)
    g[:, 3:] = 2
    g[1, 1] = 7  # seed in zone 1
    g[4, 4] = 8  # seed in zone 2
    out = zone_rays(g, "diagonal")
    assert out is not None
    assert out[0, 0] == out[2, 2] == out[0, 2] == out[2, 0] == 7  # zone-1 cells on the rays
    assert out[3, 3] == out[5, 5] == out[3, 5] == out[5, 3] == 8  # zone-2 cells on the rays
    assert out[0, 3] == 2 and out[4, 0] == 1  # cells off the rays keep their colour
