"""Cup beams: an open box fills with light that shines out of its gap."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.cupbeam import cup_beams, cup_light

from .family_checks import assert_solves_with, fitting, training_task


def test_cup_light_solves_aba27056() -> None:
    assert_solves_with(cup_light, "aba27056", "cup_beams(light=4, beam=True, spread=True)")


def test_cup_light_rejects_a_recolouring_task() -> None:
    assert fitting(cup_light, training_task("a5313dff")) == []


def test_beam_leaves_the_gap_and_spreads() -> None:
    g = np.zeros((6, 5), dtype=np.int8)
    g[3, :] = 6
    g[3, 2] = 0
    g[3:6, 0] = g[3:6, 4] = 6
    g[5, :] = 6
    out = cup_beams(g, light=4, beam=True, spread=True)
    assert out is not None
    assert out[4, 1:4].tolist() == [4, 4, 4] and out[:4, 2].tolist() == [4, 4, 4, 4]
    assert out[2, 1] == 4 and out[2, 3] == 4 and out[1, 0] == 4 and out[1, 4] == 4


def test_cup_light_solves_d4f3cd78() -> None:
    assert_solves_with(cup_light, "d4f3cd78", "cup_beams(light=8, beam=True, spread=False)")
