"""Robustness of specialists to transformations that keep a task's rule: every grid mirrored left-right (flip), or
the first demo swapped with the test pair (swap). Each variant is built here from a real ARC-AGI-1 *training*
task, as .dev/augment.py does, and the specialist must still predict the held-out test output."""

from __future__ import annotations

import numpy as np
import pytest

from synthloop.arc.dsl.specialists.counting import counting
from synthloop.arc.dsl.specialists.cyclicshear import cyclic_shear, shear_cyclically
from synthloop.arc.dsl.specialists.meetlines import meet_lines_spec
from synthloop.arc.dsl.specialists.symmetry import extend_pattern
from synthloop.arc.dsl.specialists.tilefill import continue_under_filler
from synthloop.arc.grid import ArcTask, as_grid

from .family_checks import fitting, solves, training_task


def _flip(task: ArcTask) -> ArcTask:
    f = lambda g: as_grid(np.asarray(g)[:, ::-1].copy())  # noqa: E731
    return ArcTask(task.id, [(f(i), f(o)) for i, o in task.train], [(f(i), f(o)) for i, o in task.test])


def _swap(task: ArcTask) -> ArcTask:
    return ArcTask(task.id, list(task.train[1:]) + [task.test[0]], [task.train[0]])


@pytest.mark.parametrize(("spec", "task_id", "variant", "program"), [
    # the first N cells are counted from the right when the demos fill from the right
    (counting, "1fad071e", _flip,
     "first_n(shape=(1, 5), count=non_speck_objects_of_colour(c4,1), colour=1, rest=0, from the right)"),
    # the shear is counted from the last column
    (shear_cyclically, "e9afcf9a", _flip, "cyclic_shear(cols, step=1, from_end)"),
    # the filler corner is the one opposite the pattern's corner, wherever that is
    (continue_under_filler, "caa06a1f", _flip, "continue_under_filler(corner='bottom-left', shift=(0, 1))"),
    # more than six painted colours, one of them new (the meeting colour)
    (meet_lines_spec, "29c11459", _swap, "meet_lines(axis='rows', mid=5)"),
    # a pattern continued without recolouring keeps colours the demos never showed
    (extend_pattern, "963e52fc", _swap, "extend_periodic(x, ratio 1x2)"),
])
def test_specialist_solves_variant(spec, task_id: str, variant, program: str) -> None:
    task = variant(training_task(task_id))
    cands = fitting(spec, task)
    assert cands and cands[0].program == program
    assert solves(task, cands)
    assert solves(training_task(task_id), fitting(spec, training_task(task_id)))  # the original is still solved


def test_cyclic_shear_from_end_mirrors_the_shear() -> None:
    g = np.arange(12).reshape(3, 4)
    assert np.array_equal(cyclic_shear(g[:, ::-1], "cols", 1, from_end=True), cyclic_shear(g, "cols", 1)[:, ::-1])
