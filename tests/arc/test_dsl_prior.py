"""The learned step prior of the DSL search (issue #4): parsing programs, ordering steps, and its effect on search."""

from __future__ import annotations

import importlib.util
import json
import time
from pathlib import Path

import numpy as np
import pytest

from synthloop.arc.dataset import load_tasks
from synthloop.arc.dsl import prior as prior_module
from synthloop.arc.dsl.prior import SHIPPED, StepPrior, base_name, default_prior, load_prior, program_steps
from synthloop.arc.dsl.search import SearchStats, _build_steps, search, solve_task
from synthloop.errors import UserError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tasks() -> dict:
    return {t.id: t for t in load_tasks("arcagi", "training", ids=["2dc579da", "0b148d64", "a740d043"])}


def _steps(task) -> list:
    return _build_steps([np.asarray(i, np.int8) for i, _ in task.train], [np.asarray(o, np.int8) for _, o in task.train])


def test_program_steps_keeps_only_search_steps() -> None:
    assert base_name("keep_colour(3)") == "keep_colour" and base_name("crop_largest(objects8)") == "crop_largest"
    assert program_steps("[bg<->0] halo8 | fill_enclosed | local_rule(colour, c4_is_rectangle; key=colours)") == [
        "halo8", "fill_enclosed"]
    assert program_steps("bool_xor(halves_v) | half_top | recolour{0->1, 10->7}") == ["bool_xor", "half_top"]
    assert program_steps("identity | recolour_by_role{rank0->rank1}") == []
    assert program_steps("mirror_v_rev | fit(3,3) | rules(if row3=0 then 0)") == ["mirror_v_rev", "fit"]
    # a composed answer gives its parts' steps; the splitter step overlay(cells) stays one step
    assert program_steps("overlay(crop | flip_lr; keep_colour(3) | recolour{1->2}; identity)") == [
        "crop", "flip_lr", "keep_colour"]
    assert program_steps("overlay(cells) | local_rule(colour, c4; key=colours)") == ["overlay"]


def test_order_keeps_cost_tiers_and_puts_used_steps_first(tasks: dict) -> None:
    steps = _steps(tasks["2dc579da"])
    prior = StepPrior({"crop_unique_colour": 7, "fill_enclosed": 2, "rot270": 1}, 10)
    ordered = prior.order(steps)
    assert sorted(s.name for s in ordered) == sorted(s.name for s in steps)
    assert [s.cost for s in ordered] == sorted(s.cost for s in steps)  # the tiers stay as they were
    tier2 = [s for s in ordered if s.cost == 2]
    assert tier2[0].name.startswith("crop_unique_colour(")
    # unseen steps keep their hand order within a tier
    unseen = [s.name for s in tier2 if prior.count(s.name) == 0]
    assert unseen == [s.name for s in steps if s.cost == 2 and prior.count(s.name) == 0]
    tier1 = [s.name for s in ordered if s.cost == 1]
    assert tier1[:2] == ["fill_enclosed", "rot270"]  # both cost 1: the more used first
    # priorities: hand cost plus weight x penalty, the most used step gets none, an unseen one the whole weight
    w = StepPrior(prior.counts, prior.n_programs, 0.5)
    pri = dict(zip([s.name for s in steps], w.priorities(steps), strict=True))
    assert pri["crop_unique_colour(cells)"] == 2.0 and pri["compress_bg"] == 2.5
    assert 1.0 < pri["rot270"] < 1.5
    with pytest.raises(ValueError, match="weight"):
        StepPrior({}, 0, -1.0)


@pytest.mark.parametrize(("task_id", "favoured", "program"), [
    ("2dc579da", "crop_unique_colour", "crop_unique_colour(cells)"),
    ("0b148d64", "crop_smallest", "crop_smallest(colours)"),
])
def test_a_prior_that_favours_the_solution_finds_it_with_fewer_states(tasks: dict, task_id: str, favoured: str,
                                                                      program: str) -> None:
    t = tasks[task_id]
    found = {}
    for label, pr in (("hand", None), ("order", StepPrior({favoured: 5}, 5)), ("weighted", StepPrior({favoured: 5}, 5, 0.5)),
                      ("against", StepPrior({"rot90": 9, "compress_bg": 9, "crop_largest": 9}, 9, 0.5))):
        stats = SearchStats()
        sols = search(t.train, t.test_inputs, time.monotonic() + 600, stats=stats, refine=False, max_states=800,
                      prior=pr)
        assert sols and sols[0].program == program
        assert sols[0].cost == 2  # the Occam cost stays the hand cost whatever the priority
        found[label] = stats.evaluated
    assert found["order"] < found["hand"] and found["weighted"] <= found["order"]
    assert found["against"] > found["weighted"]


def test_a_prior_that_keeps_the_order_changes_nothing(tasks: dict) -> None:
    t = tasks["a740d043"]
    runs = []
    for pr in (None, StepPrior({"rot90": 3}, 3)):  # rot90 is first already; weight 0: priorities are the costs
        stats = SearchStats()
        sols = search(t.train, t.test_inputs, time.monotonic() + 600, stats=stats, refine=False, max_states=600,
                      prior=pr)
        runs.append((stats.states, stats.evaluated, stats.duplicates, [s.program for s in sols]))
    assert runs[0] == runs[1]


