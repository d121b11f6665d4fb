"""The eval loop with real process workers: scoring, outputs, time and memory limits, crashes, resume, threads."""

from __future__ import annotations

import json
import os
import time

import numpy as np
import pytest

from synthloop.arc.dataset import load_dir
from synthloop.arc.evaluate import EvalSpec, evaluate, read_results, run_eval
from synthloop.arc.runners import WorkerStartError
from synthloop.cli.runs import resume
from synthloop.config import load_config, to_toml
from synthloop.memory.runstore import RunStore

from .test_core_helpers import (
    FlipSolver,
    MisbehavingSolver,
    ThreadedFlipSolver,
    UnstartableSolver,
    flip_task,
    noise_task,
    rot_task,
    write_tasks,
)

pytestmark = pytest.mark.timeout(120)


def make_run(tmp_path, spec: EvalSpec | None = None, **arc):
    cfg = load_config(overrides={"runs_dir": str(tmp_path / "runs"), **{f"arc.{k}": v for k, v in arc.items()}},
                      environ={})
    params = spec.to_params() if spec else {}
    return cfg, RunStore(cfg.runs_dir).create("arc-eval", to_toml(cfg), params=params)


@pytest.fixture
def task_dir(tmp_path):
    return write_tasks(tmp_path / "tasks", {
        "a-flip": flip_task(seed=3), "b-flip-two-tests": flip_task(n_test=2, seed=4),
        "c-rot": rot_task(), "d-noise": noise_task(),
    })


def test_process_workers_score_and_write_results_submission_and_report(tmp_path, task_dir):
    tasks = load_dir(task_dir)
    _, run = make_run(tmp_path)
    seen = []
    summary = evaluate(list(tasks), FlipSolver(), run, time_limit_s=5, workers=2, memory_mb=1024,
                       on_result=seen.append)
    assert summary["tasks"] == 4 and summary["solved"] == 3 and summary["accuracy"] == 0.75
    assert summary["outputs"] == 5 and summary["outputs_correct"] == 4 and summary["output_accuracy"] == 0.8
    assert summary["timed_out"] == 0 and summary["errors"] == 0 and summary["complete"] is True
    assert summary["cpu_s_per_test_input"] >= 0 and 0 < summary["peak_rss_mb"] < 1024
    assert sorted(r.task_id for r in seen) == [t.id for t in tasks]

    lines = (run.path / "results.jsonl").read_text().splitlines()
    assert len(lines) == 4
    by_id = {json.loads(ln)["task_id"]: json.loads(ln) for ln in lines}
    flip = by_id["a-flip"]
    assert flip["solved"] is True and flip["program"] == "flip_lr" and flip["train_correct"] == 3
    assert flip["description"] == "apply flip lr to the grid" and flip["error"] == ""
    assert by_id["d-noise"]["solved"] is False and len(by_id["d-noise"]["attempts"][0]) == 2

    sub = json.loads((run.path / "submission.json").read_text())
    assert list(sub) == [t.id for t in tasks]
    for t in tasks:
        assert len(sub[t.id]) == len(t.test)
        for entry in sub[t.id]:
            assert set(entry) == {"attempt_1", "attempt_2"}
            for g in entry.values():
                assert isinstance(g, list) and all(isinstance(v, int) for row in g for v in row)
    expected = [o for _, o in tasks[1].test]
    assert [np.array_equal(np.array(e["attempt_1"]), x) for e, x in zip(sub["b-flip-two-tests"], expected, strict=True)] == [True, True]

    html = (run.path / "report.html").read_text()
    assert "a-flip" in html and "flip_lr" in html and "data:image/png;base64," in html
    info = RunStore(run.path.parent).open(run.id).info
    assert info.status == "done" and info.result["solved"] == 3


