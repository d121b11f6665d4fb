"""The Hypothesis Search graph driven by a scripted model (and through the real openai SDK on a loopback server),
with candidate programs verified for real in the sandboxed worker pool."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from synthloop.agents.metered import MeteredModel
from synthloop.agents.scripted import ScriptedModel
from synthloop.arc.attempts import pick_attempts
from synthloop.arc.grid import ArcTask, as_grid
from synthloop.arc.llm.baselines import DirectSolver
from synthloop.arc.llm.pipeline import Settings
from synthloop.arc.llm.solver import LLMSolver
from synthloop.memory.runstore import RunStore

WRONG = "```python\ndef transform(grid):\n    return grid\n```"
LOOPS = "```python\ndef transform(grid):\n    while True:\n        pass\n```"
RIGHT = "Fixed:\n```python\nimport numpy as np\ndef transform(grid):\n    return np.fliplr(grid)\n```"
MALFORMED = "```python\ndef transform(grid:\n    return grid[\n```"


def _task() -> ArcTask:
    rng = np.random.default_rng(0)
    pairs = []
    for _ in range(3):
        x = as_grid(rng.integers(0, 4, size=(3, 4)))
        pairs.append((x, as_grid(np.fliplr(x))))
    tx = as_grid(rng.integers(0, 4, size=(4, 3)))
    return ArcTask(id="flip", train=pairs, test=[(tx, as_grid(np.fliplr(tx)))])


@pytest.fixture(scope="module")
def pool():
    from synthloop.tools.factory import make_sandbox
    from synthloop.tools.pool import WorkerPool

    with WorkerPool(make_sandbox("bwrap"), size=2) as p:
        yield p


def _solver(model, pool, tmp_path: Path, **kw) -> LLMSolver:
    run = RunStore(tmp_path / "runs").create("arc-eval", "")
    s = Settings(n_hypotheses=2, k_filtered=2, m_programs=1, r_revisions=2, program_timeout_s=1.0, **kw)
    return LLMSolver(MeteredModel(model, run=run), pool, run=run, settings=s)


def test_wrong_program_is_revised_to_right_and_loops_and_malformed_code_are_failed_candidates(pool, tmp_path):
    task = _task()
    model = ScriptedModel([
        "Mirror the grid left to right.", "Reverse each row.",   # two hypotheses (one n=2 request)
        WRONG,                                                    # program for hypothesis 1: wrong
        LOOPS,                                                    # program for hypothesis 2: loops forever
        RIGHT,                                                    # revision of one failing program: right
        MALFORMED,                                                # revision of the other: malformed
    ])
    solver = _solver(model, pool, tmp_path)
    t0 = time.monotonic()
    cands = solver.solve(task, time.monotonic() + 60)
    assert time.monotonic() - t0 < 30
    assert model.remaining == 0
    good = [c for c in cands if c.solves_train]
    assert len(good) == 1 and good[0].meta["round"] == 1
    assert np.array_equal(good[0].predictions[0], task.test[0][1])
    attempts = pick_attempts(cands, 1)
    assert np.array_equal(attempts[0][0], task.test[0][1])
    # the revision prompt showed the failing case concretely
    revise_prompts = [c["messages"][-1]["content"] for c in model.calls[-2:]]
    assert any("expected output" in p or "timed out" in p for p in revise_prompts)


def test_model_that_returns_nothing_usable_gives_no_candidates_and_no_crash(pool, tmp_path):
    model = ScriptedModel(["", "   ", "no code here", "still nothing"] + ["garbage"] * 10)
    solver = _solver(model, pool, tmp_path, filter="none")
    assert solver.solve(_task(), time.monotonic() + 30) == []


def test_rerun_of_a_finished_task_costs_nothing(pool, tmp_path):
    task = _task()
    replies = ["Mirror the grid.", "Flip it.", RIGHT, RIGHT]
    model = ScriptedModel(list(replies))
    solver = _solver(model, pool, tmp_path)
    first = solver.solve(task, time.monotonic() + 60)
    calls = len(model.calls)
    again = solver.solve(task, time.monotonic() + 60)   # same run: checkpoint says finished
    assert len(model.calls) == calls
    assert [c.program for c in again] == [c.program for c in first]


def test_through_the_real_openai_sdk_on_a_loopback_server(pool, tmp_path):
    from synthloop.agents.fake_server import FakeOpenAIServer
    from synthloop.agents.model import Capabilities
    from synthloop.agents.openai_model import OpenAIModel

    task = _task()
    with FakeOpenAIServer(["Mirror the grid left to right.", "Reverse rows.", WRONG, RIGHT, RIGHT]) as srv:
        inner = OpenAIModel(base_url=srv.base_url, model="fake", api_key="dummy",
                            capabilities=Capabilities(json_schema=True, tools=True, n=False))
        solver = _solver(inner, pool, tmp_path)
        cands = solver.solve(task, time.monotonic() + 60)
    assert any(c.solves_train for c in cands)


def test_direct_baseline_parses_grids_from_replies(tmp_path):
    task = _task()
    expected = task.test[0][1]
    text = "\n".join(" ".join(str(int(v)) for v in row) for row in expected)
    model = MeteredModel(ScriptedModel([f"Output:\n{text}", "I am not sure."]))
    cands = DirectSolver(model).solve(task, time.monotonic() + 10)
    assert np.array_equal(cands[0].predictions[0], expected)
    assert cands[1].predictions[0] is None


def test_cli_arc_solve_with_the_llm_proposer_and_a_scripted_model(tmp_path):
    """`synthloop arc solve FILE --proposer llm --model scripted`: real CLI, real sandbox pool, HTML shows hypotheses."""
    import json
    import os
    import subprocess
    import sys

    from synthloop.arc.dataset import task_to_json

    task = _task()
    (tmp_path / "flip.json").write_text(json.dumps(task_to_json(task)))
    (tmp_path / "script.json").write_text(json.dumps(["Mirror the grid left to right.", "Reverse each row.",
                                                       WRONG, RIGHT]))
    env = {**os.environ, "SYNTHLOOP_MODEL__SCRIPT": str(tmp_path / "script.json")}
    out = subprocess.run([sys.executable, "-m", "synthloop.cli", "--runs-dir", str(tmp_path / "runs"), "arc", "solve",
                          str(tmp_path / "flip.json"), "--proposer", "llm", "--model", "scripted", "-N", "2", "-K", "2",
                          "-M", "1", "-R", "1", "--time-limit", "60"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "solved" in out.stdout and "not solved" not in out.stdout
    report = next((tmp_path / "runs").glob("*/report.html")).read_text()
    assert "Mirror the grid left to right." in report and "✓ passed" in report
