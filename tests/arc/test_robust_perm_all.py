"""Robustness of specialists to a consistent permutation of all ten colours over a whole task (perm_all), so that the
background is no longer 0: the background, the pad colour and the unknown colour must be learned from the demos. Each
variant is built here from a real ARC-AGI-1 *training* task, as .dev/augment.py does, and the specialist must still
predict the held-out test output."""

from __future__ import annotations

import random
import zlib

import numpy as np
import pytest

from synthloop.arc.dsl.specialists.colourlist import colour_list
from synthloop.arc.dsl.specialists.countboard import count_board_tiles
from synthloop.arc.dsl.specialists.cropcount import crop_by_colour_count
from synthloop.arc.dsl.specialists.halveskron import halves_kron
from synthloop.arc.dsl.specialists.keyline import recolour_by_line_key
from synthloop.arc.dsl.specialists.keyquadrants import key_quadrants
from synthloop.arc.dsl.specialists.keyseq import keyed_sequence
from synthloop.arc.dsl.specialists.learn import task_background
from synthloop.arc.dsl.specialists.parityflood import parity_flood_fill
from synthloop.arc.dsl.specialists.rowstack import stack_rows
from synthloop.arc.dsl.specialists.sortbars import sort_bars
from synthloop.arc.grid import ArcTask, as_grid

from .family_checks import fitting, solves, training_task


def _perm_all(task: ArcTask) -> ArcTask:
    """All colours 0-9 permuted consistently over the task, seeded by the task id (as .dev/augment.py does)."""
    rng = random.Random(zlib.crc32(task.id.encode()) % 1000)
    cols = list(range(10))
    perm = cols[:]
    while perm == cols:
        rng.shuffle(perm)
    lut = np.arange(10)
    lut[cols] = perm
    f = lambda g: as_grid(lut[np.asarray(g)])  # noqa: E731
    return ArcTask(task.id, [(f(i), f(o)) for i, o in task.train], [(f(i), f(o)) for i, o in task.test])


@pytest.mark.parametrize(("spec", "task_id", "program"), [
    # every colour listed (0 among them), the bars padded with the one colour the outputs add
    (colour_list, "4be741c5", "colour_list(source='all', order='auto', layout='auto')"),
    (colour_list, "9af7a82c", "colour_list(source='all', order='count_desc', layout='bars_down', pad=5)"),
    # the background is the task's (5), although the test grid has more cells of the listed colour
    (colour_list, "d631b094", "colour_list(source='background', order='count_desc', layout='bars_right')"),
    # the unknown cells are the colour the inputs show and the outputs never do
    (keyed_sequence, "539a4f51", "keyed_sequence(key='shell', unknown=9, size='2x2 the input')"),
    # the frame outnumbers the background
    (key_quadrants, "77fdfe62",
     "recolour_pattern_by_key(pattern=most common non-frame colour, background=most common lineless colour)"),
    (crop_by_colour_count, "e50d258f", "crop_by_colour_count(colour=4, most, objects=m8, background=9)"),
    (crop_by_colour_count, "8efcae92", "crop_by_colour_count(colour=0, most, objects=m8, background=7)"),
    (count_board_tiles, "91413438", "count_board(background=2)"),
    # the test grid ties its background with a key colour
    (halves_kron, "b190f7f5", "key_times_shape(halves, background=9)"),
    # the walls outnumber the paths: the background is the colour the demos paint over
    (parity_flood_fill, "b782dc8a", "parity_flood(connectivity=4, background=8)"),
    (stack_rows, "feca6190", "row_stack(shift=right, up=True, rows=width_times_colours, square=True, background=7)"),
    (stack_rows, "bbc9ae5d", "row_stack(smear=right, up=False, rows=half_width, square=False, background=2)"),
    (sort_bars, "beb8660c", "sort_bars(edge=bottom, longest_first, flush=far_end, background=9)"),
    (recolour_by_line_key, "c9f8e694", "recolour_by_line_key(target=4, axis='rows', background=1)"),
])
def test_specialist_solves_the_colour_permuted_task(spec, task_id: str, program: str) -> None:
    task = _perm_all(training_task(task_id))
    cands = fitting(spec, task)
    assert cands, f"{spec.__name__} explains no demo set of perm_all {task_id}"
    assert cands[0].program == program
    assert solves(task, cands)


def test_task_background_is_learned_from_all_demos_not_guessed_per_grid() -> None:
    task = _perm_all(training_task("b190f7f5"))
    assert task_background(task) == 9  # the test grid alone ties 9 with a key colour
    assert task_background(training_task("b190f7f5")) == 0
