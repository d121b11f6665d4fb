"""Seed mirror: a shape is mirrored across each marker cell of its 2x2 seed block, in the marker's colour."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.seedmirror import seed_mirror, seed_mirrors

from .family_checks import assert_solves_with, fitting, training_task


def test_seed_mirror_solves_b775ac94() -> None:
    assert_solves_with(seed_mirrors, "b775ac94", "seed_mirror(cover=False)")


def test_seed_mirror_rejects_a_recolouring_task() -> None:
    assert fitting(seed_mirrors, training_task("a5313dff")) == []


def test_seed_mirror_reflects_across_each_marker() -> None:
    g = np.zeros((6, 6), dtype=np.int8)
    g[1, 1] = g[2, 1] = g[2, 2] = 3  # an L whose corner (2,2) seeds the block
    g[2, 3] = 5  # right marker: horizontal mirror
    g[3, 2] = 6  # lower marker: vertical mirror
    out = seed_mirror(g, cover=False)
    assert out is not None
    assert out[1, 4] == out[2, 4] == out[2, 3] == 5
    assert out[4, 1] == out[3, 1] == out[3, 2] == 6
