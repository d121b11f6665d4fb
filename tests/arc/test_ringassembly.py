"""The ringassembly specialist on real training tasks, plus a hand-made grid."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.ringassembly import ring_assembly, ring_assembly_spec

from .family_checks import assert_solves_with, fitting, training_task


def test_ring_assembly_spec_solves_4290ef0e() -> None:
    assert_solves_with(ring_assembly_spec, "4290ef0e", "ring_assembly()")


def test_ring_assembly_spec_rejects_an_unrelated_task() -> None:
    assert fitting(ring_assembly_spec, training_task("a5313dff")) == []


def test_ring_assembly_completes_a_cut_ring() -> None:
    g = np.zeros((8, 8), dtype=np.int8)
    g[6, 6] = 3  # a one-cell centre
    g[0:3, 1] = g[0:3, 5] = 7  # the lower part of a 5 x 5 ring outline cut off by the top edge
    g[2, 1:6] = 7
    out = ring_assembly(g)
    assert out is not None and out.shape == (5, 5)
    assert out[2, 2] == 3 and (out[0] == 7).all() and (out[:, 4] == 7).all() and out[1, 1] == 0 and out[2, 1] == 0
