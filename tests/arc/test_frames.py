"""Specialists in other frames (frames.py) and their wiring into SymbolicSolver, on small synthetic ARC tasks."""

from __future__ import annotations

import time

import numpy as np
import pytest

from synthloop.arc.attempts import plausibility_penalty, rank_candidates
from synthloop.arc.dataset import load_tasks
from synthloop.arc.dsl.frames import (
    BACKGROUND_ZERO,
    COLOUR_RANKS,
    DIHEDRAL,
    FRAME_RANK_PENALTY,
    background_swap,
    frame_task,
    rank_perm,
    run_frames,
    unframe,
)
from synthloop.arc.dsl.specialists.cellular import rule_list
from synthloop.arc.dsl.specialists.colourlist import colour_list
from synthloop.arc.dsl.specialists.symmetry import extend_pattern
from synthloop.arc.grid import ArcTask, Candidate, as_grid
from synthloop.arc.symbolic import SymbolicSolver

G = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.int8)


def _task(pairs, tests, tid="synthetic") -> ArcTask:
    return ArcTask(id=tid, train=[(as_grid(i), as_grid(o)) for i, o in pairs],
                   test=[(as_grid(i), as_grid(o)) for i, o in tests])


# ------------------------------------------------------------------------------------------------ the transforms


def test_dihedral_frames_are_the_seven_other_symmetries_and_invert_exactly():
    seen = {G.tobytes() + bytes(G.shape)}
    for f in DIHEDRAL:
        g = f.fwd(G, G)
        assert np.array_equal(f.inv(g, G), G), f.name
        seen.add(g.tobytes() + bytes(g.shape))
    assert len(seen) == 8  # identity + 7 distinct transforms of an asymmetric grid


def test_rank_perm_orders_by_frequency_and_refuses_ties():
    g = np.array([[7, 7, 7], [7, 2, 2], [0, 0, 9]], dtype=np.int8)  # 7:4, 0:2, 2:2 -> tie
    assert rank_perm(g) is None
    g = np.array([[7, 7, 7], [7, 2, 2], [0, 2, 9]], dtype=np.int8)  # 7:4, 2:3, 0:1, 9:1 -> tie
    assert rank_perm(g) is None
    g = np.array([[7, 7, 7], [7, 2, 2], [9, 2, 9], [9, 9, 9]], dtype=np.int8)  # 9:5, 7:4, 2:3
    p = rank_perm(g)
    assert p is not None and (p[9], p[7], p[2]) == (0, 1, 2)
    assert sorted(p.tolist()) == list(range(10))  # a permutation of all ten colours
    assert np.array_equal(COLOUR_RANKS.inv(COLOUR_RANKS.fwd(g, g), g), g)


def test_colour_ranks_frame_only_applies_when_defined_and_not_a_no_op():
    a = np.array([[1, 1, 0]], dtype=np.int8)
    b = np.array([[3, 0, 0]], dtype=np.int8)
    tie = np.array([[1, 0]], dtype=np.int8)
    assert COLOUR_RANKS.applies(_task([(a, a), (b, b)], [(a, a)]))
    assert not COLOUR_RANKS.applies(_task([(a, a), (a, a)], [(a, a)]))  # one permutation everywhere: nothing gained
    assert not COLOUR_RANKS.applies(_task([(a, a), (tie, tie)], [(b, b)]))  # a tie: not well defined


def test_frame_task_hides_test_outputs_and_unframe_maps_predictions_back():
    task = _task([(G, G[::-1])], [(G, G)])
    rot = DIHEDRAL[0]
    framed = frame_task(task, rot)
    assert framed.test[0][1] is None
    assert np.array_equal(framed.train[0][0], np.rot90(G))
    c = Candidate("p", "do it", [as_grid(np.rot90(G))], 1, 1, size=3, meta={"family": "x"})
    back = unframe(c, rot, task.test_inputs)
    assert np.array_equal(back.predictions[0], G)
    assert back.program == "in_frame(rot90, p)" and back.description.startswith("in the frame rotated 90°")
    assert back.meta == {"family": "x", "frame": "rot90"} and back.size == 4


# ------------------------------------------------------------------------------- rules only a frame can express


def _parity_from_right(seed: int) -> ArcTask:
    """Grey cells in every second column counted from the RIGHT edge turn green; widths vary in parity, so counting
    from the left (the only way the rule features count) cannot express it."""
    rng = np.random.default_rng(seed)

    def pair(h, w):
        g = np.where(rng.random((h, w)) < 0.5, 5, 0).astype(np.int8)
        g[0, :] = 5
        out = g.copy()
        for c in range(w):
            if (w - 1 - c) % 2 == 0:
                out[:, c][g[:, c] == 5] = 3
        return g, out

    return _task([pair(3, 7), pair(4, 6), pair(3, 9), pair(4, 8)], [pair(3, 11)], "parity_right")


def _extend_left(tid="extend_left") -> ArcTask:
    """The input is the right-hand part of a 1-2-3 striped canvas twice its width: continue the stripes to the LEFT
    (anchored at the left edge, the continuation is shifted by a different amount in every pair)."""

    def pair(w, start):
        cols = [1 + (start + j) % 3 for j in range(w)]
        full = [1 + (start + c - w) % 3 for c in range(2 * w)]
        return np.array([cols] * 2, dtype=np.int8), np.array([full] * 2, dtype=np.int8)

    return _task([pair(4, 0), pair(5, 1), pair(4, 2), pair(5, 0)], [pair(7, 1)], tid)


