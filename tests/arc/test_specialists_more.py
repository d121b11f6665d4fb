"""The later specialists (majority / roles / object recolouring / rays / region fill) on real ARC-AGI-1 *training*
tasks, and the solver's policy of shrinking the DSL search when strong specialists already explain every demo."""

from __future__ import annotations

import time

import numpy as np
import pytest

from synthloop.arc.dataset import load_tasks
from synthloop.arc.dsl.specialists.denoise import majority_fill
from synthloop.arc.dsl.specialists.objrecolour import object_recolour, recolour_by_key
from synthloop.arc.dsl.specialists.rays import rays_to_target
from synthloop.arc.dsl.specialists.regions import fill_touching
from synthloop.arc.dsl.specialists.roles import role_recolour
from synthloop.arc.grid import ArcTask, Candidate, as_grid
from synthloop.arc.symbolic import SymbolicSolver, is_memorising, search_share


def _task(tid: str) -> ArcTask:
    return load_tasks("arcagi", "training", ids=[tid])[0]


def _solves(task: ArcTask, cands: list[Candidate]) -> bool:
    return all(any(c.predictions[k] is not None and np.array_equal(c.predictions[k], out) for c in cands[:2])
               for k, (_, out) in enumerate(task.test))


@pytest.mark.parametrize(("spec", "task_id"), [
    (majority_fill, "5614dbcf"), (majority_fill, "e26a3af2"),
    (role_recolour, "f76d97a5"), (role_recolour, "aabf363d"),
    (object_recolour, "d2abd087"), (object_recolour, "08ed6ac7"),
    (recolour_by_key, "ddf7fa4f"), (recolour_by_key, "2204b7a8"),
    (rays_to_target, "d43fd935"), (rays_to_target, "2c608aff"),
    (fill_touching, "9edfc990"),
])
def test_specialist_solves_held_out_test_input(spec, task_id: str) -> None:
    task = _task(task_id)
    cands = [c for c in spec(task, time.monotonic() + 10.0) if c.solves_train]
    assert cands, f"{spec.__name__} explains no demo set of {task_id}"
    assert _solves(task, cands)
    assert cands[0].program and cands[0].description


@pytest.mark.parametrize("spec", [majority_fill, role_recolour, object_recolour, recolour_by_key, rays_to_target,
                                  fill_touching])
def test_specialists_do_not_claim_a_rotation_task(spec) -> None:
    task = _task("3c9b0459")  # rotate by 180 degrees: none of these families applies
    assert not [c for c in spec(task, time.monotonic() + 10.0) if c.solves_train]


def _cand(pred: np.ndarray, family: str, **meta) -> Candidate:
    return Candidate("p", "d", [as_grid(pred)], 3, 3, source="specialist", meta={"family": family, **meta})


def test_search_share_follows_the_strength_of_the_claims() -> None:
    a, b = np.zeros((2, 2), np.int8), np.ones((2, 2), np.int8)
    weak = _cand(a, "local_rule", weak=True, covered=False)
    assert is_memorising(weak) and not is_memorising(_cand(a, "crop"))
    assert search_share([], 1) == 1.0
    assert search_share([weak], 1) == 1.0  # only a memorising rule: full search
    assert 0 < search_share([weak, _cand(a, "crop")], 1) < 1.0  # one strong answer: a second opinion
    assert search_share([_cand(a, "crop"), _cand(b, "layers")], 1) == 0.0  # two strong answers: no search


def test_strong_specialists_skip_the_search_and_save_time() -> None:
    task = _task("3c9b0459")
    a, b = as_grid(np.rot90(np.asarray(task.test_inputs[0]), 2)), as_grid(np.asarray(task.test_inputs[0]))

    def two_strong(task, deadline):
        return [Candidate("x", "x", [a], len(task.train), len(task.train), source="specialist",
                          meta={"family": "crop"}),
                Candidate("y", "y", [b], len(task.train), len(task.train), source="specialist",
                          meta={"family": "layers"})]

    solver = SymbolicSolver(time_limit_s=10.0, specialists=[two_strong])
    t0 = time.monotonic()
    cands = solver.solve(task, time.monotonic() + 10.0)
    assert time.monotonic() - t0 < 1.0
    assert [c.program for c in cands] == ["x", "y"]  # no search candidates were added


def test_ranking_demotes_a_prediction_that_leaves_the_test_input_unchanged() -> None:
    from synthloop.arc.attempts import pick_attempts, plausibility_penalty

    task = _task("3c9b0459")  # every demo changes its input
    inp = as_grid(np.asarray(task.test_inputs[0]))
    right = task.test[0][1]
    n = len(task.train)
    lazy = Candidate("id", "keep the input", [inp], n, n, size=1, source="specialist")
    good = Candidate("rot", "rotate", [right], n, n, size=5, source="specialist")
    assert plausibility_penalty(lazy, task) == 2 and plausibility_penalty(good, task) == 0
    cands = SymbolicSolver(time_limit_s=5.0, specialists=[lambda t, d: [lazy, good]], cpu_limit_s=0.2).solve(
        task, time.monotonic() + 5.0)
    first = pick_attempts(cands, 1)[0][0]
    assert np.array_equal(first, right)
