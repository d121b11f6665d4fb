"""Partly done instructions (build/partial.py): a failed instruction whose best work passes most of its own tests
stays in the workspace so its dependants run; its failing tests are known failures that only a repair is charged
with, and acceptance still counts them. Only the model is scripted: real sandboxed pytest, real files."""

from __future__ import annotations

import json

from build_director import Director, plan_reply
from test_files_protocol import files

from synthloop.agents.build.checks import CheckReport
from synthloop.agents.build.partial import excuse, excused_for, judge, load_known
from synthloop.agents.build_run import run_build
from synthloop.agents.scripted import ScriptedModel
from synthloop.memory.registry import Instruction, InstructionRegistry

STORE = ("def put(d, k, v):\n    d[k] = v\n    return d\n\n\ndef get(d, k):\n    return d[k]\n\n\n"
         "def size(d):\n    return len(d) + {n}\n")
STORE_TEST = ("from store import get, put, size\n\n\ndef test_put():\n    assert put({}, 'a', 1) == {'a': 1}\n\n\n"
              "def test_get():\n    assert get({'a': 1}, 'a') == 1\n\n\ndef test_size():\n    assert size({'a': 1}) == 1\n")
API = "from store import get, put\n\n\ndef roundtrip(k, v):\n    return get(put({}, k, v), k)\n"
API_TEST = "from api import roundtrip\n\n\ndef test_roundtrip():\n    assert roundtrip('k', 2) == 2\n"


def _cfg(cfg, **build):
    return cfg.model_copy(update={"build": cfg.build.model_copy(update={
        "tool_protocol": "files", "review_failing_tests": False, "max_fix_rounds": 1, **build})})


def _plan():
    return plan_reply([
        {"id": "store", "instruction": "put(), get() and size()", "files": ["store.py", "tests/test_store.py"]},
        {"id": "api", "instruction": "roundtrip() on the store", "files": ["api.py", "tests/test_api.py"],
         "depends_on": ["store"]},
    ])


def _wrong_store(k: int) -> list[str]:  # size() uses an undefined name (a NameError and a serious lint finding)
    return [files(store_py=STORE.format(n="offset") + f"# try {i}\n", tests__test_store_py=STORE_TEST)
            for i in range(k)]


def test_a_partly_done_foundation_is_kept_its_dependant_runs_and_a_repair_finishes_the_run(cfg, new_run, sandbox):
    repair = plan_reply([{"id": "fix", "instruction": "make size() right", "files": ["store.py"],
                          "depends_on": ["store"]}])
    director = Director(_plan(), {"store": _wrong_store(6), "api": [files(api_py=API, tests__test_api_py=API_TEST)],
                                  "r1-fix": [files(store_py=STORE.format(n=0))]}, replan=[repair])
    run = new_run()
    summary = run_build(_cfg(cfg), run, "a store and an api",
                        model=ScriptedModel(director.replies(), context_size=16000), sandbox=sandbox)
    reg = InstructionRegistry.load(run.path / "registry.json")
    assert reg.get("store").status == "partial"
    assert "PARTLY DONE" in reg.get("store").summary and "2 of 3 of its tests pass" in reg.get("store").summary
    # the dependant ran on the kept work, was told it is partial, and was not charged with test_size
    assert reg.get("api").status == "done"
    assert "PARTLY DONE" in director.seen["api"][0][1]["content"]
    assert len(director.seen["api"]) == 1  # passed on its first reply: neither the known failure nor the undefined
    # name in store.py (a serious lint finding that fails any check) was charged to it
    events = run.events()
    partial = [e for e in events if e["kind"] == "instruction_partial"]
    assert partial[0]["failing"] == ["tests/test_store.py::test_size"]
    first = json.loads((run.path / "acceptance-0.json").read_text())  # acceptance still counts the known failure
    assert first["partial_instructions"] == ["store"] and first["checks"]["failed"] == 1
    assert reg.get("r1-fix").status == "done"  # the repair owns store.py: it had to make test_size pass
    assert summary["tests_ok"] and summary["tests_passed"] == 4
    assert summary["counts"] == {"pending": 0, "running": 0, "done": 2, "partial": 1, "failed": 0}
    assert load_known(run.path) == {}  # forgotten once it passed


def test_without_keep_partial_the_foundation_rolls_back_and_its_dependant_is_skipped(cfg, new_run, sandbox):
    director = Director(_plan(), {"store": _wrong_store(6), "api": []})
    run = new_run()
    summary = run_build(_cfg(cfg, keep_partial=False), run, "a store and an api",
                        model=ScriptedModel(director.replies(), context_size=16000), sandbox=sandbox)
    statuses = {i["id"]: i["status"] for i in summary["instructions"]}
    assert statuses == {"store": "failed", "api": "failed"} and "api" not in director.seen
    assert not (run.path / "workspace" / "store.py").exists()


