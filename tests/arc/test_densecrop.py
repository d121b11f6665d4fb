"""Round-5b family: crop the rectangle that is mostly one colour, stray cells painting lines."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.densecrop import crop_dense, dense_crop

from .family_checks import assert_solves_with, fitting, training_task


def test_dense_crop_solves_8731374e() -> None:
    assert_solves_with(dense_crop, "8731374e", "crop_dense(mode='cross')")


def test_dense_crop_rejects_a_recolouring_task() -> None:
    assert fitting(dense_crop, training_task("a5313dff")) == []


def test_crop_dense_finds_the_block_and_draws_a_cross() -> None:
    rng = np.random.default_rng(0)
    g = rng.integers(1, 9, size=(12, 12)).astype(np.int8)
    g[g == 4] = 5
    g[3:8, 2:9] = 4
    g[5, 4] = 7
    out = crop_dense(g, "cross")
    assert out is not None and out.shape == (5, 7)
    assert (out[2, :] == 7).all() and (out[:, 2] == 7).all()
    assert (out[0, [0, 1, 3, 4, 5, 6]] == 4).all()
