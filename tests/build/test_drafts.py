"""A failed instruction is rolled back but its files are kept as a draft that a re-plan's repair starts from."""

from __future__ import annotations

import json

from build_director import Director, call, plan_reply

from synthloop.agents.build_run import run_build
from synthloop.agents.scripted import ScriptedModel


def test_repair_instruction_sees_the_failed_draft_and_the_workspace_never_did(cfg, new_run, sandbox):
    plan = plan_reply([{"id": "mod", "instruction": "mod.area()", "files": ["mod.py", "tests/test_mod.py"]}])
    test = "from mod import area\n\n\ndef test_area():\n    assert area(2, 3) == 6\n"
    broken = [call("write_file", path="mod.py", content="def area(w, h):\n    return w + h  # DRAFT-MARK\n"),
              call("write_file", path="tests/test_mod.py", content=test),
              call("mark_complete", summary="a"), call("mark_complete", summary="b")]
    fix = plan_reply([{"id": "repair", "instruction": "make area() right", "files": ["mod.py", "tests/test_mod.py"]}])
    good = [call("write_file", path="mod.py", content="def area(w, h):\n    return w * h\n"),
            call("write_file", path="tests/test_mod.py", content=test), call("mark_complete", summary="mod.area")]
    director = Director(plan, {"mod": broken, "r1-repair": good}, replan=[fix])
    cfg = cfg.model_copy(update={"build": cfg.build.model_copy(update={"max_fix_rounds": 1})})
    run = new_run()
    summary = run_build(cfg, run, "area", model=ScriptedModel(director.replies()), sandbox=sandbox)
    assert summary["tests_ok"] and summary["counts"]["failed"] == 1
    meta = json.loads((run.path / "drafts" / "mod" / "_draft.json").read_text())
    assert sorted(meta["files"]) == ["mod.py", "tests/test_mod.py"] and "assert 5 == 6" in meta["why"]
    first = director.seen["r1-repair"][0][1]["content"]  # the repair's brief
    assert "# Drafts from failed attempts" in first and "draft by failed instruction mod" in first
    assert "DRAFT-MARK" in first and "fix round" in first
    assert "DRAFT-MARK" not in (run.path / "workspace" / "mod.py").read_text()
    assert "Drafts from failed" not in director.seen["mod"][0][1]["content"]
