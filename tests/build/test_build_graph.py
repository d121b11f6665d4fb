"""The whole build graph with a scripted model, a real bwrap sandbox and real pytest runs."""

from __future__ import annotations

import json

from build_director import Director, call, plan_reply

from synthloop.agents.build.graph import pick_batch
from synthloop.agents.build.instruction import merge
from synthloop.agents.build_run import run_build
from synthloop.agents.scripted import ScriptedModel
from synthloop.memory.filestore import DiskFileStore
from synthloop.memory.registry import Instruction, InstructionRegistry

PLAN = plan_reply([
    {"id": "core", "instruction": "calc.core.add(a, b) with tests", "files": ["calc/core.py", "tests/test_core.py"]},
    {"id": "strings", "instruction": "calc.strings.shout(s) with tests",
     "files": ["calc/strings.py", "tests/test_strings.py"]},
    {"id": "cli", "instruction": "calc.cli.main() using add and shout", "files": ["calc/cli.py", "tests/test_cli.py"],
     "depends_on": ["core", "strings"]},
])


def _cli_first(messages):
    brief = messages[1]["content"]
    assert "calc.core.add(a, b) returns the sum [files: calc/core.py, tests/test_core.py]" in brief
    assert "shout upper-cases" in brief
    return call("write_file", path="calc/cli.py", content=(
        "from calc.core import add\nfrom calc.strings import shout\n\n\ndef main():\n"
        "    return shout(str(add(1, 2)) + 'x')\n"))


SCRIPTS = {
    "core": [
        call("write_file", path="calc/core.py", content="def add(a, b):\n    return a - b\n"),
        call("write_file", path="tests/test_core.py",
             content="from calc.core import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n"),
        call("mark_complete", summary="first try"),
        call("patch_file", path="calc/core.py", edits=[{"search": "a - b", "replace": "a + b"}]),
        call("mark_complete", summary="calc.core.add(a, b) returns the sum"),
    ],
    "strings": [
        call("write_file", path="calc/strings.py", content="def shout(s):\n    return s.upper()\n"),
        call("write_file", path="tests/test_strings.py",
             content="from calc.strings import shout\n\n\ndef test_shout():\n    assert shout('ab') == 'AB'\n"),
        call("write_file", path="tests/test_old.py", content="def test_old():\n    assert True\n"),
        call("delete_file", path="tests/test_old.py"),  # refused: no reason
        call("delete_file", path="tests/test_old.py", reason="duplicate of test_strings"),
        call("mark_complete", summary="calc.strings.shout upper-cases a string"),
    ],
    "cli": [
        _cli_first,
        call("write_file", path="tests/test_cli.py",
             content="from calc.cli import main\n\n\ndef test_main():\n    assert main() == '3X'\n"),
        call("run_pytest", target="tests/test_cli.py"),
        call("mark_complete", summary="calc.cli.main prints the shouted sum"),
    ],
}


def test_pick_batch_disjoint_files():
    a = Instruction("a", "x", files=["a.py", "t/test_a.py"])
    b = Instruction("b", "x", files=["b.py"])
    c = Instruction("c", "x", files=["a.py"])
    d = Instruction("d", "x")
    assert [i.id for i in pick_batch([a, b, c], 3)] == ["a", "b"]
    assert [i.id for i in pick_batch([a, b, c], 1)] == ["a"]
    assert [i.id for i in pick_batch([d, a], 3)] == ["d"]
    assert [i.id for i in pick_batch([a, d, b], 3)] == ["a", "b"]


def test_merge_applies_changes_and_detects_conflicts(open_tmp):
    main = DiskFileStore(open_tmp / "main")
    main.write("shared.py", "v0")
    main.write("gone.py", "x")
    a = main.clone_to(open_tmp / "a")
    b = main.clone_to(open_tmp / "b")
    base = a.manifest()
    a.write("a.py", "new")
    a.delete("gone.py")
    assert merge(a, main, base) == (["a.py", "gone.py"], [])
    assert main.list() == ["a.py", "shared.py"]
    b.write("shared.py", "b's version")
    main.write("shared.py", "someone else's")  # changed concurrently since b was copied
    assert merge(b, main, base) == ([], ["shared.py"])
    assert main.read("shared.py") == "someone else's"


