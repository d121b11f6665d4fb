"""The DSL state search on real ARC-AGI-1 training tasks: it solves them, describes them, dedupes, keeps deadlines."""

from __future__ import annotations

import time

import numpy as np
import pytest

from synthloop.arc.attempts import pick_attempts
from synthloop.arc.dataset import load_tasks
from synthloop.arc.dsl.primitives import NEW, fill_enclosed, gravity, task_info, task_ops
from synthloop.arc.dsl.search import SearchStats, learn_colour_map, search, solve_task
from synthloop.arc.grid import Candidate, as_grid
from synthloop.arc.symbolic import SymbolicSolver


def _task(task_id: str):
    return load_tasks("arcagi", "training", ids=[task_id])[0]


def _solves(task, cands) -> bool:
    attempts = pick_attempts(cands, len(task.test))
    return all(
        any(a.shape == out.shape and np.array_equal(a, out) for a in att)
        for att, (_, out) in zip(attempts, task.test, strict=True)
    )


@pytest.mark.parametrize(
    ("task_id", "expect"),
    [
        ("1cf80156", "crop"),  # crop to the content
        ("007bbfb7", "fractal"),  # each cell becomes a copy of the grid
        ("00d62c1b", "fill_enclosed"),  # fill enclosed background, new colour from the colour map
        ("0520fde7", "bool_and"),  # split at the separator, AND the halves
        ("1e0a9b12", "gravity_down"),  # let cells fall
    ],
)
def test_search_solves_real_tasks(task_id: str, expect: str) -> None:
    task = _task(task_id)
    solver = SymbolicSolver(time_limit_s=20.0, use_specialists=False)
    cands = solver.solve(task, time.monotonic() + 20.0)
    assert _solves(task, cands), [c.program for c in cands]
    best = max(cands, key=lambda c: (c.train_correct, -c.size))
    assert best.solves_train and expect in best.program
    assert best.description.startswith("Take the input grid") and len(best.description) > 25
    assert len(best.predictions) == len(task.test)


def test_rotation_task_solved_and_predictions_match() -> None:
    task = _task("3c9b0459")  # rotate half a turn
    sols = solve_task(task.train, task.test_inputs, time.monotonic() + 10.0)
    assert sols and sols[0].program in ("rot180", "flip_lr | flip_ud", "flip_ud | flip_lr")
    for pred, (_, out) in zip(sols[0].predictions, task.test, strict=True):
        assert np.array_equal(pred, out)


def test_tiny_time_limit_returns_quickly() -> None:
    task = _task("045e512c")  # not solvable by the search; it would use all its time
    solver = SymbolicSolver(time_limit_s=0.3)
    t0 = time.monotonic()
    solver.solve(task, time.monotonic() + 60.0)
    assert time.monotonic() - t0 < 1.5
    t0 = time.monotonic()
    stats = SearchStats()
    search(task.train, task.test_inputs, time.monotonic() + 0.2, stats=stats)
    assert time.monotonic() - t0 < 0.7 and stats.timed_out


def test_states_are_deduplicated() -> None:
    # rot90 four times, flip twice ... reach the same grids: each distinct state must be counted once
    task = _task("3c9b0459")
    stats = SearchStats()
    search(task.train, task.test_inputs, time.monotonic() + 1.0, max_depth=2, max_solutions=10**6, stats=stats)
    assert stats.duplicates > 0
    assert stats.states + stats.duplicates <= stats.evaluated


def test_colour_map_learning() -> None:
    a = np.array([[1, 0], [NEW, 1]], dtype=np.int8)
    b = as_grid([[2, 0], [5, 2]])
    assert learn_colour_map([a], [b]) == {1: 2, NEW: 5}
    assert learn_colour_map([a], [as_grid([[2, 0], [5, 3]])]) is None  # 1 would map to 2 and 3


def test_primitives_behave() -> None:
    g = np.array([[0, 3, 0], [3, 0, 3], [0, 3, 0]], dtype=np.int8)
    assert fill_enclosed(g)[1, 1] == NEW and fill_enclosed(g)[0, 0] == 0
    assert gravity(0)(g).tolist() == [[0, 0, 0], [0, 3, 0], [3, 3, 3]]
    ops = task_ops(task_info([g], [g]))
    names = {o.name for o in ops}
    assert {"rot90", "crop", "keep_colour(3)", "fill_enclosed"} <= names
    for op in ops:  # every op returns a grid or None, never raises, on a small grid
        r = op.fn(g)
        assert r is None or (r.ndim == 2 and r.dtype == np.int8), op.name


def test_a_failing_specialist_never_kills_the_task() -> None:
    task = _task("3c9b0459")

    def broken(task, deadline):
        raise RuntimeError("boom")

    def constant(task, deadline):
        return [Candidate("const", "always the first test input", [task.test_inputs[0]], 0, len(task.train),
                          source="specialist")]

    solver = SymbolicSolver(time_limit_s=10.0, specialists=[broken, constant])
    cands = solver.solve(task, time.monotonic() + 10.0)
    assert any(c.program == "const" for c in cands)
    assert any(c.solves_train and c.source == "symbolic" for c in cands)
    assert _solves(task, cands)
    assert solver.errors and "boom" in solver.errors[0]


def test_a_background_that_is_never_zero_is_searched_swapped_to_zero_first() -> None:
    # crop, shrink by 3, then the fractal of itself; recoloured so the background is 6. About 1 CPU s alone; the
    # first frame gets 0.6 of the CPU limit, and 2.5 s once ran out inside the full suite
    task = _task("80af3007")
    lut = np.array([6, 3, 2, 1, 4, 5, 0, 7, 8, 9], dtype=np.int8)
    train = [(lut[i], lut[o]) for i, o in task.train]
    sols = solve_task(train, [lut[i] for i, _ in task.test], time.monotonic() + 20.0, cpu_limit_s=5.0)
    assert sols and sols[0].program == "[bg<->0] crop | down_block(3) | fractal"
    assert all(np.array_equal(p, lut[o]) for p, (_, o) in zip(sols[0].predictions, task.test, strict=True))


def test_a_program_found_in_the_background_frame_that_needs_no_frame_is_reported_in_the_task_colours() -> None:
    task = _task("3c9b0459")  # a half turn: every input's commonest colour is not 0, yet no colour matters
    sols = solve_task(task.train, task.test_inputs, time.monotonic() + 10.0)
    assert sols and sols[0].frame == "" and not sols[0].program.startswith("[")
    assert all(np.array_equal(p, o) for p, (_, o) in zip(sols[0].predictions, task.test, strict=True))
