"""A spent budget stops the search resumably (no partial results archived); a meta agent that never returns a
valid design costs its generation, on record, not the run."""

from __future__ import annotations

import json

import pytest
from scripted_meta import design_reply, dispatch, split_file

from synthloop.agents.budget import Budget
from synthloop.agents.metered import MeteredModel
from synthloop.agents.model import BudgetExceeded
from synthloop.agents.scripted import ScriptedModel
from synthloop.config import load_config, to_toml
from synthloop.memory.runstore import RunStore
from synthloop.meta_search.archive import Archive
from synthloop.meta_search.search import SearchParams, run_search


def _new_run(tmp, generations: int):
    cfg = load_config(None, {"runs_dir": str(tmp / "runs"), "meta.debug_tries": 0, "meta.reflections": 0,
                             "meta.generations": generations, "meta.bootstrap_samples": 200})
    params = SearchParams(domain="arc", domain_options={"split_file": split_file(tmp / "split.json")},
                          generations=generations, workers=1, timeout_s=5.0, seeds=["cot"])
    return cfg, RunStore(cfg.runs_dir).create("meta-search", to_toml(cfg), params=params.to_json())


def test_budget_exceeded_stops_and_resumes(reachable_dir, sandbox):
    cfg, run = _new_run(reachable_dir(), generations=0)
    poor = MeteredModel(ScriptedModel([dispatch] * 100), run=run, budget=Budget(max_tokens=1))
    with pytest.raises(BudgetExceeded):
        run_search(run, cfg, model=poor, meta_model=poor, sandbox=sandbox)
    run = RunStore(cfg.runs_dir).open(run.id)
    assert run.info.status == "budget_exceeded" and "resume" in run.info.error
    assert Archive(run.path / "archive.jsonl").designs() == []  # the partial evaluation was not archived

    run.reopen()
    rich = MeteredModel(ScriptedModel([dispatch] * 100), run=run)
    result = run_search(run, cfg, model=rich, meta_model=rich, sandbox=sandbox)
    assert result["chosen"]["id"] == "seed-cot"
    assert Archive(run.path / "archive.jsonl").get("seed-cot").result.scores == [1.0, 0.0]


def test_invalid_proposals_skip_the_generation(reachable_dir, sandbox):
    cfg, run = _new_run(reachable_dir(), generations=1)

    def reply(messages):
        if "researcher in agentic systems" in messages[0]["content"]:
            return "I would rather not answer in JSON."
        return design_reply(messages)

    model = MeteredModel(ScriptedModel([reply] * 100), run=run)
    result = run_search(run, cfg, model=model, meta_model=model.with_role("meta"), sandbox=sandbox)
    assert [r.id for r in Archive(run.path / "archive.jsonl").designs()] == ["seed-cot"]
    assert result["chosen"]["id"] == "seed-cot"
    saved = json.loads((run.path / "proposals" / "gen001.json").read_text())
    assert "not a valid Proposal" in saved["error"]
    failed = [e for e in run.events() if e["kind"] == "proposal_failed"]
    assert len(failed) == 1 and failed[0]["generation"] == 1
    # three tries, each with complete_json's repair round
    assert sum(1 for c in model.inner.calls if "researcher" in c["messages"][0]["content"]) == 6


def test_truncated_proposal_skips_the_generation_without_retries(reachable_dir, sandbox):
    cfg, run = _new_run(reachable_dir(), generations=1)

    def reply(messages):
        if "researcher in agentic systems" in messages[0]["content"]:
            return {"content": '{"thought": "a very long thought that never ends', "finish_reason": "length"}
        return design_reply(messages)

    model = MeteredModel(ScriptedModel([reply] * 100), run=run)
    run_search(run, cfg, model=model, meta_model=model.with_role("meta"), sandbox=sandbox)
    saved = json.loads((run.path / "proposals" / "gen001.json").read_text())
    assert "max_tokens" in saved["error"]
    assert sum(1 for c in model.inner.calls if "researcher" in c["messages"][0]["content"]) == 1
    assert [r.id for r in Archive(run.path / "archive.jsonl").designs()] == ["seed-cot"]
