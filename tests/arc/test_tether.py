"""Round-5b family: retract a one-cell tether, pulling its object up to what the tether touches."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.tether import retract_tethers, tether_retract

from .family_checks import assert_solves_with, fitting, training_task


def test_tether_retract_solves_98cf29f8() -> None:
    assert_solves_with(tether_retract, "98cf29f8", "retract_tethers()")


def test_tether_retract_rejects_a_recolouring_task() -> None:
    assert fitting(tether_retract, training_task("a5313dff")) == []


def test_retract_moves_block_by_tether_length() -> None:
    g = np.zeros((8, 10), dtype=np.int8)
    g[2:5, 0:2] = 6  # anchor
    g[3, 2:5] = 3  # tether of length 3 leaving the block leftwards
    g[2:5, 5:7] = 3  # the block
    out = retract_tethers(g)
    assert out is not None
    want = np.zeros_like(g)
    want[2:5, 0:2] = 6
    want[2:5, 2:4] = 3
    assert np.array_equal(out, want)
