"""kill -9 during a build, then `synthloop runs resume`: finished instructions are not redone (the real CLI in
subprocesses, scripted model via the config's `scripted` preset, real sandbox)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from build_director import call, plan_reply

from synthloop.memory.registry import InstructionRegistry

CLI = [sys.executable, "-c", "from synthloop.cli import main; main()"]


def _write(path, replies):
    path.write_text(json.dumps(replies))


def test_kill9_then_resume_does_not_redo_finished_instructions(open_tmp, sandbox):
    runs = open_tmp / "runs"
    script = open_tmp / "script.json"
    plan = plan_reply([
        {"id": "first", "instruction": "module a with tests", "files": ["a.py", "tests/test_a.py"]},
        {"id": "second", "instruction": "module b with tests", "files": ["b.py", "tests/test_b.py"],
         "depends_on": ["first"]},
    ])
    _write(script, [
        plan,
        call("write_file", path="a.py", content="A = 1\n"),
        call("write_file", path="tests/test_a.py", content="from a import A\n\n\ndef test_a():\n    assert A == 1\n"),
        call("mark_complete", summary="a.A is 1"),
        call("write_file", path="slow.py", content="import time\n\ntime.sleep(30)\n"),
        call("run_python_file", path="slow.py"),  # keeps the node busy while the test kills the process
    ])
    cfg_file = open_tmp / "cfg.toml"
    cfg_file.write_text(f'[model]\npreset = "scripted"\nscript = "{script}"\ncache = false\n'
                        '[build]\nparallel = 1\nrun_timeout_s = 40.0\n')
    proc = subprocess.Popen([*CLI, "-c", str(cfg_file), "--runs-dir", str(runs), "build", "run", "make a and b"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        run_dir = None
        while time.monotonic() < deadline:
            assert proc.poll() is None, proc.stdout.read().decode()[-2000:]
            dirs = list(runs.glob("*-build-*")) if runs.exists() else []
            if dirs:
                run_dir = dirs[0]
                ev = (run_dir / "events.jsonl").read_text() if (run_dir / "events.jsonl").exists() else ""
                if '"path": "slow.py"' in ev:  # written; the next action sleeps in the sandbox
                    time.sleep(0.5)
                    break
            time.sleep(0.05)
        else:
            raise AssertionError("the build never reached the second instruction")
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    reg = InstructionRegistry.load(run_dir / "registry.json")
    assert reg.get("first").status == "done" and reg.get("second").status == "running"
    assert json.loads((run_dir / "run.json").read_text())["status"] == "running"  # killed: nobody finished it

    # The resumed process only has replies for `second`; asking about `first` (or planning) again would
    # consume them in the wrong place and fail the run.
    _write(script, [
        call("write_file", path="b.py", content="B = 2\n"),
        call("write_file", path="tests/test_b.py", content="from b import B\n\n\ndef test_b():\n    assert B == 2\n"),
        call("mark_complete", summary="b.B is 2"),
    ])
    res = subprocess.run([*CLI, "--runs-dir", str(runs), "runs", "resume", run_dir.name],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
    events = [json.loads(x) for x in (run_dir / "events.jsonl").read_text().splitlines() if x.strip()]
    k = max(i for i, e in enumerate(events) if e["kind"] == "run_resumed")
    after = events[k:]
    assert not [e for e in after if e["kind"] == "instruction_started" and e["instruction"] == "first"]
    roles = [e["role"] for e in after if e["kind"] == "model_call"]
    assert roles == ["subagent:second"] * 3
    reg = InstructionRegistry.load(run_dir / "registry.json")
    assert reg.get("first").status == "done" and reg.get("first").attempts == 1
    assert reg.get("second").status == "done"
    info = json.loads((run_dir / "run.json").read_text())
    assert info["status"] == "done" and info["result"]["tests_passed"] == 2
    assert sorted(p.name for p in (run_dir / "workspace").iterdir()) == ["a.py", "b.py", "tests"]


def test_kill9_during_a_parallel_batch_keeps_the_finished_worker(open_tmp, sandbox):
    """Two instructions run in parallel; `fast` finishes, `slow` is busy when the process is killed. On resume
    only `slow` runs again (LangGraph keeps the finished Send worker's result; the registry agrees)."""
    from pathlib import Path

    driver = str(Path(__file__).parent / "build_resume_driver.py")
    runs = open_tmp / "runs"
    proc = subprocess.Popen([sys.executable, driver, "start", str(runs)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        run_id = proc.stdout.readline().strip()
        run_dir = runs / run_id
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert proc.poll() is None, proc.stdout.read()[-2000:]
            if (run_dir / "registry.json").exists():
                reg = InstructionRegistry.load(run_dir / "registry.json")
                ev = (run_dir / "events.jsonl").read_text()
                if reg.get("fast").status == "done" and '"path": "sleeper.py"' in ev:
                    time.sleep(0.5)
                    break
            time.sleep(0.05)
        else:
            raise AssertionError("never reached: fast done while slow sleeps")
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert InstructionRegistry.load(run_dir / "registry.json").get("slow").status == "running"
    res = subprocess.run([sys.executable, driver, "resume", str(runs), run_id], capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
    assert "ASKED slow,slow,slow PASSED 2" in res.stdout
    reg = InstructionRegistry.load(run_dir / "registry.json")
    assert reg.get("fast").attempts == 1 and reg.get("slow").attempts == 2
    assert sorted(p.name for p in (run_dir / "workspace").iterdir()) == ["f.py", "s.py", "tests"]