def test_shipped_prior_loads_and_covers_real_step_names(tasks: dict) -> None:
    prior = load_prior(SHIPPED)
    assert prior.n_programs >= 50 and len(prior.counts) >= 20
    names = {base_name(s.name) for t in tasks.values() for s in _steps(t)}
    known = [n for n in prior.counts if n in names]
    assert len(known) >= 0.8 * len(prior.counts)  # mostly steps the search builds (others are task-specific ops)
    for common in ("crop", "fill_enclosed"):
        assert prior.count(common) > 0 and prior.penalty(common) < 1.0
    assert prior.penalty("no_such_step") == 1.0


def test_default_prior_follows_the_switch_and_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                              tasks: dict) -> None:
    monkeypatch.delenv(prior_module.ENV, raising=False)
    monkeypatch.setattr(prior_module, "USE_STEP_PRIOR", False)
    assert default_prior() is None
    monkeypatch.setattr(prior_module, "USE_STEP_PRIOR", True)
    assert default_prior() == load_prior(SHIPPED, prior_module.DEFAULT_WEIGHT)
    monkeypatch.setenv(prior_module.ENV, "off")
    assert default_prior() is None
    own = tmp_path / "p.json"
    StepPrior({"crop_smallest": 4}, 4).save(own)
    monkeypatch.setenv(prior_module.ENV, str(own))
    monkeypatch.setenv(prior_module.ENV_WEIGHT, "0.25")
    assert default_prior() == StepPrior({"crop_smallest": 4}, 4, 0.25)
    # solve_task takes the default prior; an explicit None is the hand order
    t = tasks["0b148d64"]
    counted = []
    for pr in ("default", None):
        stats = SearchStats()
        solve_task(t.train, t.test_inputs, time.monotonic() + 600, stats=stats, max_states=800, prior=pr)
        counted.append(stats.evaluated)
    assert counted[0] < counted[1]
    bad = tmp_path / "bad.json"
    bad.write_text('{"counts": {"crop": "many"}, "n_programs": 1}')
    monkeypatch.setenv(prior_module.ENV, str(bad))
    with pytest.raises(UserError, match="step prior"):
        default_prior()


def _script():
    spec = importlib.util.spec_from_file_location("arc_step_prior", ROOT / "benchmarks" / "arc_step_prior.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def test_build_counts_programs_that_pass_of_the_given_ids(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    lines = [
        {"task_id": "a", "solved": True, "hypotheses": [
            {"source": "symbolic", "programs": [
                {"program": "crop | flip_lr", "passed": True},
                {"program": "crop | flip_lr", "passed": True},  # the same program twice counts once
                {"program": "rot90 | recolour{1->2}", "passed": False}]},
            {"source": "specialist", "programs": [{"program": "tile(x)", "passed": True}]}]},
        {"task_id": "b", "solved": False, "hypotheses": [  # harvest lines say which programs were right
            {"source": "symbolic", "programs": [
                {"program": "[bg<->0] keep_colour(2) | crop", "passed": True, "test_correct": True},
                {"program": "halo8", "passed": True, "test_correct": False}]}]},
        {"task_id": "held_back", "solved": True, "hypotheses": [
            {"source": "symbolic", "programs": [{"program": "denoise", "passed": True}]}]},
    ]
    res = tmp_path / "results.jsonl"
    res.write_text("".join(json.dumps(r) + "\n" for r in lines))
    ids = tmp_path / "ids.txt"
    ids.write_text("a\nb\n")
    out = tmp_path / "prior.json"
    assert _script().main(["build", str(res), "--ids", str(ids), "--out", str(out)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["programs"] == 2 and report["tasks"] == 2
    assert load_prior(out) == StepPrior({"crop": 2, "flip_lr": 1, "keep_colour": 1}, 2)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert _script().main(["build", str(empty)]) == 2
    assert "no programs" in capsys.readouterr().err


def test_harvest_refuses_evaluation_tasks(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("00576224\n")
    rc = _script().main(["harvest", "--ids", str(ids), "--split", "evaluation", "--out", str(tmp_path / "h.jsonl")])
    assert rc == 2 and "training tasks only" in capsys.readouterr().err


def test_harvest_records_the_search_programs_and_resumes(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("06df4c85\n")  # solved by the search in a fraction of a second
    out = tmp_path / "h.jsonl"
    args = ["harvest", "--ids", str(ids), "--cpu-limit", "3", "--out", str(out)]
    assert _script().main(args) == 0
    line = json.loads(out.read_text())
    assert line["task_id"] == "06df4c85" and line["solved"]
    progs = line["hypotheses"][0]["programs"]
    assert any(p["program"] == "connect" and p["test_correct"] and p["passed"] for p in progs)
    capsys.readouterr()
    assert _script().main(args) == 0  # done tasks are skipped
    assert json.loads(capsys.readouterr().out)["harvested"] == 0 and len(out.read_text().splitlines()) == 1
