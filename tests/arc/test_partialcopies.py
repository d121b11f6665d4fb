"""Partial copies: complete every incomplete copy of the fullest band."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.partialcopies import complete_copies, complete_partial_copies

from .family_checks import assert_solves_with, fitting, training_task


def test_partial_copies_solves_90f3ed37() -> None:
    assert_solves_with(complete_partial_copies, "90f3ed37", "complete_copies(colour=1, axis=0, clip_end=True)")


def test_partial_copies_rejects_a_recolouring_task() -> None:
    assert fitting(complete_partial_copies, training_task("a5313dff")) == []


def test_column_band_is_completed() -> None:
    g = np.zeros((6, 5), dtype=np.int8)
    g[:, 0] = [8, 0, 8, 0, 8, 0]
    g[:2, 3] = [8, 0]
    out = complete_copies(g, colour=1, axis=1, clip_end=True)
    assert out is not None
    assert out[:, 3].tolist() == [8, 0, 1, 0, 1, 0]
