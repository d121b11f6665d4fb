"""The Ray executor on a real local Ray instance (2 CPUs, started once for this module): ARC eval results equal the
local executor's task for task, resume skips finished tasks, per-task time and memory limits, the model gateway
(one budget and one cache for many workers), and ray_map."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import types
from pathlib import Path

import numpy as np
import pytest

ray = pytest.importorskip("ray", reason="ray not installed (pip install 'synthloop[ray]')")

from synthloop.agents.model import BudgetExceeded  # noqa: E402
from synthloop.agents.ray_gateway import open_gateway  # noqa: E402
from synthloop.agents.ray_map import ray_map  # noqa: E402
from synthloop.arc.dataset import load_tasks  # noqa: E402
from synthloop.arc.evaluate import evaluate, read_results  # noqa: E402
from synthloop.arc.grid import ArcTask, Candidate, as_grid  # noqa: E402
from synthloop.arc.ray_runner import RayRunner  # noqa: E402
from synthloop.config import load_config, to_toml  # noqa: E402
from synthloop.memory.runstore import RunStore  # noqa: E402

pytestmark = pytest.mark.timeout(180)

# 6 ARC-AGI-1 training tasks: 4 are a single flip/rotation/transpose, 2 are not
TASK_IDS = ["3c9b0459", "67a3c6ac", "007bbfb7", "68b16354", "a416b8f3", "74dd1130"]

TRANSFORMS = {
    "rot180": lambda g: np.rot90(g, 2), "fliplr": np.fliplr, "flipud": np.flipud, "transpose": lambda g: g.T,
    "rot90": np.rot90, "rot270": lambda g: np.rot90(g, 3),
}


class TransformSolver:
    """Deterministic: every whole-grid flip/rotation as a candidate, ranked by how many train pairs it explains.
    Tasks in `hang` ignore the deadline forever; tasks in `hog` try to allocate 4 GiB."""

    name = "transform-test"

    def __init__(self, hang: tuple[str, ...] = (), hog: tuple[str, ...] = ()):
        self.hang, self.hog = hang, hog

    def solve(self, task: ArcTask, deadline: float) -> list[Candidate]:
        if task.id in self.hang:
            while True:
                time.sleep(0.05)
        if task.id in self.hog:
            blob = bytearray(4 * 1024**3)
            return [] if blob else []
        out = []
        for name, fn in TRANSFORMS.items():
            right = sum(fn(i).shape == o.shape and bool(np.array_equal(fn(i), o)) for i, o in task.train)
            out.append(Candidate(program=name, description=f"{name} the grid", train_correct=right,
                                 train_total=len(task.train), predictions=[as_grid(fn(i)) for i, _ in task.test]))
        return out


@pytest.fixture(scope="module", autouse=True)
def ray_instance():
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers need not import this test module
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def tasks():
    return list(load_tasks("arcagi", "training", ids=TASK_IDS))


def make_run(tmp_path, name="runs", **overrides):
    cfg = load_config(overrides={"runs_dir": str(tmp_path / name), **overrides}, environ={})
    return cfg, RunStore(cfg.runs_dir).create("arc-eval", to_toml(cfg))


def comparable(r):
    return (r.task_id, r.correct, r.solved, r.attempts, r.attempt_programs, r.program, r.train_correct,
            r.n_candidates, r.timed_out, r.error)


def test_ray_results_equal_local_results_and_resume_skips_finished(tmp_path, tasks):
    _, local_run = make_run(tmp_path, "local")
    local = evaluate(tasks, TransformSolver(), local_run, time_limit_s=10, workers=2, memory_mb=1024)
    assert local["solved"] == 4 and local["tasks"] == 6  # the 4 single-transform tasks

    _, ray_run = make_run(tmp_path, "ray")
    seen = []

    def stop_after_two(res):
        seen.append(res.task_id)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        evaluate(tasks, TransformSolver(), ray_run, time_limit_s=10, workers=2, memory_mb=1024, executor="ray",
                 on_result=stop_after_two)
    assert RunStore(ray_run.path.parent).open(ray_run.id).info.status == "interrupted"
    first = read_results(ray_run.path / "results.jsonl")
    assert sorted(first) == sorted(seen)

    already, resumed = [], []
    summary = evaluate(tasks, TransformSolver(), ray_run, time_limit_s=10, workers=2, memory_mb=1024,
                       executor="ray", on_start=lambda total, done: already.extend(r.task_id for r in done),
                       on_result=lambda r: resumed.append(r.task_id))
    assert sorted(already) == sorted(seen)
    assert sorted(resumed) == sorted(set(TASK_IDS) - set(seen))  # finished tasks were not run again
    lines = (ray_run.path / "results.jsonl").read_text().splitlines()
    assert len(lines) == 6 and len({json.loads(ln)["task_id"] for ln in lines}) == 6

    by_local = read_results(local_run.path / "results.jsonl")
    by_ray = read_results(ray_run.path / "results.jsonl")
    assert {k: comparable(v) for k, v in by_ray.items()} == {k: comparable(v) for k, v in by_local.items()}
    for key in ("solved", "accuracy", "outputs_correct", "output_accuracy", "timed_out", "errors"):
        assert summary[key] == local[key], key
    started = [e for e in ray_run.events() if e["kind"] == "arc_eval_started"]
    assert [e["mode"] for e in started] == ["ray", "ray"] and started[1]["skipped"] == 2
    assert json.loads((ray_run.path / "submission.json").read_text()).keys() == set(TASK_IDS)


def test_ray_task_past_its_deadline_is_cancelled_and_memory_is_limited(tasks):
    by_id = {t.id: t for t in tasks}
    # limits with room for a loaded machine (a worker start took > 9 s beside two llama.cpp servers)
    runner = RayRunner(TransformSolver(hang=("007bbfb7",), hog=("a416b8f3",)), time_limit_s=2.0, workers=2,
                       memory_mb=256, grace_s=0.5, startup_s=20.0)
    t0 = time.monotonic()
    results = {r.task_id: r for r in runner.run([by_id[i] for i in ("007bbfb7", "a416b8f3", "3c9b0459")])}
    assert time.monotonic() - t0 < 90
    assert [r.task_id for r in results.values() if r.timed_out] == ["007bbfb7"], results
    hung = results["007bbfb7"]
    assert hung.timed_out and hung.solved is False and "timed out" in hung.error and hung.wall_s >= 2.0
    assert runner.cancelled == 1
    hog = results["a416b8f3"]
    assert not hog.timed_out and "MemoryError" in hog.error and hog.solved is False
    assert results["3c9b0459"].solved is True and not results["3c9b0459"].error  # the workers carried on


def test_unknown_executor_and_in_parent_solver_are_user_errors(tmp_path, tasks):
    from synthloop.errors import UserError

    _, run = make_run(tmp_path)
    with pytest.raises(UserError, match="unknown executor"):
        evaluate(tasks[:1], TransformSolver(), run, time_limit_s=1, executor="dask")

    class InParent(TransformSolver):
        in_parent = True

    with pytest.raises(UserError, match="--executor local"):
        evaluate(tasks[:1], InParent(), run, time_limit_s=1, executor="ray")

    unpicklable = TransformSolver()
    unpicklable.lock = threading.Lock()
    with pytest.raises(UserError, match="cannot be sent to Ray workers"):
        evaluate(tasks[:1], unpicklable, run, time_limit_s=1, executor="ray")
    assert RunStore(run.path.parent).open(run.id).info.status == "failed"

    ghost = types.ModuleType("ghost_solvers")  # importable here, not in the Ray workers
    exec("class Ghost:\n    name = 'ghost'\n    def solve(self, task, deadline):\n        return []\n", ghost.__dict__)
    sys.modules["ghost_solvers"] = ghost
    try:
        with pytest.raises(UserError, match="installed on every Ray node"):
            list(RayRunner(ghost.Ghost(), time_limit_s=1, memory_mb=0).run(tasks[:1]))
    finally:
        del sys.modules["ghost_solvers"]


# ---------------------------------------------------------------- the model gateway

REPLY = "x" * 40  # 10 tokens; each question below is 16 characters, 4 tokens: 14 tokens a call


@ray.remote(num_cpus=1, max_retries=0)
def ask_until_refused(model, worker: int, limit: int) -> dict:
    """A Ray worker's loop: distinct questions until the gateway refuses (budget) or `limit` is reached."""
    answered = 0
    for i in range(limit):
        try:
            model.complete([{"role": "user", "content": f"worker{worker} ask #{i:03d}"}])
        except BudgetExceeded as e:
            return {"answered": answered, "refused": str(e)}
        answered += 1
    return {"answered": answered, "refused": ""}


