"""Fragment fill: marker fragments are completed to the grid's one symmetric shape."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.fragmentfill import fill_fragments, fragment_fill

from .family_checks import assert_solves_with, fitting, training_task


def test_fragment_fill_solves_50846271() -> None:
    assert_solves_with(fragment_fill, "50846271", "fill_fragments(marker=2, fill=8, sym=rot4, gap=2)")


def test_fragment_fill_solves_1b60fb0c() -> None:
    task = training_task("1b60fb0c")
    assert fitting(fragment_fill, task)


def test_fragment_fill_rejects_a_recolouring_task() -> None:
    assert fitting(fragment_fill, training_task("a5313dff")) == []


def test_fill_fragments_completes_a_plus() -> None:
    g = np.full((7, 7), 5, dtype=np.int8)
    g[3, 1:6] = 2  # the horizontal arm of a plus, the vertical arm hidden under 5
    out = fill_fragments(g, 2, 8, "rot4", 1, {5})
    assert out is not None
    assert out[1:6, 3].tolist() == [8, 8, 2, 8, 8]
