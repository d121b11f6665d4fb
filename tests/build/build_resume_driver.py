"""Subprocess driver for the parallel kill/resume test: `start RUNS_DIR` or `resume RUNS_DIR RUN_ID`.
The model is a Director (replies routed by instruction), so parallel workers do not race for replies."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from build_director import Director, call, plan_reply  # noqa: E402

from synthloop.agents.build_run import resume_run, run_build  # noqa: E402
from synthloop.agents.scripted import ScriptedModel  # noqa: E402
from synthloop.config import load_config, to_toml  # noqa: E402
from synthloop.memory.runstore import RunStore  # noqa: E402

PLAN = plan_reply([
    {"id": "fast", "instruction": "module f", "files": ["f.py", "tests/test_f.py"]},
    {"id": "slow", "instruction": "module s", "files": ["s.py", "tests/test_s.py"]},
])


def _module(name: str, value: int) -> list:
    return [call("write_file", path=f"{name}.py", content=f"V = {value}\n"),
            call("write_file", path=f"tests/test_{name}.py",
                 content=f"from {name} import V\n\n\ndef test_v():\n    assert V == {value}\n"),
            call("mark_complete", summary=f"{name}.V is {value}")]


def main() -> None:
    phase, runs = sys.argv[1], sys.argv[2]
    cfg = load_config(overrides={"runs_dir": runs, "model.preset": "scripted", "model.cache": False,
                                 "build.parallel": 2, "build.run_timeout_s": 60.0}, environ={})
    if phase == "start":
        slow = [call("write_file", path="sleeper.py", content="import time\n\ntime.sleep(45)\n"),
                call("run_python_file", path="sleeper.py")]  # the test kills the process during this
        director = Director(PLAN, {"fast": _module("f", 1), "slow": slow})
        run = RunStore(runs).create("build", to_toml(cfg))
        print(run.id, flush=True)
        run_build(cfg, run, "two modules", model=ScriptedModel(director.replies()))
    else:
        director = Director(PLAN, {"fast": [], "slow": _module("s", 2)})  # asking about `fast` again would fail
        run = RunStore(runs).open(sys.argv[3])
        run.reopen()
        run.event("run_resumed")
        summary = resume_run(run, cfg, model=ScriptedModel(director.replies()), observer=lambda *a, **k: None)
        print("ASKED", ",".join(director.asked), "PASSED", summary["tests_passed"], flush=True)


if __name__ == "__main__":
    main()
