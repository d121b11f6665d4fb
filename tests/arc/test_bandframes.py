"""The bandframes specialist on real training tasks, plus a hand-made grid."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.bandframes import band_frames, band_frames_spec

from .family_checks import assert_solves_with, fitting, training_task


def test_band_frames_spec_solves_1bfc4729() -> None:
    assert_solves_with(band_frames_spec, "1bfc4729", "band_frames(columns=False)")


def test_band_frames_spec_rejects_an_unrelated_task() -> None:
    assert fitting(band_frames_spec, training_task("a5313dff")) == []


def test_band_frames_in_columns() -> None:
    g = np.zeros((4, 6), dtype=np.int8)
    g[1, 1] = 2
    g[2, 4] = 5
    out = band_frames(g, True)
    assert out is not None
    assert (out[:, 1] == 2).all() and (out[:, 0] == 2).all() and (out[0, :3] == 2).all()
    assert (out[:, 4] == 5).all() and (out[:, 5] == 5).all() and (out[3, 3:] == 5).all()
    assert out[1, 2] == 0
