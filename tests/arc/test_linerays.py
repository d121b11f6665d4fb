"""Round-5b family: rays from loose cells to the full line of their colour."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.linerays import line_rays, rays_to_lines

from .family_checks import assert_solves_with, fitting, training_task


def test_line_rays_solves_5daaa586() -> None:
    assert_solves_with(line_rays, "5daaa586", "rays_to_lines(crop=True)")


def test_line_rays_rejects_a_recolouring_task() -> None:
    assert fitting(line_rays, training_task("a5313dff")) == []


def test_rays_stop_at_own_line_and_skip_blocked_cells() -> None:
    g = np.zeros((7, 6), dtype=np.int8)
    g[5, :] = 3  # row line of colour 3
    g[:, 4] = 1  # column line of colour 1 (crossing the row line)
    g[5, 4] = 3
    g[1, 1] = 3  # ray down to row 5
    g[2, 5] = 1  # ray left to column 4
    g[6, 2] = 1  # beyond nothing: ray right to column 4 (no line in between)
    out = rays_to_lines(g, crop=False)
    assert out is not None
    assert (out[1:5, 1] == 3).all() and out[0, 1] == 0
    assert out[2, 5] == 1 and out[2, 4] == 1
    assert (out[6, 2:4] == 1).all()