@ray.remote(num_cpus=1, max_retries=0)
def ask_once(model, question: str) -> dict:
    c = model.complete([{"role": "user", "content": question}])
    return {"text": c.text, "cached": c.cached, "tokens": c.usage.total}


def scripted_cfg(tmp_path, replies: int, max_tokens: int):
    script = tmp_path / "replies.json"
    script.write_text(json.dumps([REPLY] * replies))
    return make_run(tmp_path, **{"model.preset": "scripted", "model.script": str(script),
                                 "budget.max_tokens": max_tokens})


def test_two_ray_workers_share_one_budget_and_stop_exactly_at_it(tmp_path):
    cfg, run = scripted_cfg(tmp_path, replies=50, max_tokens=5 * 14)
    with open_gateway(cfg, run, max_concurrency=1, sync_s=0.2) as gw:
        outs = ray.get([ask_until_refused.remote(gw.model, w, 20) for w in (1, 2)])
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # the background sync brings the usage into run.json while open
            info = RunStore(run.path.parent).open(run.id).info
            if info.prompt_tokens + info.completion_tokens == 70:
                break
            time.sleep(0.1)
        assert info.prompt_tokens + info.completion_tokens == 70
        stats = gw.sync()
    assert sum(o["answered"] for o in outs) == 5  # one budget for both: 5 calls of 14 tokens, not 5 each
    assert all("token budget of 70 reached" in o["refused"] for o in outs)
    assert stats["budget"]["tokens"] == 70 and stats["usage"] == {"prompt_tokens": 0, "completion_tokens": 0,
                                                                   "cost": 0.0}  # nothing left to bring
    info = RunStore(run.path.parent).open(run.id).info  # counted once, not again at close
    assert info.prompt_tokens + info.completion_tokens == 70
    calls = [e for e in run.events() if e["kind"] == "model_call"]
    assert len(calls) == 5 and not any(e["cached"] for e in calls)


