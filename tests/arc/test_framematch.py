"""Frame match: the loose shape goes inside the corner-marked frame, sides matched by colour."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.framematch import frame_match, frame_matches

from .family_checks import assert_solves_with, fitting, training_task


def test_frame_match_solves_846bdb03() -> None:
    assert_solves_with(frame_matches, "846bdb03", "frame_match()")


def test_frame_match_rejects_a_recolouring_task() -> None:
    assert fitting(frame_matches, training_task("a5313dff")) == []


def test_frame_match_mirrors_the_shape() -> None:
    g = np.zeros((8, 8), dtype=np.int8)
    g[0, 0] = g[0, 3] = g[3, 0] = g[3, 3] = 4
    g[1:3, 0] = 2
    g[1:3, 3] = 1
    g[6, 5:7] = [1, 2]  # must be mirrored to put 2 on the left
    g[5, 5:7] = [1, 2]
    out = frame_match(g)
    assert out is not None and out[1:3, 1:3].tolist() == [[2, 1], [2, 1]]
