"""The local-rule refinement of search states (dsl/refine.py): hand-made grids, declines, real training tasks."""

from __future__ import annotations

import time

import numpy as np
import pytest

from synthloop.arc.dataset import load_tasks
from synthloop.arc.dsl.refine import REFINE_COST, RuleRefinement, learn_refinement
from synthloop.arc.dsl.search import REFINE_MAX_ERROR, REFINE_RESERVE, RefinePool, SearchStats, search
from synthloop.arc.symbolic import solution_to_candidate


def _g(rows: list[str]) -> np.ndarray:
    return np.array([[int(c) for c in r] for r in rows], dtype=np.int8)


def _isolated_rule(g: np.ndarray) -> np.ndarray:
    """Colour-1 cells with no colour-1 4-neighbour become 2 (the rule the hand-made demos follow)."""
    out = g.copy()
    h, w = g.shape
    for r in range(h):
        for c in range(w):
            if g[r, c] != 1:
                continue
            nbs = [g[r + dr, c + dc] for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1))
                   if 0 <= r + dr < h and 0 <= c + dc < w]
            if 1 not in nbs:
                out[r, c] = 2
    return out


_DEMOS = [
    _g(["1100", "0001", "0100", "0011"]),
    _g(["1010", "1000", "0001", "1101"]),
    _g(["0110", "0000", "1001", "0100"]),
]


def test_learns_a_neighbour_rule_and_predicts_exactly() -> None:
    test = _g(["1001", "0110", "0000", "1010"])
    found = learn_refinement(_DEMOS, [_isolated_rule(g) for g in _DEMOS], lambda: [test])
    assert found is not None
    ref, preds = found
    assert ref.names[0] == "colour" and len(ref.names) >= 2
    expected = _g(["2002", "0110", "0000", "2020"])
    assert np.array_equal(preds[0], expected)
    assert np.array_equal(preds[0], _isolated_rule(test))
    assert "table" in ref.phrase and ref.name.startswith("local_rule(")


def test_declines_contradicting_demos() -> None:
    # the same cell signature (an isolated 1, no neighbours) wants 2 in one demo and 3 in the other
    a, b = _g(["100", "000", "001"]), _g(["001", "000", "100"])
    outs = [_g(["200", "000", "002"]), _g(["003", "000", "300"])]
    assert learn_refinement([a, b], outs, lambda: [a]) is None


def test_declines_a_test_signature_never_seen() -> None:
    # over (colour, n4count) the demos never show a coloured cell with 4 coloured neighbours (the plus's centre):
    # the table may not guess it
    sets = [("colour", "n4count")]
    outs = [_isolated_rule(g) for g in _DEMOS]
    plus = _g(["0100", "1110", "0100", "0000"])
    assert learn_refinement(_DEMOS, outs, lambda: [plus], sets, rules=False) is None
    seen = _g(["1001", "0110", "0000", "1010"])  # the same set on a test it covers
    found = learn_refinement(_DEMOS, outs, lambda: [seen], sets, rules=False)
    assert found is not None and np.array_equal(found[1][0], _isolated_rule(seen))


def test_declines_when_one_pair_cannot_be_learned_from_the_others() -> None:
    # two demos: each demo's table must predict the other exactly; here the second shows a case the first lacks
    a, b = _g(["10", "00"]), _g(["11", "00"])
    outs = [_g(["20", "00"]), _g(["33", "00"])]
    assert learn_refinement([a, b], outs, lambda: [a]) is None


def _solved(task, sol) -> bool:
    return all(p is not None and p.shape == np.asarray(o).shape and np.array_equal(p, o)
               for p, (_, o) in zip(sol.predictions, task.test, strict=True))


def test_search_solves_real_tasks_with_a_refined_state() -> None:
    for task_id in ("3618c87e", "23581191"):
        task = load_tasks("arcagi", "training", ids=[task_id])[0]
        stats = SearchStats()
        sols = search(task.train, task.test_inputs, time.monotonic() + 20, stats=stats,
                      cpu_deadline=time.process_time() + 3.0)
        refined = [s for s in sols if s.refinement is not None]
        assert refined and _solved(task, refined[0]), [s.program for s in sols]
        assert ("local_rule(" in refined[0].program or "rules(" in refined[0].program) and refined[0].steps
        assert refined[0].refinement.phrase in refined[0].phrases
        assert stats.refine_tries >= 1


def test_search_without_refinement_does_not_find_it() -> None:
    task = load_tasks("arcagi", "training", ids=["3618c87e"])[0]
    sols = search(task.train, task.test_inputs, time.monotonic() + 20, refine=False,
                  cpu_deadline=time.process_time() + 1.0)
    assert not any(s.refinement is not None for s in sols)
    assert not any(_solved(task, s) for s in sols if s.train_correct == s.train_total and not s.parts)