def test_overrun_crash_error_and_memory_hog_are_recorded_and_the_rest_go_on(tmp_path):
    root = write_tasks(tmp_path / "t", {
        "slow-1": flip_task(seed=5), "crash-1": flip_task(seed=6), "boom-1": flip_task(seed=7),
        "hog-1": flip_task(seed=8), "ok-1": flip_task(seed=9), "ok-2": rot_task(seed=10),
    })
    tasks = load_dir(root)
    _, run = make_run(tmp_path)
    t0 = time.monotonic()
    summary = evaluate(list(tasks), MisbehavingSolver(), run, time_limit_s=0.5, grace_s=1.0, workers=2,
                       memory_mb=768)
    elapsed = time.monotonic() - t0
    res = read_results(run.path / "results.jsonl")
    assert res["slow-1"].timed_out and "timed out" in res["slow-1"].error and res["slow-1"].solved is False
    assert 1.4 < res["slow-1"].wall_s < 10 and elapsed < 40  # killed after limit + grace, not after 60 s
    assert "worker died: exit code 3" in res["crash-1"].error
    assert res["boom-1"].error == "solver error: RuntimeError: boom on purpose"
    assert res["hog-1"].error.startswith("MemoryError") and not res["hog-1"].timed_out
    assert res["ok-1"].solved and res["ok-2"].solved
    assert summary["timed_out"] == 1 and summary["errors"] == 3 and summary["solved"] == 2
    assert summary["tasks"] == 6


def test_interrupted_eval_resumes_and_skips_finished_tasks(tmp_path, task_dir):
    spec = EvalSpec(dataset=str(task_dir), solver=f"{FlipSolver.__module__}:FlipSolver")
    cfg, run = make_run(tmp_path, spec, workers=1, time_limit_s=5.0, memory_mb=1024)
    done = []

    def stop_after_two(r):
        done.append(r.task_id)
        if len(done) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_eval(cfg, run, spec, on_result=stop_after_two)
    store = RunStore(cfg.runs_dir)
    stopped = store.open(run.id)
    assert stopped.info.status == "interrupted" and stopped.info.result["tasks_run"] == 2
    assert len((run.path / "results.jsonl").read_text().splitlines()) == 2
    assert json.loads((run.path / "tasks.json").read_text()) == ["a-flip", "b-flip-two-tests", "c-rot", "d-noise"]

    with open(run.path / "results.jsonl", "a") as fh:  # a line cut short by a kill
        fh.write('{"task_id": "c-rot", "n_te')
    resume(store.open(run.id))  # what `synthloop runs resume` does
    final = store.open(run.id)
    assert final.info.status == "done" and final.info.result["solved"] == 3 and final.info.result["tasks"] == 4
    ids = [json.loads(ln)["task_id"] for ln in (run.path / "results.jsonl").read_text().splitlines()
           if ln.endswith("}")]
    assert sorted(ids) == ["a-flip", "b-flip-two-tests", "c-rot", "d-noise"]  # each once: done ones not redone
    starts = [e for e in final.events() if e["kind"] == "arc_eval_started"]
    assert [(e["todo"], e["skipped"]) for e in starts] == [(4, 0), (2, 2)]


def test_in_parent_solvers_run_in_threads_of_this_process(tmp_path, task_dir):
    tasks = load_dir(task_dir)
    _, run = make_run(tmp_path)
    solver = ThreadedFlipSolver()
    summary = evaluate(list(tasks), solver, run, time_limit_s=5, workers=2)
    assert solver.pids == {os.getpid()}
    assert summary["solved"] == 3 and summary["tasks_run"] == 4
    assert any(e.get("mode") == "threads" for e in run.events())


def test_a_solver_that_cannot_start_in_a_worker_fails_the_run_with_one_clear_error(tmp_path, task_dir):
    tasks = load_dir(task_dir)
    _, run = make_run(tmp_path)
    with pytest.raises(WorkerStartError, match="exited while starting"):
        evaluate(list(tasks), UnstartableSolver(), run, time_limit_s=5, workers=1)
    info = RunStore(run.path.parent).open(run.id).info
    assert info.status == "failed" and "WorkerStartError" in info.error
