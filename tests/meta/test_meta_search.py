"""A real 3-generation search: scripted models, designs run in the bwrap sandbox on real ARC tasks."""

from __future__ import annotations

import json

import pytest
from scripted_meta import GOOD, split_file

from synthloop.config import load_config, to_toml
from synthloop.memory.runstore import RunStore
from synthloop.meta_search.archive import Archive
from synthloop.meta_search.search import SearchParams, run_search
from synthloop.meta_search.testing import run_test


@pytest.fixture(scope="module")
def searched(reachable_dir, sandbox):
    import scripted_meta

    tmp = reachable_dir()
    cfg = load_config(None, {"runs_dir": str(tmp / "runs"), "meta.debug_tries": 1, "meta.reflections": 1,
                             "meta.generations": 3, "meta.bootstrap_samples": 500})
    params = SearchParams(domain="arc", domain_options={"split_file": split_file(tmp / "split.json")},
                          generations=3, workers=2, timeout_s=2.0, max_calls_per_item=10, seeds=["cot"])
    run = RunStore(cfg.runs_dir).create("meta-search", to_toml(cfg), params=params.to_json())
    model = scripted_meta.scripted_model(run=run, role="design")
    messages: list[str] = []
    result = run_search(run, cfg, model=model, meta_model=model.with_role("meta"), sandbox=sandbox,
                        progress=messages.append)
    return run, cfg, result, model, messages


def test_search_archives_every_design_with_errors_recorded(searched):
    run, cfg, result, model, messages = searched
    recs = {r.id: r for r in Archive(run.path / "archive.jsonl").designs()}
    assert list(recs) == ["seed-cot", "g1", "g1.d1", "g2", "g2.d1", "g3"]
    # the design that raises: every item fails with the exception, recorded (not swallowed)
    for rid in ("g1", "g1.d1"):
        errs = recs[rid].result.errors
        assert set(errs) == {"6150a2bd", "ed36ccf7"}
        assert all(e.startswith("ZeroDivisionError") for e in errs.values())
        assert "ratio = len(reply.code) / 0" in recs[rid].result.traceback
    # the design that loops forever is killed at its timeout on every item
    for rid in ("g2", "g2.d1"):
        r = recs[rid].result
        assert r.timeouts == 2 and all(e.startswith("timed out") for e in r.errors.values())
    # a failing design got its debug try; only the last try is the generation's final design
    assert [recs[i].final for i in ("g1", "g1.d1", "g2", "g2.d1", "g3")] == [False, True, False, True, True]
    assert recs["g1.d1"].parents == ["g1"] and recs["g1"].parents == ["seed-cot"]
    # the seed solves the rotate-180 task only; the good design solves both
    assert recs["seed-cot"].result.scores == [1.0, 0.0]
    assert recs["g3"].result.scores == [1.0, 1.0] and recs["g3"].code == GOOD
    f = recs["g3"].result.fitness
    assert (f.mean, f.low, f.high) == (1.0, 1.0, 1.0)
    assert result["chosen"]["id"] == "g3"
    assert run.info.status == "done"
    assert any("g3 'Verified Transform Library': validation 100.0%" in m for m in messages)


def test_meta_agent_saw_archive_fitness_and_debug_error(searched):
    run, _, _, model, _ = searched
    meta_calls = [c["messages"] for c in model.inner.calls if "meta agent" in c["messages"][0]["content"]
                  or "researcher in agentic systems" in c["messages"][0]["content"]]
    # 3 proposals x (1 + 1 reflection) + 2 debug tries
    assert len(meta_calls) == 8
    last_proposal = [m for m in meta_calls if len(m) == 2][-1][1]["content"]
    assert "Chain-of-Thought (generation 0)" in last_proposal and "95% CI" in last_proposal
    debug = [m for m in meta_calls if "does not work" in m[-1]["content"]]
    assert "ZeroDivisionError" in debug[0][-1]["content"] and "timed out" in debug[1][-1]["content"]


def test_lineage_graph(searched):
    run, *_ = searched
    g = Archive(run.path / "archive.jsonl").lineage()
    assert set(g.edges) == {("seed-cot", "g1"), ("g1", "g1.d1"), ("g2", "g2.d1"), ("seed-cot", "g3")}
    assert g.nodes["g3"]["mean"] == 1.0


def test_events_account_every_model_call(searched):
    run, *_ = searched
    events = list(run.events())
    calls = [e for e in events if e["kind"] == "model_call"]
    assert {e["role"] for e in calls} == {"design", "meta"}
    evaluated = [e for e in events if e["kind"] == "design_evaluated"]
    assert len(evaluated) == 6
    logs = sorted(p.name for p in (run.path / "evals").iterdir())
    assert "g2.validation.jsonl" in logs
    lines = [json.loads(x) for x in (run.path / "evals" / "g2.validation.jsonl").read_text().splitlines()]
    assert all(x["timed_out"] for x in lines)


def test_meta_test_reports_design_chosen_on_validation(searched, sandbox):
    run, cfg, _, model, _ = searched
    summary = run_test(run, cfg, model=model, sandbox=sandbox)
    assert summary["chosen"]["id"] == "g3"
    assert summary["chosen"]["test"]["mean"] == 1.0
    assert summary["seeds"]["seed-cot"]["test"]["mean"] == pytest.approx(1 / 3)
    tests = Archive(run.path / "archive.jsonl").tests()
    assert set(tests) == {"g3", "seed-cot"}
    # a second `meta test` evaluates nothing again
    n_events = len(list(run.events()))
    run_test(run, cfg, model=model, sandbox=sandbox)
    assert not [e for e in list(run.events())[n_events:] if e["kind"] == "design_evaluated"]