def test_a_repair_that_leaves_the_known_failure_failing_does_not_pass(cfg, new_run, sandbox):
    repair = plan_reply([{"id": "fix", "instruction": "make size() right", "files": ["store.py"],
                          "depends_on": ["store"]}])
    still_wrong = [files(store_py=STORE.format(n=2) + f"# fix {i}\n") for i in range(6)]
    director = Director(_plan(), {"store": _wrong_store(6), "api": [files(api_py=API, tests__test_api_py=API_TEST)],
                                  "r1-fix": still_wrong}, replan=[repair])
    run = new_run()
    summary = run_build(_cfg(cfg), run, "a store and an api",
                        model=ScriptedModel(director.replies(), context_size=16000), sandbox=sandbox)
    reg = InstructionRegistry.load(run.path / "registry.json")
    assert reg.get("r1-fix").status != "done"
    assert "FAILED tests/test_store.py::test_size" in director.seen["r1-fix"][-1][1]["content"]
    assert not summary["tests_ok"]


def _rep(passed, failing, **kw):
    return CheckReport(passed=len(passed), failed=len(failing), ran_tests=True, passed_ids=list(passed),
                       failures=[[n, "assert 1 == 2"] for n in failing], **kw)


def test_judge_keeps_only_work_that_breaks_nothing_else_and_passes_most_of_its_tests():
    own = {"store.py", "tests/test_store.py"}
    a, b, c = (f"tests/test_store.py::test_{x}" for x in "abc")
    kept = judge(_rep([a, b, "tests/test_old.py::test_x"], [c]), own, ["store.py"])  # lint in its own file: kept
    assert kept is not None and kept.passed == 2 and [n for n, _ in kept.failing] == [c]
    assert judge(_rep([a], [b, c]), own, []) is None  # more of its tests fail than pass
    assert judge(_rep([a, b], [c, "tests/test_old.py::test_x"]), own, []) is None  # it broke another test
    assert judge(_rep([a, b], [c]), own, ["old.py"]) is None  # a serious lint finding (undefined name) elsewhere
    assert judge(_rep([a, b], [c], collection_error=True), own, []) is None
    assert judge(_rep([a, b], [c], timed_out=True), own, []) is None
    done_but = judge(_rep([a, b], []), own, [])  # its tests pass; it failed for another reason
    assert done_but is not None and "all 2 of its tests pass, but it did not finish (never defined f" in (
        done_but.summary("never defined f, which the instruction asks for"))
    assert judge(_rep(["tests/test_old.py::test_x"], []), own, []) is None  # none of its own tests
    unattributed = _rep([a, b], [c])
    unattributed.failed += 1  # pytest said more failed than it named
    assert judge(unattributed, own, []) is None


def test_only_instructions_away_from_the_partial_work_are_excused():
    reg = InstructionRegistry()
    reg.add([Instruction("store", "s", files=["store.py", "tests/test_store.py"]),
             Instruction("api", "a", files=["api.py"], deps=["store"]),
             Instruction("fix", "f", files=["store.py"], deps=["store"]),
             Instruction("tests", "t", files=["tests/test_store.py"], deps=["store"])])
    known = {"tests/test_store.py::test_size": "store"}
    assert excused_for(known, reg, reg.get("api")) == known
    assert excused_for(known, reg, reg.get("fix")) == {}  # works on the partial's code
    assert excused_for(known, reg, reg.get("tests")) == {}  # owns the failing test file
    rep = _rep(["tests/test_api.py::test_r"], ["tests/test_store.py::test_size", "tests/test_api.py::test_q"])
    out = excuse(rep, known)
    assert (out.failed, out.errors) == (1, 0) and [f[0] for f in out.failures] == ["tests/test_api.py::test_q"]
    assert out.excused == [["tests/test_store.py::test_size", "store"]]
    assert "Not counted: 1 test(s) of partly done instruction(s) store" in out.feedback()
    assert not out.ok
    assert excuse(_rep(["tests/test_api.py::test_r"], ["tests/test_store.py::test_size"]), known).ok


def test_a_dependant_of_partial_work_can_itself_be_partial(cfg, new_run, sandbox):
    """api's own tests half pass; the undefined name in store.py (store's, not api's) does not stop keeping it."""
    api_tests = API_TEST + "\n\ndef test_missing():\n    assert roundtrip('k', None) == 0\n"
    wrong_api = [files(api_py=API + f"# try {i}\n", tests__test_api_py=api_tests) for i in range(6)]
    director = Director(_plan(), {"store": _wrong_store(6), "api": wrong_api})
    run = new_run()
    summary = run_build(_cfg(cfg), run, "a store and an api",
                        model=ScriptedModel(director.replies(), context_size=16000), sandbox=sandbox)
    assert {i["id"]: i["status"] for i in summary["instructions"]} == {"store": "partial", "api": "partial"}
    assert load_known(run.path) == {"tests/test_store.py::test_size": "store", "tests/test_api.py::test_missing": "api"}
    assert summary["tests_passed"] == 3 and summary["tests_failed"] == 2 and not summary["tests_ok"]