@pytest.mark.parametrize("make,spec", [(lambda: _parity_from_right(1), rule_list), (_extend_left, extend_pattern)])
def test_a_rule_only_a_frame_can_express_is_found_there_and_mapped_back(make, spec):
    task = make()
    far = time.monotonic() + 20
    assert not any(c.solves_train for c in spec(task, far))  # the specialist alone, as the task is, fails
    found = run_frames([spec], task, far)
    assert found, "no frame let the specialist explain the demos"
    c = found[0]
    assert c.solves_train and c.meta["frame"] != "" and c.description.startswith("in the frame ")
    assert np.array_equal(c.predictions[0], task.test[0][1])


def test_symbolic_solver_tries_frames_ranks_them_below_identity_and_can_switch_them_off():
    task = _parity_from_right(2)
    solver = SymbolicSolver(time_limit_s=10, cpu_limit_s=2.5, specialists=[rule_list])
    cands = solver.solve(task, time.monotonic() + 10)
    framed = [c for c in cands if c.solves_train and c.meta.get("frame")]
    assert framed and np.array_equal(framed[0].predictions[0], task.test[0][1])
    assert solver.last_stats is not None and solver.last_stats.states > 0  # a framed rule does not skip the search
    c = framed[0]
    assert c.meta["rank_penalty"] == plausibility_penalty(c, task) + FRAME_RANK_PENALTY
    same_in_identity = Candidate(**{**c.__dict__, "meta": {**c.meta, "frame": None,
                                                            "rank_penalty": plausibility_penalty(c, task)}})
    assert rank_candidates([c, same_in_identity])[0] is same_in_identity  # Occam at equal train score

    off = SymbolicSolver(time_limit_s=10, cpu_limit_s=2.5, specialists=[rule_list], use_frames=False)
    assert not any(c.meta.get("frame") for c in off.solve(task, time.monotonic() + 10))


def test_frames_are_not_tried_when_the_task_as_given_is_already_explained():
    # the same stripes extended to the right: the identity frame explains it, so no frame is tried
    def pair(cols):
        return np.array([cols] * 2, dtype=np.int8), np.array([cols * 2] * 2, dtype=np.int8)

    task = _task([pair([1, 2, 1, 2]), pair([3, 4, 3, 4, 3, 4]), pair([6, 8])], [pair([4, 3, 4, 3, 4])])
    calls: list[int] = []

    def counted(t, deadline):
        calls.append(1)
        return extend_pattern(t, deadline)

    cands = SymbolicSolver(time_limit_s=10, cpu_limit_s=2.5, specialists=[counted]).solve(task, time.monotonic() + 10)
    assert len(calls) == 1 and cands and not any(c.meta.get("frame") for c in cands)


def test_frames_respect_the_cpu_budget_and_record_a_failing_specialist():
    task = _parity_from_right(3)
    assert run_frames([rule_list], task, time.monotonic() + 10, cpu_deadline=time.process_time() - 1) == []

    def broken(t, deadline):
        raise RuntimeError("boom")

    errors: list[str] = []
    assert run_frames([broken], task, time.monotonic() + 10, errors=errors) == []
    assert "broken in rot90: RuntimeError: boom" in errors


# ------------------------------------------------------------------------------------------------ the background frame


def test_background_swap_exchanges_the_commonest_colour_with_zero_and_refuses_ties():
    g = np.array([[3, 3, 3], [3, 0, 5]], dtype=np.int8)
    p = background_swap(g)
    assert p is not None and p[3] == 0 and p[0] == 3 and p[5] == 5
    assert np.array_equal(p[p[g]], g)  # its own inverse
    assert background_swap(np.array([[1, 2]], dtype=np.int8)) is None


def test_background_frame_applies_only_when_some_background_is_not_zero():
    black = _task([([[0, 0], [0, 1]], [[1, 1], [1, 1]])], [([[0, 0], [0, 2]], [[2, 2], [2, 2]])])
    grey = _task([([[5, 5], [5, 1]], [[1, 1], [1, 1]])], [([[5, 5], [5, 2]], [[2, 2], [2, 2]])])
    assert not BACKGROUND_ZERO.applies(black) and BACKGROUND_ZERO.applies(grey)


def test_a_family_that_expects_a_black_background_solves_a_recoloured_training_task_in_the_background_frame():
    task = load_tasks("arcagi", "training", ids=["cdecee7f"])[0]  # colours of the objects, listed in a snake
    lut = np.array([6, 3, 2, 1, 4, 5, 0, 7, 8, 9])  # background 0 becomes 6 (and 6 becomes 0)
    recoloured = _task([(lut[i], lut[o]) for i, o in task.train], [(lut[i], lut[o]) for i, o in task.test])
    assert not [c for c in colour_list(recoloured, time.monotonic() + 10) if c.solves_train]
    found = run_frames([colour_list], recoloured, time.monotonic() + 10, frames=[BACKGROUND_ZERO])
    assert found and found[0].program.startswith("in_frame(background_zero, colour_list(")
    assert np.array_equal(found[0].predictions[0], recoloured.test[0][1])