def test_cache_hits_are_shared_between_ray_workers(tmp_path):
    cfg, run = scripted_cfg(tmp_path, replies=2, max_tokens=2 * 14)
    with open_gateway(cfg, run) as gw:
        first = ray.get(ask_once.remote(gw.model, "what is the rule?"))
        second = ray.get(ask_once.remote(gw.model, "what is the rule?"))  # another task, another worker maybe
        other = ray.get(ask_once.remote(gw.model, "another question"))
        with pytest.raises(BudgetExceeded):  # 28 tokens spent: a new question is refused ...
            ray.get(ask_once.remote(gw.model, "one more"))
        again = ray.get(ask_once.remote(gw.model, "what is the rule?"))  # ... a cached one still answers
        stats = gw.sync()
    assert first == {"text": REPLY, "cached": False, "tokens": 14}
    assert second == {"text": REPLY, "cached": True, "tokens": 0}
    assert again["cached"] and other["cached"] is False
    assert stats["cache"] == {"hits": 2, "misses": 3}
    cached = [e["cached"] for e in run.events() if e["kind"] == "model_call"]
    assert cached == [False, True, False, True]


class ModelTransformSolver:
    """Asks the model which transform a task needs (one call per task) and proposes it."""

    name = "model-transform-test"

    def __init__(self, model):
        self.model = model

    def solve(self, task: ArcTask, deadline: float) -> list[Candidate]:
        reply = self.model.complete([{"role": "user", "content": f"which one? {task.id}"}]).text.strip()
        fn = TRANSFORMS[reply]
        right = sum(bool(np.array_equal(fn(i), o)) for i, o in task.train)
        return [Candidate(program=reply, description=reply, train_correct=right, train_total=len(task.train),
                          predictions=[as_grid(fn(i)) for i, _ in task.test])]


