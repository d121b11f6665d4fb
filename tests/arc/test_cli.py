"""`synthloop arc solve` and `synthloop arc eval` through the real entry point (fresh interpreters)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .test_core_helpers import flip_task, noise_task, rot_task, write_tasks

HERE = Path(__file__).resolve().parent
FLIP = "test_core_helpers:FlipSolver"
pytestmark = pytest.mark.timeout(180)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SYNTHLOOP_")}
    env.update({"COLUMNS": "200", "NO_COLOR": "1",
                "PYTHONPATH": os.pathsep.join([str(HERE), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)})
    return env


def synthloop(runs: Path, *args: str, timeout: float = 150) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from synthloop.cli import main; main()", "--runs-dir", str(runs),
                           *args], capture_output=True, text=True, timeout=timeout, env=_env())


def only_run(runs: Path) -> Path:
    (path,) = [p for p in runs.iterdir() if (p / "run.json").exists()]
    return path


def test_solve_a_task_id_with_the_symbolic_solver(tmp_path):
    pytest.importorskip("synthloop.arc.symbolic", reason="the symbolic solver is written by another module")
    res = synthloop(tmp_path, "arc", "solve", "007bbfb7", "--time-limit", "10")
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "007bbfb7" in out and "hypothesis" in out and "program" in out and "attempt 1" in out
    assert "\nsolved" in out
    run = only_run(tmp_path)
    assert (run / "007bbfb7.png").stat().st_size > 1000 and str(run / "007bbfb7.png") in out.replace("\n", "")
    info = json.loads((run / "run.json").read_text())
    assert info["kind"] == "arc-solve" and info["status"] == "done" and info["result"]["solved"] == 1


def test_solve_a_task_file_with_a_plugged_in_solver(tmp_path):
    f = write_tasks(tmp_path / "t", {"myflip": flip_task(seed=11)}) / "myflip.json"
    res = synthloop(tmp_path / "runs", "arc", "solve", str(f), "--solver", FLIP, "--time-limit", "5")
    assert res.returncode == 0, res.stderr
    assert "flip_lr" in res.stdout and "apply flip lr to the grid" in res.stdout and "✓ right" in res.stdout


def test_eval_limit_3_on_arcagi1_training_writes_everything(tmp_path):
    pytest.importorskip("synthloop.arc.symbolic", reason="the symbolic solver is written by another module")
    res = synthloop(tmp_path, "arc", "eval", "--dataset", "arcagi", "--split", "training", "--limit", "3",
                    "--time-limit", "3", "--workers", "1")
    assert res.returncode == 0, res.stderr
    run = only_run(tmp_path)
    lines = (run / "results.jsonl").read_text().splitlines()
    assert len(lines) == 3
    sub = json.loads((run / "submission.json").read_text())
    assert list(sub) == ["007bbfb7", "00d62c1b", "017c7c7b"]
    assert all(set(e) == {"attempt_1", "attempt_2"} for entries in sub.values() for e in entries)
    assert (run / "report.html").exists()
    info = json.loads((run / "run.json").read_text())
    assert info["status"] == "done" and info["result"]["tasks"] == 3
    assert info["params"]["dataset"] == "arcagi" and info["params"]["limit"] == 3
    assert "accuracy" in res.stdout and "cpu_s_per_test_input" in res.stdout
    cfg = (run / "config.toml").read_text()
    assert "time_limit_s = 3.0" in cfg and "workers = 1" in cfg


def test_eval_a_directory_reports_bad_files_and_resume_finishes_a_killed_run(tmp_path):
    d = write_tasks(tmp_path / "t", {"a": flip_task(seed=1), "b": rot_task(seed=2), "c": noise_task(seed=3)})
    (d / "zz-broken.json").write_text('{"train": [')
    runs = tmp_path / "runs"
    res = synthloop(runs, "arc", "eval", "--dataset", str(d), "--solver", FLIP, "--workers", "2")
    assert res.returncode == 0, res.stderr
    assert "zz-broken.json" in res.stderr and "not valid JSON" in res.stderr
    assert "load error" in res.stdout
    run = only_run(runs)
    info = json.loads((run / "run.json").read_text())
    assert info["result"]["solved"] == 2 and info["result"]["tasks"] == 3
    assert any("zz-broken.json" in e for e in info["result"]["load_errors"])

    # simulate a kill after the first task: one result left, status not done
    first = (run / "results.jsonl").read_text().splitlines()[0]
    (run / "results.jsonl").write_text(first + "\n")
    info["status"] = "interrupted"
    (run / "run.json").write_text(json.dumps(info))
    res = synthloop(runs, "arc", "eval", "--resume", run.name[:20])
    assert res.returncode == 0, res.stderr
    lines = (run / "results.jsonl").read_text().splitlines()
    assert len(lines) == 3 and lines[0] == first
    assert json.loads((run / "run.json").read_text())["status"] == "done"


def test_bad_ids_file_is_one_line_exit_2(tmp_path):
    res = synthloop(tmp_path, "arc", "eval", "--ids", str(tmp_path / "missing.txt"))
    assert res.returncode == 2
    assert "Traceback" not in res.stderr and "ids file not found" in res.stderr
    res = synthloop(tmp_path, "arc", "solve", "nosuchtask")
    assert res.returncode == 2 and "no task 'nosuchtask'" in res.stderr


def _default_sigint() -> None:
    """The CLI child takes Ctrl-C as a user's terminal would deliver it, even when the tests run as a background job
    (a non-interactive shell starts those with SIGINT ignored, and an ignored signal stays ignored across exec)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_leaves_an_interrupted_run_and_no_workers(tmp_path):
    d = write_tasks(tmp_path / "t", {f"slow-{i}": flip_task(seed=i) for i in range(3)})
    runs = tmp_path / "runs"
    proc = subprocess.Popen([sys.executable, "-c", "from synthloop.cli import main; main()", "--runs-dir", str(runs),
                             "arc", "eval", "--dataset", str(d), "--solver", "test_core_helpers:MisbehavingSolver",
                             "--time-limit", "60", "--workers", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(),
                            preexec_fn=_default_sigint)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        started = runs.exists() and any((p / "events.jsonl").exists() and "arc_eval_started" in
                                        (p / "events.jsonl").read_text() for p in runs.iterdir())
        if started:
            break
        time.sleep(0.2)
    time.sleep(2.0)  # workers are up and sleeping in the slow tasks
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "runs resume" in err
    info = json.loads((only_run(runs) / "run.json").read_text())
    assert info["status"] == "interrupted"
    ps = subprocess.run(["ps", "-eo", "pid,ppid,args"], capture_output=True, text=True).stdout
    assert not [ln for ln in ps.splitlines() if str(proc.pid) in ln.split()[1:2]]  # no orphaned children
