"""The last-resort test review (triage.py): before an instruction fails, its own tests that fail on an expectation are
judged TEST or CODE by the model; tests judged wrong are removed with the model's reason. Real sandboxed pytest; only
the model is scripted."""

from __future__ import annotations

from build_director import RecordingModel, call

from synthloop.agents.build import triage
from synthloop.agents.build.checks import CheckReport, run_checks
from synthloop.agents.build.files_agent import FilesSubagent
from synthloop.agents.build.subagent import Brief, Subagent
from synthloop.agents.build.tools import ToolBox
from synthloop.memory.filestore import DiskFileStore

CODE = "def add(a, b):\n    return a + b\n"
TESTS = ("from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n\n\n"
         "def test_add_twice():\n    assert add(2, 2) == 5\n")
TASK = "A calculator: add(a, b) returns the sum of a and b."


def files(**named: str) -> str:
    out = []
    for key, body in named.items():
        out += [f"FILE: {key.replace('__', '/').replace('_py', '.py')}", "```python", body.rstrip("\n"), "```"]
    return "\n".join(out)


def _agent(cls, model, store, sandbox, events, *, instruction="write add() with tests", review=True):
    emit = lambda k, **d: events.append((k, d))  # noqa: E731
    tools = ToolBox(store, sandbox, emit, test_timeout_s=20)
    brief = Brief(task=TASK, instruction_id="core", instruction=instruction,
                  owned=["calc.py", "tests/test_calc.py"], foreign=[], dependencies=[], relevant=[])
    agent = cls(model, tools, brief, lambda: run_checks(store, sandbox, timeout_s=20), max_steps=8, max_fix_rounds=1,
                temperature=0.2, max_tokens=512, emit=emit, review_tests=review)
    return agent, tools


def _kinds(events, kind):
    return [d for k, d in events if k == kind]