def test_arc_eval_on_ray_with_a_model_backed_solver_keeps_one_budget(tmp_path, tasks):
    script = tmp_path / "replies.json"
    script.write_text(json.dumps(["rot180"] * 20))  # "which one? XXXXXXXX" = 4 tokens + 1 token reply
    cfg, run = make_run(tmp_path, **{"model.preset": "scripted", "model.script": str(script),
                                     "budget.max_tokens": 3 * 5})
    with open_gateway(cfg, run, max_concurrency=1) as gw:
        summary = evaluate(tasks, ModelTransformSolver(gw.model), run, time_limit_s=10, workers=2, memory_mb=1024,
                           executor="ray")
    results = read_results(run.path / "results.jsonl")
    answered = [r for r in results.values() if not r.error]
    refused = [r for r in results.values() if r.error]
    assert len(answered) == 3 and len(refused) == 3  # the budget held across both Ray workers
    assert all("BudgetExceeded" in r.error and "token budget of 15" in r.error for r in refused)
    assert summary["solved"] == sum(r.task_id == "3c9b0459" for r in answered)  # the one rot180 task, if asked
    info = RunStore(run.path.parent).open(run.id).info
    assert info.status == "done" and info.prompt_tokens + info.completion_tokens == 15
    assert sum(e["kind"] == "model_call" for e in run.events()) == 3


def test_ray_map_streams_results_and_raises_the_functions_error():
    got = dict(ray_map(lambda x: x * x, range(7), in_flight=3))
    assert got == {i: i * i for i in range(7)}

    def boom(x):
        if x == 2:
            raise ValueError("item 2 is bad")
        return x

    with pytest.raises(ValueError, match="item 2 is bad"):
        list(ray_map(boom, range(4), in_flight=2))


