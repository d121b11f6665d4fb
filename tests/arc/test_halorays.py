"""Halo rays: blocks get a size-scaled halo and cast a ray."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.halorays import halo_and_ray, halo_rays

from .family_checks import assert_solves_with, fitting, training_task


def test_halo_rays_solves_db93a21d() -> None:
    assert_solves_with(halo_rays, "db93a21d", "halo_and_ray(halo=3, ray=1, thick='half', direction='down')")


def test_halo_rays_rejects_a_recolouring_task() -> None:
    assert fitting(halo_rays, training_task("a5313dff")) == []


def test_halo_lies_above_the_ray() -> None:
    g = np.zeros((8, 6), dtype=np.int8)
    g[1:3, 2:4] = 9
    out = halo_and_ray(g, halo=3, ray=1, thick="one", direction="down")
    assert out is not None
    assert out[3, 1:5].tolist() == [3, 3, 3, 3]
    assert out[4:, 2].tolist() == [1, 1, 1, 1] and out[4:, 1].tolist() == [0, 0, 0, 0]
