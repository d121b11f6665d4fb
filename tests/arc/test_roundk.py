"""Round-k specialist families on real training tasks: bar halves, header cycle, colour-count bars."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.barhalves import bar_halves, recolour_bar_halves
from synthloop.arc.dsl.specialists.colourbars import colour_bars, colour_count_bars
from synthloop.arc.dsl.specialists.headercycle import cycle_header, header_cycle

from .family_checks import assert_solves_with


def test_bar_halves_solves_ce9e57f2() -> None:
    assert_solves_with(bar_halves, "ce9e57f2", "recolour_bar_halves(end='bottom', colour=8, round_up=False)")


def test_recolour_bar_halves_rejects_a_blob() -> None:
    g = np.zeros((4, 4), dtype=np.int8)
    g[1:3, 1:3] = 2
    assert recolour_bar_halves(g, "bottom", 8, False) is None


def test_header_cycle_solves_bd4472b8() -> None:
    assert_solves_with(header_cycle, "bd4472b8", "cycle_header(side='top', skip=2)")


def test_cycle_header_works_from_the_left() -> None:
    g = np.zeros((2, 5), dtype=np.int8)
    g[:, 0] = [3, 4]
    out = cycle_header(g, "left", 1)
    assert out is not None and out.tolist() == [[3, 3, 4, 3, 4], [4, 3, 4, 3, 4]]


def test_colour_bars_solves_fcc82909() -> None:
    assert_solves_with(colour_bars, "fcc82909", "colour_count_bars(side='below', colour=3)")


def test_colour_count_bars_length_is_colour_count() -> None:
    g = np.zeros((6, 3), dtype=np.int8)
    g[0, 0:2] = [1, 2]
    out = colour_count_bars(g, 0, 3)
    assert out is not None and out[1:3, 0:2].tolist() == [[3, 3], [3, 3]] and out[3:, :].max() == 0