def test_three_instructions_two_parallel_and_a_fix_round(cfg, new_run, sandbox, tmp_path):
    director = Director(PLAN, SCRIPTS)
    model = ScriptedModel(director.replies(), context_size=16000)
    run = new_run()
    out = tmp_path / "out"
    summary = run_build(cfg, run, "Write a tiny calc package.", out=out, model=model, sandbox=sandbox)

    assert all(not s for s in director.scripts.values()), director.scripts  # every scripted step was used
    assert director.asked[0] == "plan" and "replan" not in director.asked
    reg = InstructionRegistry.load(run.path / "registry.json")
    assert [(i.id, i.status) for i in reg.all()] == [("core", "done"), ("strings", "done"), ("cli", "done")]
    assert (run.path / "workspace" / "calc" / "core.py").read_text() == "def add(a, b):\n    return a + b\n"
    assert (out / "calc" / "cli.py").exists() and (out / "tests" / "test_cli.py").exists()
    assert summary["tests_passed"] == 3 and summary["tests_failed"] == 0 and summary["lint_errors"] == 0
    assert summary["loc"]["code"] == 8 and summary["loc"]["tests"] == 9
    assert summary["test_changes"] == [{"kind": "test_deleted", "instruction": "strings", "path": "tests/test_old.py",
                                        "change": "deletes the test file", "reason": "duplicate of test_strings"}]
    strings_convo = director.seen["strings"][-1]
    assert any(m.get("role") == "tool" and m["content"].startswith("ERROR: refused") for m in strings_convo)

    # the failing test went back to the same sub-agent, which fixed it on its second try
    core_convo = director.seen["core"][-1]
    feedback = [m["content"] for m in core_convo if m.get("role") == "tool" and "checks failed" in m["content"]]
    assert len(feedback) == 1 and "FAILED tests/test_core.py::test_add" in feedback[0]
    events = list(run.events())
    done = {e["instruction"]: e for e in events if e["kind"] == "instruction_done"}
    assert done["core"]["fix_rounds"] == 1 and done["strings"]["fix_rounds"] == 0
    # core and strings ran in the same step (parallel); cli only after both were done
    order = [(e["kind"], e.get("instruction")) for e in events if e["kind"].startswith("instruction_")]
    first_done = order.index(next(o for o in order if o[0] == "instruction_done"))
    assert {("instruction_started", "core"), ("instruction_started", "strings")} <= set(order[:first_done])
    assert order.index(("instruction_started", "cli")) > order.index(("instruction_done", "core"))
    assert order.index(("instruction_started", "cli")) > order.index(("instruction_done", "strings"))
    assert len(list((run.path / "snapshots").iterdir())) == 3
    assert not (run.path / "scratch" / "core").exists()
    assert json.loads((run.path / "run.json").read_text())["status"] == "done"