def test_a_test_judged_wrong_is_removed_with_its_reason_and_the_instruction_passes(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    reply = files(calc_py=CODE, tests__test_calc_py=TESTS)
    model = RecordingModel([reply, reply, "VERDICT: TEST\nWHY: the task says add returns the sum, and 2 + 2 is 4.",
                            "RIGHT: CODE\nWHY: add returns the sum."])
    events: list = []
    agent, tools = _agent(FilesSubagent, model, store, sandbox, events)
    res = agent.run()
    assert res.status == "done" and res.checks["ok"] and res.checks["passed"] == 1
    left = store.read("tests/test_calc.py")
    assert "def test_add():" in left and "test_add_twice" not in left and store.read("calc.py") == CODE
    review = model.calls[2]["messages"][0]["content"]  # what the model was asked
    assert TASK in review and "def test_add_twice():" in review and "assert 4 == 5" in review
    assert "Decide which side is RIGHT" in model.calls[3]["messages"][0]["content"]  # asked the other way round
    assert [(d["test"], d["verdict"]) for d in _kinds(events, "test_review")] == [("test_add_twice", "test")]
    assert _kinds(events, "tests_reviewed")[0]["removed"] == {"tests/test_calc.py": ["test_add_twice"]}
    (change,) = tools.test_changes  # recorded like any weakened test, with the model's reason
    assert change["path"] == "tests/test_calc.py" and "2 + 2 is 4" in change["reason"]
    assert _kinds(events, "test_weakened")[0]["reason"] == change["reason"]


def test_a_test_the_model_stands_by_stays_and_the_instruction_fails(open_tmp, sandbox):
    reply = files(calc_py=CODE, tests__test_calc_py=TESTS)
    answers = (["VERDICT: CODE\nWHY: the code must return 5."], ["I am not sure what you mean."],
               # a model that says TEST whatever it is asked: not confirmed the other way round
               ["TEST. The test expects 5.", "RIGHT: TEST\nWHY: the test is right."])
    for i, verdict in enumerate(answers):
        store = DiskFileStore(open_tmp / f"ws{i}")
        model = RecordingModel([reply, reply, *verdict])
        events: list = []
        agent, tools = _agent(FilesSubagent, model, store, sandbox, events)
        res = agent.run()
        assert res.status == "failed" and "fix round" in res.reason
        assert store.read("tests/test_calc.py") == TESTS and tools.test_changes == []
        assert [d["verdict"] for d in _kinds(events, "test_review")] == ["code"]
        assert not _kinds(events, "tests_reviewed") and not _kinds(events, "test_weakened")
        assert len(model.calls) == 2 + len(verdict)
    assert "not confirmed" in _kinds(events, "test_review")[0]["why"]


def test_a_crash_in_the_code_is_never_reviewed(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    crash = "def add(a, b):\n    if a == b:\n        raise ZeroDivisionError('no')\n    return a + b\n"
    reply = files(calc_py=crash, tests__test_calc_py=TESTS)
    model = RecordingModel([reply, reply])  # a review call would exhaust the script
    events: list = []
    agent, _ = _agent(FilesSubagent, model, store, sandbox, events)
    assert agent.run().status == "failed" and len(model.calls) == 2 and not _kinds(events, "test_review")


def test_no_review_when_turned_off(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    reply = files(calc_py=CODE, tests__test_calc_py=TESTS)
    model = RecordingModel([reply, reply])
    events: list = []
    agent, _ = _agent(FilesSubagent, model, store, sandbox, events, review=False)
    assert agent.run().status == "failed" and len(model.calls) == 2


def test_removal_that_leaves_the_asked_function_untested_is_undone(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    code = CODE + "\n\ndef mul(a, b):\n    return a * b\n"
    tests = "import calc\n\n\ndef test_add():\n    assert calc.add(2, 3) == 5\n\n\n" \
            "def test_mul():\n    assert calc.mul(2, 3) == 5\n"
    reply = files(calc_py=code, tests__test_calc_py=tests)
    model = RecordingModel([reply, reply, "VERDICT: TEST\nWHY: 2 * 3 is 6.", "RIGHT: CODE\nWHY: 6."])
    events: list = []
    agent, tools = _agent(FilesSubagent, model, store, sandbox, events, instruction="add a function `mul` with tests")
    res = agent.run()
    assert res.status == "failed" and store.read("tests/test_calc.py") == tests and tools.test_changes == []
    assert _kinds(events, "test_review_undone") and not _kinds(events, "test_weakened")


def test_the_tool_calling_loop_reviews_too(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    model = RecordingModel([call("write_file", path="calc.py", content=CODE),
                            call("write_file", path="tests/test_calc.py", content=TESTS),
                            call("mark_complete", summary="add() works"), call("mark_complete", summary="add() works"),
                            "TEST\nWHY: the sum of 2 and 2 is 4, not 5.", "RIGHT: CODE\nWHY: 2 + 2 = 4."])
    events: list = []
    agent, tools = _agent(Subagent, model, store, sandbox, events)
    res = agent.run()
    assert res.status == "done" and res.summary == "add() works" and "test_add_twice" not in store.read(
        "tests/test_calc.py")
    assert len(tools.test_changes) == 1


def test_suspects_removal_and_limits():
    text = ("import pytest\n\n\n@pytest.mark.parametrize('x', [1])\ndef test_a(x):\n    assert x == 2\n\n\n"
            "def test_b():\n    assert 1\n\n\ndef test_c():\n    assert 1\n")
    assert triage.function_source(text, "test_a").startswith("@pytest.mark.parametrize")
    assert triage.without_tests(text, ["test_a"]) == "import pytest\n\n\ndef test_b():\n    assert 1\n\n\n" \
                                                    "def test_c():\n    assert 1\n"
    fail = ("tests/test_x.py::test_a[1]", ">       assert x == 2\nE       assert 1 == 2\ntests/test_x.py:6: AssertionError")
    report = CheckReport(passed=2, failed=1, failures=[list(fail)], ran_tests=True)
    (s,) = triage.suspects(report, ["tests/test_x.py"], lambda p: text)
    assert (s.path, s.name) == ("tests/test_x.py", "test_a") and "assert 1 == 2" in s.error
    assert triage.suspects(report, ["tests/other.py"], lambda p: text) == []  # not written by this instruction
    crash = CheckReport(passed=2, failed=1, ran_tests=True, failures=[[fail[0], "E       KeyError: 'x'"]])
    assert triage.suspects(crash, ["tests/test_x.py"], lambda p: text) == []
    verdicts = [triage.Verdict(triage.Suspect("t.py", n, "", ""), True, "why") for n in ("test_a", "test_b")]
    assert triage.removable(verdicts, lambda p: text) == {"t.py": ["test_a", "test_b"]}  # 2 of 3: allowed
    verdicts.append(triage.Verdict(triage.Suspect("t.py", "test_c", "", ""), True, "why"))
    assert triage.removable(verdicts, lambda p: text) == {}  # every test: never


def test_the_review_stops_at_the_first_test_the_model_stands_by(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    tests = TESTS + "\n\ndef test_add_zero():\n    assert add(0, 0) == 1\n\n\ndef test_add_one():\n    assert add(1, 0) == 1\n"
    reply = files(calc_py=CODE, tests__test_calc_py=tests)
    model = RecordingModel([reply, reply, "VERDICT: CODE\nWHY: 2 + 2 must be 5."])  # a second question would fail
    events: list = []
    agent, _ = _agent(FilesSubagent, model, store, sandbox, events)
    assert agent.run().status == "failed" and len(model.calls) == 3
    assert [d["test"] for d in _kinds(events, "test_review")] == ["test_add_twice"]
