"""One build through the real openai SDK against the loopback FakeOpenAIServer (model built from the config)."""

from __future__ import annotations

from build_director import Director, call, plan_reply

from synthloop.agents.build_run import run_build
from synthloop.agents.fake_server import FakeOpenAIServer
from synthloop.config import load_config, to_toml
from synthloop.memory.registry import InstructionRegistry
from synthloop.memory.runstore import RunStore


def test_build_through_openai_sdk_and_fake_server(open_tmp, sandbox):
    plan = plan_reply([
        {"id": "add", "instruction": "mathx.add with tests", "files": ["mathx/add.py", "tests/test_add.py"]},
        {"id": "mul", "instruction": "mathx.mul with tests", "files": ["mathx/mul.py", "tests/test_mul.py"]},
    ])
    director = Director(plan, {
        "add": [call("write_file", path="mathx/add.py", content="def add(a, b):\n    return a + b\n"),
                call("write_file", path="tests/test_add.py",
                     content="from mathx.add import add\n\n\ndef test_add():\n    assert add(2, 2) == 4\n"),
                call("mark_complete", summary="mathx.add.add")],
        "mul": [call("write_file", path="mathx/mul.py", content="def mul(a, b):\n    return a * b\n"),
                call("write_file", path="tests/test_mul.py",
                     content="from mathx.mul import mul\n\n\ndef test_mul():\n    assert mul(2, 3) == 6\n"),
                call("patch_file", path="tests/test_mul.py",
                     edits=[{"search": "assert mul(2, 3) == 6", "replace": "assert mul(2, 3) == 6\n    assert mul(0, 5) == 0"}]),
                call("mark_complete", summary="mathx.mul.mul")],
    })
    with FakeOpenAIServer([lambda body: director(body["messages"])] * 40) as srv:
        cfg = load_config(overrides={"runs_dir": str(open_tmp / "runs"), "model.preset": "vllm",
                                     "model.base_url": srv.base_url, "model.name": "fake-model",
                                     "model.max_tokens": 512}, environ={})
        run = RunStore(cfg.runs_dir).create("build", to_toml(cfg))
        summary = run_build(cfg, run, "Write mathx with add and mul.", sandbox=sandbox)
        requests = list(srv.requests)
    reg = InstructionRegistry.load(run.path / "registry.json")
    assert [(i.id, i.status) for i in reg.all()] == [("add", "done"), ("mul", "done")]
    assert summary["tests_passed"] == 2 and summary["lint_errors"] == 0
    assert requests[0]["response_format"]["type"] == "json_schema"  # the plan is a structured call
    work = requests[1:]
    assert len(work) == 7
    names = {t["function"]["name"] for t in work[0]["tools"]}
    assert names == {"list_files", "read_file", "write_file", "patch_file", "delete_file", "run_python_file",
                     "run_pytest", "mark_complete"}
    later = [r for r in work if any(m["role"] == "tool" for m in r["messages"])]
    assert later and all(m.get("tool_call_id") for r in later for m in r["messages"] if m["role"] == "tool")
    assert run.info.prompt_tokens > 0 and run.info.status == "done"