class _State:
    def __init__(self, cost: int):
        self.cost = cost


def test_refine_pool_keeps_the_closest_cheapest_states() -> None:
    pool = RefinePool(2)
    assert pool.reserve(10.0) == 0.0  # nothing kept: the search keeps its whole budget
    a, b, c, d = _State(3), _State(1), _State(2), _State(1)
    pool.offer(a, 5, 100)
    pool.offer(b, 5, 100)
    pool.offer(c, 2, 100)
    pool.offer(d, 90, 100)  # too far (over REFINE_MAX_ERROR of the cells wrong): never kept
    assert pool.ordered() == [c, b]
    assert pool.reserve(10.0) == pytest.approx(10.0 * REFINE_RESERVE)
    assert RefinePool(0).ordered() == [] and REFINE_MAX_ERROR < 0.9


def test_solver_candidate_of_a_refined_state_is_described() -> None:
    task = load_tasks("arcagi", "training", ids=["3618c87e"])[0]
    # a state budget, not a clock: which refinement is reached first must not depend on the machine's load
    sols = search(task.train, task.test_inputs, time.monotonic() + 60, max_states=1500)
    refined = [s for s in sols if s.refinement is not None]
    assert refined and refined[0].train_correct == refined[0].train_total == len(task.train)
    cand = solution_to_candidate(refined[0])
    assert cand.description.startswith("Take the input grid") and "learned from the examples" in cand.description
    assert refined[0].refinement.name in cand.program
    assert all(np.array_equal(p, o) for p, (_, o) in zip(cand.predictions, task.test, strict=True))


# ------------------------------------------------------------------------------- rule-list refinement of a state

def _remove_isolated(g: np.ndarray) -> np.ndarray:
    """Coloured cells with no coloured 4-neighbour become background."""
    out = g.copy()
    h, w = g.shape
    for r in range(h):
        for c in range(w):
            if g[r, c] and not any(0 <= r + dr < h and 0 <= c + dc < w and g[r + dr, c + dc]
                                   for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1))):
                out[r, c] = 0
    return out


def test_rule_list_fixes_a_state_and_predicts_exactly() -> None:
    test = _g(["1001", "0110", "0000", "1010"])
    outs = [_remove_isolated(g) for g in _DEMOS]
    assert learn_refinement(_DEMOS, outs, lambda: [test], sets=(), rules=False) is None  # no table offered
    found = learn_refinement(_DEMOS, outs, lambda: [test], sets=())
    assert found is not None
    ref, preds = found
    assert isinstance(ref, RuleRefinement) and len(ref.rules) == 1
    assert ref.name == "rules(if n4count=0 then 0)" and ref.cost == REFINE_COST + 1
    assert "leave the rest: if n4count=0 then 0" in ref.phrase
    assert np.array_equal(preds[0], _g(["0000", "0110", "0000", "0000"]))
    assert preds[0].dtype == np.int8


def test_rule_list_declines_a_rule_seen_in_one_demo_only() -> None:
    # only the first demo changes: a rule made up for one demo is no evidence of a general rule
    outs = [_remove_isolated(_DEMOS[0]), _DEMOS[1], _DEMOS[2]]
    assert learn_refinement(_DEMOS, outs, lambda: [_DEMOS[0]], sets=()) is None


def test_rule_list_declines_without_a_test_state_or_with_too_many_changes() -> None:
    outs = [_remove_isolated(g) for g in _DEMOS]
    assert learn_refinement(_DEMOS, outs, lambda: [None], sets=()) is None
    flipped = [np.where(g == 0, 3, g).astype(np.int8) for g in _DEMOS]  # most cells change: no short rule list
    assert learn_refinement(_DEMOS, flipped, lambda: [_DEMOS[0]], sets=()) is None
    # past the caller's CPU deadline the rules are not looked for at all
    assert learn_refinement(_DEMOS, outs, lambda: [_DEMOS[0]], sets=(), cpu_deadline=time.process_time() - 1) is None


def test_search_solves_real_tasks_with_a_rule_refined_state() -> None:
    for task_id in ("7e0986d6", "97999447"):
        task = load_tasks("arcagi", "training", ids=[task_id])[0]
        # a state budget, not a clock: the same states on a loaded machine (CI runs the suite beside other work)
        sols = search(task.train, task.test_inputs, time.monotonic() + 60, max_states=1500)
        ruled = [s for s in sols if isinstance(s.refinement, RuleRefinement)]
        assert ruled and _solved(task, ruled[0]), [s.program for s in sols]
        assert ruled[0].steps and " | rules(if " in ruled[0].program
