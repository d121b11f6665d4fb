"""The meta agent's view of the archive: everything when it fits, summaries (best few in full) when it does not."""

from __future__ import annotations

from synthloop.meta_search.archive import DesignRecord
from synthloop.meta_search.evaluate import EvalResult
from synthloop.meta_search.meta_agent import Proposal, render_archive
from synthloop.meta_search.stats import bootstrap_ci


def _rec(i: int, score: float, code_lines: int = 40) -> DesignRecord:
    scores = [1.0] * int(10 * score) + [0.0] * (10 - int(10 * score))
    res = EvalResult(item_ids=[f"t{k}" for k in range(10)], scores=scores, fitness=bootstrap_ci(scores))
    code = "def forward(task):\n" + "".join(f"    x{k} = {i}  # design {i}\n" for k in range(code_lines))
    return DesignRecord(id=f"g{i}", name=f"Design {i}", thought=f"Idea number {i}. " * 30, code=code,
                        generation=i, origin="meta", validation=res.to_json())


def test_small_archive_is_shown_in_full():
    recs = [_rec(i, 0.1 * i) for i in range(1, 4)]
    text = render_archive(recs, max_chars=100_000)
    for r in recs:
        assert r.code.strip() in text and r.name in text and str(r.result.fitness) in text


def test_large_archive_is_summarised_with_code_for_the_best_few():
    recs = [_rec(i, (i % 7) / 10) for i in range(1, 30)]
    full = render_archive(recs, max_chars=10**9)
    budget = len(full) // 4
    text = render_archive(recs, max_chars=budget)
    assert len(text) <= budget
    best = sorted(recs, key=lambda r: r.result.fitness.mean, reverse=True)[:3]
    for r in best:
        assert r.code.strip() in text
    worst = min(recs, key=lambda r: r.result.fitness.mean)
    assert worst.code.strip() not in text and worst.name in text  # summarised: name and fitness only
    assert "95% CI" in text


def test_tiny_budget_keeps_the_best_summaries():
    recs = [_rec(i, (i % 7) / 10) for i in range(1, 30)]
    text = render_archive(recs, max_chars=700)
    assert len(text) <= 700 and "left out" in text
    assert "Design 6 " in text or "Design 6 (" in text  # a top scorer survives


def test_failed_designs_are_listed_separately():
    ok = _rec(1, 0.5)
    bad = _rec(2, 0.0)
    bad.validation = EvalResult(item_ids=["a"], scores=[0.0], fitness=bootstrap_ci([0.0]),
                                errors={"a": "ZeroDivisionError: division by zero"}).to_json()
    text = render_archive([ok, bad], max_chars=100_000)
    assert "failed on every task" in text and "ZeroDivisionError" in text
    assert bad.code not in text


def test_proposal_unfences_code_and_accepts_parent_strings():
    p = Proposal.model_validate({"thought": "t", "name": "  My   design ", "parents": "A, B",
                                 "code": "```python\ndef forward(task):\n    return 1\n```"})
    assert p.code == "def forward(task):\n    return 1" and p.parents == ["A", "B"] and p.name == "My design"
