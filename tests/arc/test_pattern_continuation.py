"""Pattern-continuation specialists (seed motifs repeated to the border, a wallpaper shared by the demos, a pattern
continued under a filler colour, reflect-and-continue, colour sequences along line families): each solves the
held-out test input of real ARC-AGI-1 *training* tasks and declines tasks it does not fit."""

from __future__ import annotations

import numpy as np
import pytest

from synthloop.arc.dsl.specialists import SPECIALISTS
from synthloop.arc.dsl.specialists.keyseq import _cycle, keyed_sequence
from synthloop.arc.dsl.specialists.reflecttile import _index, reflect_tile
from synthloop.arc.dsl.specialists.seedrepeat import seed_repeat
from synthloop.arc.dsl.specialists.tilefill import continue_under_filler
from synthloop.arc.dsl.specialists.wallpaper import shared_wallpaper

from .family_checks import assert_solves_with, fitting, training_task

SOLVES = [
    (seed_repeat, "3ac3eb23", "seed_repeat(step=(2, 0), margin=1, both=False)"),
    (seed_repeat, "8403a5d5", "seed_repeat(step=(0, 4), margin=30, both=False)"),
    (seed_repeat, "d06dbe63", "seed_repeat(step=(-2, 2), margin=0, both=True)"),
    (shared_wallpaper, "7447852a", "shared_wallpaper(corner='top-left', tile=(3, 12))"),
    (continue_under_filler, "caa06a1f", "continue_under_filler(corner='bottom-right', shift=(0, 1))"),
    (reflect_tile, "eb281b96", "reflect_tile(rows=bounce(4, -3), cols=repeat(1, 0))"),
    (reflect_tile, "3af2c5a8", "reflect_tile(rows=mirror(2, 0), cols=mirror(2, 0))"),
    (keyed_sequence, "539a4f51", "keyed_sequence(key='shell', unknown=0, size='2x2 the input')"),
    (keyed_sequence, "05269061", "keyed_sequence(key='antidiagonal', unknown=0, size='1x1 the input')"),
]


@pytest.mark.parametrize(("spec", "task_id", "program"), SOLVES, ids=[f"{s.__name__}-{t}" for s, t, _ in SOLVES])
def test_solves_training_task(spec, task_id: str, program: str) -> None:
    assert_solves_with(spec, task_id, program)


DECLINES = [(seed_repeat, "0ca9ddb6"), (seed_repeat, "d4a91cb9"), (shared_wallpaper, "3ac3eb23"),
            (continue_under_filler, "3ac3eb23"), (continue_under_filler, "05269061"),
            (reflect_tile, "539a4f51"), (keyed_sequence, "eb281b96"), (keyed_sequence, "3ac3eb23")]


@pytest.mark.parametrize(("spec", "task_id"), DECLINES, ids=[f"{s.__name__}-{t}" for s, t in DECLINES])
def test_declines_unrelated_task(spec, task_id: str) -> None:
    assert not fitting(spec, training_task(task_id))


def test_bounce_and_mirror_indices() -> None:
    assert _index(3, 8, "bounce").tolist() == [0, 1, 2, 1, 0, 1, 2, 1]
    assert _index(3, 8, "mirror").tolist() == [0, 1, 2, 2, 1, 0, 0, 1]
    assert _index(3, 5, "repeat").tolist() == [0, 1, 2, 0, 1]


def test_cycle_fills_gaps_and_rejects_conflicts() -> None:
    assert _cycle([1, None, 3, 1, 2, None]) == [1, 2, 3]
    assert _cycle([1, 2, 1, 3]) == [1, 2, 1, 3]
    assert _cycle([None, 2]) == [2]
    assert _cycle([1, 2, 1]) == [1, 2]


def test_registered_before_the_broad_local_rules() -> None:
    names = [s.__name__ for s in SPECIALISTS]
    for spec in (seed_repeat, shared_wallpaper, continue_under_filler, reflect_tile, keyed_sequence):
        assert names.index(spec.__name__) < names.index("local_rules")


def test_seed_repeat_prediction_paints_only_background() -> None:
    task = training_task("3ac3eb23")
    pred = fitting(seed_repeat, task)[0].predictions[0]
    inp = np.asarray(task.test[0][0])
    assert pred is not None and np.array_equal(pred[inp != 0], inp[inp != 0])