def test_cli_arc_eval_with_executor_ray_saves_it_for_resume(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from synthloop.cli import _register, app
    from synthloop.config import ConfigError

    _register()
    monkeypatch.chdir(tmp_path)
    for k in [k for k in os.environ if k.startswith("SYNTHLOOP_")]:
        monkeypatch.delenv(k)
    (tmp_path / "ids.txt").write_text("\n".join(TASK_IDS[:3]) + "\n")
    args = ["arc", "eval", "--ids", "ids.txt", "--solver", f"{__name__}:TransformSolver", "--time-limit", "5",
            "--workers", "2", "--executor", "ray"]
    res = CliRunner().invoke(app, args, prog_name="synthloop")
    assert res.exit_code == 0, res.output
    (run_dir,) = (tmp_path / "runs").iterdir()
    assert 'executor = "ray"' in (run_dir / "config.toml").read_text()  # a resume uses Ray again
    results = read_results(run_dir / "results.jsonl")
    assert sorted(results) == sorted(TASK_IDS[:3]) and sum(bool(r.solved) for r in results.values()) == 2

    bad = CliRunner().invoke(app, [*args[:-1], "dask"], prog_name="synthloop")
    assert isinstance(bad.exception, ConfigError) and "executor" in str(bad.exception)


def test_importing_the_ray_modules_does_not_import_ray():
    import subprocess

    probe = ("import sys, synthloop.cli, synthloop.arc.evaluate, synthloop.arc.ray_runner, "
             "synthloop.agents.ray_gateway, synthloop.agents.ray_map; from synthloop.cli import _register; "
             "_register(); print('ray' in sys.modules)")
    res = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "False"


# ---------------------------------------------------------------- meta evaluation: design items as Ray tasks

ROT180 = "def transform(grid):\n    return [list(row[::-1]) for row in grid[::-1]]\n"
ASKER = ('def forward(task):\n    reply = ask("Solve the task.", [task], fields=["code"])\n'
         '    return task.finish(reply.code)\n')


def test_meta_design_items_on_ray_score_like_local_threads(tmp_path):
    import tempfile

    from synthloop.agents.metered import MeteredModel
    from synthloop.agents.scripted import ScriptedModel
    from synthloop.meta_search.domains.arc import ArcDomain
    from synthloop.meta_search.evaluate import EvalSettings, evaluate_design
    from synthloop.meta_search.ray_items import RayItems
    from synthloop.tools.factory import make_sandbox
    from synthloop.tools.sandbox import SandboxUnavailable

    sandbox = make_sandbox("bwrap")
    try:
        sandbox.ensure_ready()
    except SandboxUnavailable as e:
        pytest.skip(f"the bwrap sandbox cannot run here: {e}")
    split = tmp_path / "split.json"
    split.write_text(json.dumps({"validation": ["6150a2bd", "ed36ccf7", "3c9b0459"], "test": []}))
    domain = ArcDomain(split_file=str(split))
    items = domain.tasks("validation")
    reply = json.dumps({"code": ROT180})
    settings = EvalSettings(timeout_s=20, workers=2)
    with tempfile.TemporaryDirectory() as work:
        os.chmod(work, 0o755)
        local = evaluate_design(ASKER, domain, items, sandbox=sandbox, model=MeteredModel(ScriptedModel([reply] * 3)),
                                workdir=Path(work), settings=settings)
    assert local.scores == [1.0, 0.0, 1.0] and local.errors == {}  # rotate 180 is right for 2 of the 3

    script = tmp_path / "replies.json"
    script.write_text(json.dumps([reply] * 3))
    cfg, run = make_run(tmp_path, **{"model.preset": "scripted", "model.script": str(script)})
    seen = []
    with open_gateway(cfg, run) as gw:
        on_ray = evaluate_design(ASKER, domain, items, sandbox=None, model=gw.model, workdir=run.path / "work",
                                 settings=settings, on_item=seen.append,
                                 item_executor=RayItems(gw.model, {"backend": "bwrap"}, in_flight=2))
    assert on_ray.scores == local.scores and on_ray.errors == {} and on_ray.calls == 3
    assert sorted(o.item_id for o in seen) == sorted(it.id for it in items)
    assert sum(e["kind"] == "model_call" for e in run.events()) == 3  # through the one gateway
    assert not (run.path / "work").exists()  # the items ran in the workers' own temporary dirs


def test_meta_search_with_executor_ray_evaluates_designs_through_one_gateway(tmp_path):
    import shutil
    import tempfile

    from synthloop.meta_search.archive import Archive
    from synthloop.meta_search.search import SearchParams, run_search
    from synthloop.tools.factory import make_sandbox
    from synthloop.tools.sandbox import SandboxUnavailable

    try:
        make_sandbox("bwrap").ensure_ready()
    except SandboxUnavailable as e:
        pytest.skip(f"the bwrap sandbox cannot run here: {e}")
    root = Path(tempfile.mkdtemp(prefix="synthloop-ray-meta-"))
    try:
        os.chmod(root, 0o755)
        split = root / "split.json"
        split.write_text(json.dumps({"validation": ["6150a2bd", "ed36ccf7"], "test": ["3c9b0459"]}))
        script = root / "replies.json"
        script.write_text(json.dumps([json.dumps({"thinking": "turn it around", "code": ROT180})] * 40))
        cfg = load_config(overrides={"runs_dir": str(root / "runs"), "model.preset": "scripted",
                                     "model.script": str(script), "meta.executor": "ray",
                                     "meta.bootstrap_samples": 200}, environ={})
        params = SearchParams(domain="arc", domain_options={"split_file": str(split)}, generations=0, workers=2,
                              timeout_s=20.0, max_calls_per_item=5, seeds=["cot"])
        run = RunStore(cfg.runs_dir).create("meta-search", to_toml(cfg), params=params.to_json())
        run_search(run, cfg)
        (seed,) = Archive(run.path / "archive.jsonl").designs()
        assert seed.result.scores == [1.0, 0.0] and seed.result.errors == {}  # rotate 180 is right for one
        calls = [e for e in run.events() if e["kind"] == "model_call"]
        assert calls and all(e["role"] == "design" for e in calls)  # written by the gateway actor
        info = RunStore(run.path.parent).open(run.id).info
        assert info.status == "done" and info.prompt_tokens > 0  # the gateway's usage reached run.json
        work = sorted(p.name for p in (run.path / "work").glob("*/design"))
        assert work == [], work  # the items ran in the Ray workers' own temporary dirs, not in local threads
    finally:
        shutil.rmtree(root, ignore_errors=True)
