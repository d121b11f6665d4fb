"""A run that does not finish offers its best effort beside the workspace: the workspace (what passed) plus the
failed instructions' last drafts of the files it lacks, checked with real sandboxed pytest. Only the model is
scripted."""

from __future__ import annotations

import json

from build_director import Director, plan_reply
from test_files_protocol import FIXED, TEST, files

from synthloop.agents.build_run import run_build
from synthloop.agents.scripted import ScriptedModel

STATS = "def mean(xs):\n    return sum(xs) / len(xs)\n\n\ndef spread(xs):\n    return max(xs) - min(xs) + {n}\n"
STATS_TEST = ("from stats import mean, spread\n\n\ndef test_mean():\n    assert mean([1, 2, 3]) == 2\n\n\n"
              "def test_spread():\n    assert spread([1, 5]) == 4\n")


def _cfg(cfg, keep_partial=False):  # rolled back: the drafts path (test_partial.py has the kept one)
    return cfg.model_copy(update={"build": cfg.build.model_copy(update={"tool_protocol": "files",
                                                                         "keep_partial": keep_partial})})


def test_a_failed_instruction_leaves_its_draft_beside_the_workspace(cfg, new_run, sandbox):
    plan = plan_reply([{"id": "core", "instruction": "add()", "files": ["calc.py", "tests/test_calc.py"]},
                       {"id": "stats", "instruction": "mean() and spread()", "files": ["stats.py", "tests/test_stats.py"]}])
    wrong = [files(stats_py=STATS.format(n=n), tests__test_stats_py=STATS_TEST) for n in range(1, 13)]
    director = Director(plan, {"core": [files(calc_py=FIXED, tests__test_calc_py=TEST)], "stats": wrong})
    run = new_run()
    summary = run_build(_cfg(cfg), run, "calc and stats", model=ScriptedModel(director.replies(), context_size=16000),
                        sandbox=sandbox)
    statuses = {i["id"]: i["status"] for i in summary["instructions"]}
    assert statuses == {"core": "done", "stats": "failed"}
    ws = run.path / "workspace"
    assert (ws / "calc.py").exists() and not (ws / "stats.py").exists()  # the workspace holds only what passed
    be = summary["best_effort"]
    assert be["from_drafts"] == ["stats.py", "tests/test_stats.py"]
    assert (be["tests_passed"], be["tests_failed"], be["tests_ok"]) == (2, 1, False)  # add + mean pass, spread fails
    best = run.path / "best_effort"
    assert (best / "calc.py").read_text() == FIXED and "def spread" in (best / "stats.py").read_text()
    assert json.loads((run.path / "summary.json").read_text())["best_effort"] == be


def test_a_finished_run_has_no_best_effort(cfg, new_run, sandbox):
    plan = plan_reply([{"id": "core", "instruction": "add()", "files": ["calc.py", "tests/test_calc.py"]}])
    director = Director(plan, {"core": [files(calc_py=FIXED, tests__test_calc_py=TEST)]})
    run = new_run()
    summary = run_build(_cfg(cfg), run, "calc", model=ScriptedModel(director.replies(), context_size=16000),
                        sandbox=sandbox)
    assert summary["tests_ok"] and "best_effort" not in summary and not (run.path / "best_effort").exists()


def test_the_draft_of_a_failed_instruction_is_its_best_check_not_its_last(cfg, new_run, sandbox):
    """A late fix round can make things worse (a 1.5B run went from 3 passing tests back to 1): the draft, the
    repair's starting point and the best effort keep the files of the check with the most passing tests."""
    from test_files_protocol import ABC_TEST, _abc

    plan = plan_reply([{"id": "abc", "instruction": "a(), b() and c()", "files": ["calc.py", "tests/test_calc.py"]}])
    script = [files(calc_py=_abc(0), tests__test_calc_py=ABC_TEST), files(calc_py=_abc(2)), files(calc_py=_abc(1)),
              files(calc_py=_abc(0) + "# again\n")]
    director = Director(plan, {"abc": script})
    run = new_run()
    summary = run_build(_cfg(cfg), run, "abc", model=ScriptedModel(director.replies(), context_size=16000),
                        sandbox=sandbox)
    assert not director.scripts["abc"]  # 0 → 2 passing earned a third fix round; 1 and 0 then ended it
    restored = [e for e in run.events() if e["kind"] == "best_check_restored"]
    assert restored and restored[0]["paths"] == ["calc.py"] and restored[0]["passed"] == 2
    best = _abc(2).rstrip("\n") + "\n"  # as the reply's block wrote it
    assert (run.path / "drafts" / "abc" / "calc.py").read_text() == best
    assert (run.path / "best_effort" / "calc.py").read_text() == best
    assert (summary["best_effort"]["tests_passed"], summary["best_effort"]["tests_failed"]) == (2, 1)
