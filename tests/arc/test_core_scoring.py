"""Official scoring (2 attempts, all test outputs) and choosing the two attempts from candidates."""

from __future__ import annotations

import numpy as np
import pytest

from synthloop.arc.attempts import best_candidate, pick_attempts, pick_with_sources, rank_candidates
from synthloop.arc.grid import ArcTask, Candidate, as_grid, grid_key
from synthloop.arc.scoring import TaskScore, score_submission, score_task, summarize

A, B, C, D = (as_grid([[v]]) for v in (1, 2, 3, 4))
WIDE = as_grid([[1, 1]])


def task(expected: list, tid: str = "t") -> ArcTask:
    return ArcTask(tid, train=[(A, A)], test=[(A, e) for e in expected])


def test_right_in_attempt_two_counts_but_a_third_attempt_does_not():
    t = task([B])
    assert score_task(t, [[A, B]]).solved is True
    assert score_task(t, [[A, C, B]]).solved is False
    assert score_task(t, [[]]).solved is False
    assert score_task(t, []).correct == [False]


def test_multi_test_task_counts_only_if_every_output_is_right():
    t = task([B, C])
    s = score_task(t, [[B], [A, D]])
    assert s.correct == [True, False] and s.solved is False and s.fraction == 0.5
    assert score_task(t, [[A, B], [C]]).solved is True


def test_shape_matters_and_unknown_outputs_are_not_scored():
    t = task([A])
    assert score_task(t, [[WIDE]]).solved is False
    hidden = task([None])
    s = score_task(hidden, [[A]])
    assert s.correct == [None] and s.solved is None and not s.known


def test_summary_reports_task_and_per_output_accuracy():
    scores = [TaskScore([True]), TaskScore([True, False]), TaskScore([False]), TaskScore([None])]
    s = summarize(scores)
    assert s["tasks"] == 3 and s["solved"] == 1 and s["accuracy"] == pytest.approx(1 / 3)
    assert s["outputs"] == 4 and s["outputs_correct"] == 2 and s["output_accuracy"] == 0.5
    assert s["arc_prize_score"] == pytest.approx((1 + 0.5 + 0) / 3)
    assert s["unscored_tasks"] == 1


def test_score_submission_in_arc_prize_format():
    tasks = [task([B, C], "two"), task([D], "one"), task([A], "missing")]
    sub = {"two": [{"attempt_1": [[9]], "attempt_2": [[2]]}, {"attempt_1": [[3]], "attempt_2": [[0]]}],
           "one": [{"attempt_1": "garbage", "attempt_2": [[4]]}]}
    s = score_submission(sub, tasks)
    assert s["solved"] == 2 and s["tasks"] == 3 and s["outputs_correct"] == 3


def cand(prog: str, preds: list, right: int, size: int = 1, total: int = 3) -> Candidate:
    return Candidate(program=prog, description=prog, predictions=preds, train_correct=right, train_total=total,
                     size=size)


def test_rank_by_demos_explained_then_size_then_source_order():
    c1 = cand("small-partial", [A], 2, size=1)
    c2 = cand("big-full", [B], 3, size=9)
    c3 = cand("small-full", [C], 3, size=2)
    c4 = cand("small-full-later", [D], 3, size=2)
    assert [c.program for c in rank_candidates([c1, c2, c3, c4])] == [
        "small-full", "small-full-later", "big-full", "small-partial"]
    assert best_candidate([c1, c2, c3, c4]).program == "small-full"
    assert best_candidate([]) is None


def test_two_best_distinct_predictions_per_test_input():
    cands = [cand("a", [A, B], 3), cand("b", [A, C], 3, size=2), cand("c", [B, C], 2)]
    att = pick_attempts(cands, 2)
    assert [grid_key(g) for g in att[0]] == [grid_key(A), grid_key(B)]  # "b" duplicates A for input 0
    assert [grid_key(g) for g in att[1]] == [grid_key(B), grid_key(C)]
    assert [[c.program for c in row] for row in pick_with_sources(cands, 2)] == [["a", "c"], ["a", "b"]]


def test_failed_predictions_are_skipped():
    cands = [cand("fails-on-test", [None], 3), cand("works", [B], 1)]
    assert [grid_key(g) for g in pick_attempts(cands, 1)[0]] == [grid_key(B)]


def test_candidates_explaining_no_demo_only_fill_what_nothing_better_fills():
    good = cand("good", [A], 2)
    junk = [cand("junk1", [B], 0), cand("junk2", [C], 0)]
    att = pick_attempts([*junk, good], 1)
    assert [grid_key(g) for g in att[0]] == [grid_key(A), grid_key(B)]  # good first, junk only fills attempt 2
    two_good = [*junk, good, cand("good2", [D], 1)]
    assert [grid_key(g) for g in pick_attempts(two_good, 1)[0]] == [grid_key(A), grid_key(D)]
    assert pick_attempts([], 2) == [[], []]


def test_pick_attempts_grids_are_the_candidates_own():
    g = as_grid(np.arange(6).reshape(2, 3) % 10)
    out = pick_attempts([cand("x", [g], 1)], 1)
    assert out[0][0] is g