def test_failed_instruction_rolls_back_and_blocks_dependants(cfg, new_run, sandbox):
    plan = plan_reply([
        {"id": "bad", "instruction": "never passes", "files": ["bad.py", "tests/test_bad.py"]},
        {"id": "after", "instruction": "depends on bad", "files": ["after.py"], "depends_on": ["bad"]},
    ])
    broken = [call("write_file", path="bad.py", content="X = 1\n"),
              call("write_file", path="tests/test_bad.py",
                   content="from bad import X\n\n\ndef test_x():\n    assert X == 2\n"),
              call("mark_complete", summary="a"), call("mark_complete", summary="b"), call("mark_complete", summary="c")]
    fix = plan_reply([{"id": "fix", "instruction": "a working module instead", "files": ["good.py", "tests/test_good.py"],
                       "depends_on": ["bad", "nonexistent"]}])  # a repair that names the failed step
    good = [call("write_file", path="good.py", content="Y = 2\n"),
            call("write_file", path="tests/test_good.py",
                 content="from good import Y\n\n\ndef test_y():\n    assert Y == 2\n"),
            call("mark_complete", summary="good.Y")]
    director = Director(plan, {"bad": broken, "after": [], "r1-fix": good}, replan=[fix])
    cfg = cfg.model_copy(update={"build": cfg.build.model_copy(update={"max_fix_rounds": 2})})
    run = new_run()
    summary = run_build(cfg, run, "task", model=ScriptedModel(director.replies()), sandbox=sandbox)
    reg = InstructionRegistry.load(run.path / "registry.json")
    assert reg.get("bad").status == "failed" and "fix round" in reg.get("bad").summary
    assert reg.get("after").status == "failed" and "depends on failed bad" in reg.get("after").summary
    # the failed instruction's files never reached the workspace (rolled back); the replanned one's did
    assert sorted(summary["files"]) == ["good.py", "tests/test_good.py"]
    assert reg.get("r1-fix").status == "done" and reg.get("r1-fix").origin == "replan-1"
    assert reg.get("r1-fix").deps == []  # the unknown dependency and the failed one were dropped (else: never ready)
    assert director.asked.count("replan") == 2  # bounded: the second re-plan added nothing
    assert summary["counts"] == {"pending": 0, "running": 0, "done": 1, "partial": 0, "failed": 2}
    assert summary["tests_passed"] == 1 and summary["replans"] == 2


def test_context_overflow_inside_a_build_restarts_the_instruction_keeping_files(cfg, new_run, sandbox):
    from synthloop.agents.build.subagent import approx_tokens
    from synthloop.agents.build.tools import openai_tools

    pad = "# " + "y" * 76 + "\n"
    plan = plan_reply([{"id": "big", "instruction": "two big modules", "files": ["big1.py", "tests/test_big.py"]}])
    director = Director(plan, {"big": [
        call("write_file", path="tests/test_big.py", content="def test_big():\n    assert True\n" + pad * 40),
        call("write_file", path="big1.py", content="A = 1\n" + pad * 40),
        call("list_files"),
        lambda messages: (call("mark_complete", summary="big modules")
                          if "Progress so far" in messages[1]["content"] else call("list_files")),
    ]}, note="wrote test_big.py and big1.py; only mark_complete is left")
    ctx = 512 + approx_tokens(openai_tools()) + 256 + 1600
    run = new_run()
    summary = run_build(cfg, run, "big task", model=ScriptedModel(director.replies(), context_size=ctx),
                        sandbox=sandbox)
    assert "summary" in director.asked and summary["counts"]["done"] == 1
    restarts = [e for e in run.events() if e["kind"] == "context_restart"]
    assert len(restarts) == 1 and restarts[0]["instruction"] == "big"
    assert sorted(summary["files"]) == ["big1.py", "tests/test_big.py"]


def test_run_that_failed_before_its_first_checkpoint_resumes_from_the_start(cfg, new_run, sandbox):
    import pytest

    from synthloop.agents.build_run import resume_run
    from synthloop.agents.model import ModelError

    run = new_run()
    with pytest.raises(ModelError, match="model.script is empty"):  # the configured scripted model has no script
        run_build(cfg, run, "Write a tiny calc package.", sandbox=sandbox)
    assert json.loads((run.path / "run.json").read_text())["status"] == "failed"
    director = Director(plan_reply([{"id": "only", "instruction": "x", "files": ["x.py", "tests/test_x.py"]}]), {
        "only": [call("write_file", path="x.py", content="X = 1\n"),
                 call("write_file", path="tests/test_x.py", content="from x import X\n\n\ndef test_x():\n    assert X\n"),
                 call("mark_complete", summary="x.X")]})
    run.reopen()
    summary = resume_run(run, cfg, model=ScriptedModel(director.replies()), sandbox=sandbox, observer=lambda *a, **k: None)
    assert summary["tests_passed"] == 1 and director.asked[0] == "plan"
    assert json.loads((run.path / "run.json").read_text())["status"] == "done"
