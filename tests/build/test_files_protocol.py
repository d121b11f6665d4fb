"""The whole-file protocol (build.tool_protocol = "files"): replies are complete files; the control unit writes them,
runs the real checks (sandboxed pytest) and answers with the result. Only the model is scripted."""

from __future__ import annotations

from build_director import Director, RecordingModel, plan_reply

from synthloop.agents.build.checks import run_checks
from synthloop.agents.build.env import subagent_protocol
from synthloop.agents.build.file_blocks import parse_file_reply, path_of, salvage_python
from synthloop.agents.build.files_agent import FilesSubagent
from synthloop.agents.build.subagent import Brief
from synthloop.agents.build.tools import ToolBox
from synthloop.agents.build_run import run_build
from synthloop.agents.scripted import ScriptedModel
from synthloop.config import load_config
from synthloop.memory.filestore import DiskFileStore
from synthloop.memory.registry import InstructionRegistry

BUGGY = "def add(a, b):\n    return a - b\n"
FIXED = "def add(a, b):\n    return a + b\n"
TEST = "from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n"


def files(**named: str) -> str:
    """A reply in the protocol's format; keyword names use __ for / and _py for .py."""
    out = ["Here are the files."]
    for key, body in named.items():
        out += [f"FILE: {key.replace('__', '/').replace('_py', '.py')}", "```python", body.rstrip("\n"), "```"]
    return "\n".join(out)


def _agent(model, store, sandbox, events, *, owned=("calc.py", "tests/test_calc.py"), max_fix_rounds=2,
           instruction="write add() with tests", review=True):
    tools = ToolBox(store, sandbox, lambda k, **d: events.append((k, d)), test_timeout_s=20)
    brief = Brief(task="a calculator", instruction_id="core", instruction=instruction,
                  owned=list(owned), foreign=[], dependencies=[], relevant=[])
    return FilesSubagent(model, tools, brief, lambda: run_checks(store, sandbox, timeout_s=20), max_steps=8,
                         max_fix_rounds=max_fix_rounds, temperature=0.2, max_tokens=512,
                         emit=lambda k, **d: events.append((k, d)), review_tests=review), tools


def test_path_lines_in_the_forms_small_models_write():
    assert path_of("FILE: calc/core.py") == "calc/core.py"
    assert path_of("### `tests/test_core.py`") == "tests/test_core.py"
    assert path_of("**solution.py**") == "solution.py"
    assert path_of("solution.py:") == "solution.py"
    assert path_of("Here is the updated `app/main.py`:") == "app/main.py"
    assert path_of("This compares a.py with b.py") is None  # two names: ambiguous
    assert path_of("FILE: ../etc/passwd.txt") is None
    assert path_of("Some prose without a file name.") is None


def test_reply_parsing_blocks_reads_summary_and_a_cut_off_file():
    text = ("FILE: calc.py\n```python\n" + FIXED + "```\n```python\n# tests/test_calc.py\n" + TEST + "```\n"
            "```\nno name here\n```\nREAD docs/notes.md\nSUMMARY: add() exists\nFILE: extra.py\n```python\ndef cut(")
    r = parse_file_reply(text)
    assert r.files == {"calc.py": FIXED, "tests/test_calc.py": "# tests/test_calc.py\n" + TEST}
    assert r.unnamed == 1 and r.truncated == "extra.py"
    assert r.reads == ["docs/notes.md"] and r.summary == "add() exists"
    assert parse_file_reply("```python\nx = 1\n```", "solution.py").files == {"solution.py": "x = 1\n"}
    assert parse_file_reply("```python\nx = 1\n```").unnamed == 1


def test_a_failing_test_goes_back_with_the_current_files_and_is_fixed(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    model = RecordingModel([files(calc_py=BUGGY, tests__test_calc_py=TEST),
                            files(calc_py=FIXED) + "\nSUMMARY: calc.add adds two numbers"])
    events: list = []
    agent, tools = _agent(model, store, sandbox, events)
    res = agent.run()
    assert res.status == "done" and res.fix_rounds == 1 and res.summary == "calc.add adds two numbers"
    assert store.read("calc.py") == FIXED and store.read("tests/test_calc.py") == TEST
    second = model.calls[1]["messages"]
    assert len(second) == 2  # a fresh brief every round: the context stays bounded
    brief = second[1]["content"]
    assert "FAILED tests/test_calc.py::test_add" in brief and "fix round 1 of 2" in brief
    assert "## calc.py\n```\n" + BUGGY in brief  # the model sees what it wrote
    assert all(c["tools"] is None for c in model.calls)
    assert "FILE: <path" in model.calls[0]["messages"][0]["content"]
    assert "Reply now with the complete files for this instruction (calc.py, tests/test_calc.py)" in \
        model.calls[0]["messages"][1]["content"]
    assert [k for k, _ in events].count("checks") == 2


def test_missing_owned_files_are_asked_for_before_any_check(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    model = RecordingModel([files(tests__test_calc_py=TEST), files(calc_py=FIXED)])
    events: list = []
    agent, _ = _agent(model, store, sandbox, events)
    res = agent.run()
    assert res.status == "done" and res.fix_rounds == 0 and res.summary == "Wrote calc.py, tests/test_calc.py."
    assert "do not exist: calc.py" in model.calls[1]["messages"][1]["content"]
    assert [k for k, _ in events].count("checks") == 1


def test_an_owned_folder_counts_as_written_once_a_file_lies_in_it(open_tmp, sandbox):
    """A plan step that owns a folder ("Create the project structure. [calc]") ends when it has written into it
    (it used to be refused completion, "calc" missing, until it failed as stuck)."""
    store = DiskFileStore(open_tmp / "ws")
    model = RecordingModel([files(calc__core_py=FIXED, tests__test_calc_py=TEST.replace("from calc", "from calc.core"))])
    events: list = []
    agent, _ = _agent(model, store, sandbox, events, owned=("calc",), instruction="create the package layout")
    res = agent.run()
    assert res.status == "done" and not [d for k, d in events if k == "complete_refused"]
    assert store.read("calc/core.py") == FIXED and len(model.calls) == 1


def test_read_requests_show_the_file_in_the_next_brief(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    store.write("helpers.py", "OFFSET = 0\n")
    model = RecordingModel(["READ helpers.py\nREAD nothere.py", files(calc_py=FIXED, tests__test_calc_py=TEST)])
    agent, _ = _agent(model, store, sandbox, [])
    assert agent.run().status == "done"
    brief = model.calls[1]["messages"][1]["content"]
    assert "## helpers.py\n```\nOFFSET = 0\n" in brief and "Not found: nothere.py" in brief
    assert "## helpers.py" not in model.calls[0]["messages"][1]["content"]


def test_no_files_and_repeated_files_get_hints_then_the_instruction_fails(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    same = files(calc_py=BUGGY, tests__test_calc_py=TEST)
    model = RecordingModel(["I think the answer is 5.", same, same, same])
    events: list = []
    agent, _ = _agent(model, store, sandbox, events, max_fix_rounds=5)
    res = agent.run()
    assert res.status == "failed" and "stuck" in res.reason
    assert "No file was found in your reply" in model.calls[1]["messages"][1]["content"]
    assert "nothing changed" in model.calls[3]["messages"][1]["content"]
    assert model.temperatures[3] > model.temperatures[0]
    assert ("loop_detected", {"action": "same_files", "count": 2, "hint": 2}) in events


def test_weakening_a_test_needs_a_reason_line(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    store.write("calc.py", BUGGY)
    store.write("tests/test_calc.py", TEST)
    weak = "def test_add():\n    pass\n"
    model = RecordingModel([files(tests__test_calc_py=weak),
                            files(tests__test_calc_py=weak) + "\nREASON: the expected value was a typo",
                            files(calc_py=FIXED, tests__test_calc_py=TEST)])
    agent, tools = _agent(model, store, sandbox, [], max_fix_rounds=3)
    res = agent.run()
    assert res.status == "done"
    assert "refused" in model.calls[1]["messages"][1]["content"]  # no REASON: the weaker test was not written
    assert [c["reason"] for c in tools.test_changes] == ["the expected value was a typo"]


def test_a_cut_off_reply_writes_only_the_complete_files(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    cut = files(calc_py=FIXED) + "\nFILE: tests/test_calc.py\n```python\nfrom calc import"
    model = RecordingModel([cut, files(tests__test_calc_py=TEST)])
    agent, _ = _agent(model, store, sandbox, [])
    assert agent.run().status == "done"
    assert "cut off at the output limit in tests/test_calc.py" in model.calls[1]["messages"][1]["content"]


def test_auto_protocol_is_files_for_the_embedded_model_only():
    def proto(preset: str, chosen: str = "auto") -> str:
        return subagent_protocol(load_config(overrides={"model.preset": preset, "build.tool_protocol": chosen},
                                             environ={}))
    assert proto("local") == "files" and proto("openai") == "auto" and proto("local", "native") == "native"


def test_a_whole_build_in_the_files_protocol(cfg, new_run, sandbox):
    cfg = cfg.model_copy(update={"build": cfg.build.model_copy(update={"tool_protocol": "files"})})
    plan = plan_reply([{"id": "core", "instruction": "add()", "files": ["calc.py", "tests/test_calc.py"]},
                       {"id": "twice", "instruction": "twice(x) = add(x, x)", "files": ["twice.py",
                        "tests/test_twice.py"], "depends_on": ["core"]}])
    director = Director(plan, {
        "core": [files(calc_py=BUGGY, tests__test_calc_py=TEST), files(calc_py=FIXED) + "\nSUMMARY: calc.add(a, b)"],
        "twice": [files(twice_py="from calc import add\n\n\ndef twice(x):\n    return add(x, x)\n",
                        tests__test_twice_py="from twice import twice\n\n\ndef test_twice():\n    assert twice(4) == 8\n")],
    })
    run = new_run()
    summary = run_build(cfg, run, "calculator", model=ScriptedModel(director.replies(), context_size=16000),
                        sandbox=sandbox)
    reg = InstructionRegistry.load(run.path / "registry.json")
    assert [(i.id, i.status) for i in reg.all()] == [("core", "done"), ("twice", "done")]
    assert summary["tests_passed"] == 2 and summary["tests_failed"] == 0
    assert "calc.add(a, b)" in director.seen["twice"][0][1]["content"]  # the dependency's summary is passed on


def test_serious_lint_findings_go_back_to_the_sub_agent_and_cosmetic_ones_are_only_reported(cfg, new_run, sandbox):
    """An unused import is reported but accepted; an undefined name (a latent NameError the tests miss) is sent back
    to the instruction's sub-agent like a failing test."""
    cfg = cfg.model_copy(update={"build": cfg.build.model_copy(update={"tool_protocol": "files"})})
    plan = plan_reply([{"id": "core", "instruction": "add()", "files": ["calc.py", "tests/test_calc.py"]}])
    broken = FIXED + "\n\ndef broken():\n    return undefined_name\n"

    def fixed(messages):
        brief = messages[1]["content"]
        assert "Lint found likely bugs" in brief and "F821 Undefined name `undefined_name`" in brief
        return files(calc_py=FIXED)

    for script, fix_rounds in (([files(calc_py="import os\n\n\n" + FIXED, tests__test_calc_py=TEST)], 0),
                               ([files(calc_py=broken, tests__test_calc_py=TEST), fixed], 1)):
        director = Director(plan, {"core": script})
        run = new_run()
        summary = run_build(cfg, run, "calculator", model=ScriptedModel(director.replies(), context_size=16000),
                            sandbox=sandbox)
        assert all(not s for s in director.scripts.values()) and "replan" not in director.asked
        assert summary["tests_ok"] and summary["lint_errors"] == (1 if fix_rounds == 0 else 0)
        done = [e for e in run.events() if e["kind"] == "instruction_done"]
        assert done[0]["fix_rounds"] == fix_rounds
        acc = [e for e in run.events() if e["kind"] == "acceptance"]
        assert acc[0]["ok"] and acc[0]["serious_lint_errors"] == 0


def test_a_cut_off_test_file_is_kept_up_to_its_last_lines_that_parse(open_tmp, sandbox):
    """The 1.5B model often repeats test lines until the output limit: the whole lines before the cut still count."""
    store = DiskFileStore(open_tmp / "ws")
    runaway = TEST + "".join(f"    assert add({i}, {i}) == {2 * i}\n" for i in range(1, 4)) + "    assert add(4, "
    model = RecordingModel([files(calc_py=FIXED) + "\nFILE: tests/test_calc.py\n```python\n" + runaway])
    events: list = []
    agent, _ = _agent(model, store, sandbox, events)
    res = agent.run()
    assert res.status == "done" and res.steps == 1
    assert store.read("tests/test_calc.py") == TEST + "    assert add(1, 1) == 2\n    assert add(2, 2) == 4\n" \
        "    assert add(3, 3) == 6\n"
    assert ("salvaged", {"path": "tests/test_calc.py", "lines": 8}) in events
    assert parse_file_reply("FILE: a.py\n```python\ndef f(:\n    x").partial == "def f(:\n    x"
    store.write("calc.py", FIXED)
    cut_code = "FILE: calc.py\n```python\nimport math\n\n\ndef add(a, b):\n    return a + b\n\n\ndef mul(a, b):\n    ret"
    model = RecordingModel([cut_code, files(calc_py=FIXED + "\n\ndef mul(a, b):\n    return a * b\n")])
    agent, _ = _agent(model, store, sandbox, [])
    assert agent.run().status == "done"
    assert "an unfinished file is never written" in model.calls[1]["messages"][1]["content"]  # code: never salvaged
    assert salvage_python("import os\nif True:\n    x = 1\n    y = (\n") == "import os\nif True:\n    x = 1\n"
    assert salvage_python("x = (\n1,\n") is None


def test_a_copied_signature_without_a_body_is_sent_back_once_before_any_check(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    stub = 'def add(a, b):\n    """Sum of a and b."""\n'
    model = RecordingModel([files(calc_py=stub, tests__test_calc_py=TEST), files(calc_py=FIXED)])
    events: list = []
    agent, _ = _agent(model, store, sandbox, events)
    res = agent.run()
    assert res.status == "done" and res.fix_rounds == 0
    second = model.calls[1]["messages"][1]["content"]
    assert "Not run yet: add() in calc.py only repeat the signature" in second
    assert model.temperatures[1] == model.temperatures[0]
    assert [k for k, _ in events].count("checks") == 1 and ("stubs_refused", {"path": "calc.py",
                                                                               "functions": "add()"}) in events
    # asked once only: the same stub again is a loop, answered by a fresh request for the function (test_rewrite.py)
    store2 = DiskFileStore(open_tmp / "ws2")
    model2 = RecordingModel([files(calc_py=stub, tests__test_calc_py=TEST), files(calc_py=stub + "\n"),
                             "```python\n" + FIXED + "```"])
    events2: list = []
    agent2, _ = _agent(model2, store2, sandbox, events2)
    assert agent2.run().status == "done" and [k for k, _ in events2].count("stubs_refused") == 1
    assert ("function_rewritten", {"path": "calc.py", "function": "add"}) in events2
    assert len(model2.calls[2]["messages"]) == 1 and store2.read("calc.py") == FIXED


def test_lint_feedback_explains_the_common_findings(open_tmp):
    from synthloop.agents.build.checks import lint, lint_feedback

    (open_tmp / "core.py").write_text("def words(t):\n    return t.split()\n\n\ndef top(t):\n    words = words(t)\n"
                                      "    return words\n\n\ndef other():\n    return missing_name\n")
    found = lint(open_tmp)
    text = lint_feedback(found["serious_shown"])
    assert "F823" in text and "give the local variable a different name" in text
    assert "F821" in text and "`missing_name` is not defined anywhere" in text


def test_finishing_with_no_file_changed_is_refused_once(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    store.write("calc.py", FIXED)
    store.write("tests/test_calc.py", TEST)  # the checks already pass: only "nothing changed" can catch a no-op
    extra = "from calc import add\n\n\ndef test_add_negative():\n    assert add(-1, -2) == -3\n"
    model = RecordingModel([files(calc_py=FIXED), files(calc_py=FIXED, tests__test_neg_py=extra)])
    events: list = []
    agent, _ = _agent(model, store, sandbox, events, owned=("calc.py",))
    res = agent.run()
    assert res.status == "done" and ("complete_refused", {"reason": "nothing changed"}) in events
    assert "no file has changed since this instruction started" in model.calls[1]["messages"][1]["content"]
    assert [k for k, _ in events].count("checks") == 1 and store.read("tests/test_neg.py") == extra


def test_a_name_the_instruction_asks_for_may_be_bound_by_assignment(open_tmp, sandbox):
    """The 1.5B model's microblog step was asked to "implement the `clock` method" and kept `self.clock = clock`
    from the constructor: it was refused as undefined until the step failed as stuck (run 5bda5d)."""
    store = DiskFileStore(open_tmp / "ws")
    code = FIXED + "\n\nclass Clocked:\n    def __init__(self, clock=None):\n        self.clock = clock or (lambda: 0)\n"
    test = TEST + "\n\ndef test_clock():\n    from calc import Clocked\n    assert Clocked().clock() == 0\n"
    model = RecordingModel([files(calc_py=code, tests__test_calc_py=test)])
    events: list = []
    res = _agent(model, store, sandbox, events, instruction="Implement the `clock` method in calc.py.")[0].run()
    assert res.status == "done" and not [d for k, d in events if k == "complete_refused"]
    # a comparison is not a binding: still undefined
    model = RecordingModel([files(calc_py=FIXED + "\nclock == 1\n", tests__test_calc_py=test)] * 6)
    events = []
    res = _agent(model, DiskFileStore(open_tmp / "ws2"), sandbox, events,
                 instruction="Implement the `clock` method in calc.py.")[0].run()
    assert res.status == "failed" and ("complete_refused", {"undefined": ["clock"]}) in events


def test_finishing_without_defining_what_the_instruction_names_is_refused(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    store.write("calc.py", FIXED)
    store.write("tests/test_calc.py", TEST)
    copy_test = TEST.replace("test_add", "test_add_again")  # a change, but not the one asked for
    sub = "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n"
    model = RecordingModel([files(tests__test_sub_py=copy_test) + "\nSUMMARY: added sub()",
                            files(calc_py=sub, tests__test_sub_py=copy_test)])
    events: list = []
    ask = "Add a function sub(a, b) to calc.py."
    res = _agent(model, store, sandbox, events, owned=("calc.py",), instruction=ask)[0].run()
    assert res.status == "done" and ("complete_refused", {"undefined": ["sub"]}) in events
    assert "the instruction asks for `sub`, but no Python file in the project defines it" in \
        model.calls[1]["messages"][1]["content"]
    assert "reply with a line `APPEND: calc.py` followed by only" in model.calls[1]["messages"][1]["content"]
    assert [k for k, _ in events].count("checks") == 1
    # a model that never writes it: refused every time, and the instruction fails instead of passing vacuously
    store.write("calc.py", FIXED)
    never = RecordingModel([files(tests__test_sub_py=copy_test.replace("5", str(n))) for n in range(6, 12)])
    res = _agent(never, store, sandbox, [], owned=("calc.py",), instruction=ask)[0].run()
    assert res.status == "failed" and res.reason == "never defined sub, which the instruction asks for"
    assert len(never.calls) == 4


def test_a_failed_import_is_answered_with_where_the_name_is_defined(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    store.write("calc/__init__.py", '"""calc."""\n')
    test = "from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n"
    model = RecordingModel([files(calc__core_py=FIXED, tests__test_calc_py=test),
                            files(tests__test_calc_py=test.replace("from calc import", "from calc.core import"))])
    events: list = []
    agent, _ = _agent(model, store, sandbox, events, owned=("calc/core.py", "tests/test_calc.py"))
    res = agent.run()
    assert res.status == "done" and res.fix_rounds == 1
    assert ("`add` is defined in calc/core.py, but `calc` does not export it: in tests/test_calc.py import it "
            "with `from calc.core import add` (keep calc/core.py as it is)") in model.calls[1]["messages"][1]["content"]


def test_import_hints_name_a_module_that_imports_what_it_defines(open_tmp):
    from synthloop.agents.build.checks import import_hints

    store = DiskFileStore(open_tmp / "ws")
    store.write("pkg/core.py", "from pkg.tools import helper\n\n\ndef helper():\n    return 1\n")
    got = import_hints("ImportError: cannot import name 'helper' from 'pkg.tools' (/work/pkg/tools.py)", store)
    assert got == ["pkg/core.py imports `helper` from `pkg.tools`, but `helper` is defined in pkg/core.py itself: "
                   "delete that import line."]
    assert "not defined in any file" in import_hints("cannot import name 'nope' from 'pkg'", store)[0]
    store.write("pkg/tools.py", "VERSION = 1\n")
    store.write("pkg/core.py", "def helper():\n    return 1\n")
    assert import_hints("cannot import name 'helper' from 'pkg.tools'", store) == [
        "`helper` is defined in pkg/core.py, but `pkg.tools` does not export it: import it with "
        "`from pkg.core import helper`, or add it to pkg/tools/__init__.py."]
    store.write("pkg/__init__.py", '"""pkg."""\n\nfrom pkg.core import other\n\n__all__ = ["other"]\n')
    assert import_hints("cannot import name 'helper' from 'pkg'", store) == [  # the package's own convention
        "`helper` is defined in pkg/core.py, but `pkg` does not export it: pkg/__init__.py re-exports names from "
        "`pkg.core`: add `helper` to its `from pkg.core import ...` line and to `__all__` (keep pkg/core.py as it is)."]


def test_append_blocks_add_new_code_to_the_end_of_an_existing_file(open_tmp, sandbox):
    r = parse_file_reply("APPEND: calc.py\n```python\ndef sub(a, b):\n    return a - b\n```\n"
                         "**Append to: calc.py**\n```python\nK = 1\n```\n")
    assert r.files == {} and r.appends == {"calc.py": "def sub(a, b):\n    return a - b\nK = 1\n"}
    store = DiskFileStore(open_tmp / "ws")
    store.write("calc.py", FIXED)
    store.write("tests/test_calc.py", TEST)
    new_test = "from calc import sub\n\n\ndef test_sub():\n    assert sub(5, 3) == 2\n"
    whole = FIXED + "\n\ndef sub(a, b):\n    return a - b\n"
    model = RecordingModel([  # only the new function, and a new test file
        "APPEND: calc.py\n```python\ndef sub(a, b):\n    return a - b\n```\n" + files(tests__test_sub_py=new_test),
    ])
    events: list = []
    agent, _ = _agent(model, store, sandbox, events, owned=("calc.py", "tests/test_sub.py"))
    res = agent.run()
    assert res.status == "done" and store.read("calc.py") == FIXED + "\n\ndef sub(a, b):\n    return a - b\n"
    assert "calc.py already exists: to add new code to it, write a line `APPEND: <path>`" in \
        model.calls[0]["messages"][1]["content"]
    assert store.read("tests/test_calc.py") == TEST
    from synthloop.agents.build.file_blocks import with_appends

    again = parse_file_reply(f"APPEND: calc.py\n```python\n{whole}```\n")
    with_appends(again, store.read)
    assert again.files == {"calc.py": whole}  # the whole file under APPEND is not doubled
    fresh = parse_file_reply("APPEND: new.py\n```python\nX = 1\n```\n")
    with_appends(fresh, lambda p: None)
    assert fresh.files == {"new.py": "X = 1\n"}


def test_tests_that_never_call_the_asked_for_function_are_sent_back(open_tmp, sandbox):
    """A small model's favourite shortcut: the new test file is a copy of the old tests. Refused with an APPEND
    hint for the test file; the instruction finishes once a test calls the new function."""
    store = DiskFileStore(open_tmp / "ws")
    store.write("calc.py", FIXED)
    store.write("tests/test_calc.py", TEST)
    sub = FIXED + "\n\ndef sub(a, b):\n    return a - b\n"
    model = RecordingModel([files(calc_py=sub, tests__test_sub_py=TEST.replace("test_add", "test_add_copy")),
                            "APPEND: tests/test_sub.py\n```python\nfrom calc import sub\n\n\ndef test_sub():\n"
                            "    assert sub(5, 3) == 2\n```\n"])
    events: list = []
    res = _agent(model, store, sandbox, events, owned=("calc.py", "tests/test_sub.py"),
                 instruction="Add a function sub(a, b) to calc.py, with tests.")[0].run()
    assert res.status == "done" and ("complete_refused", {"untested": ["sub"]}) in events
    assert "reply with a line `APPEND: tests/test_sub.py` followed by only the new test functions" in \
        model.calls[1]["messages"][1]["content"]
    assert "def test_add_copy" in store.read("tests/test_sub.py") and "assert sub(5, 3) == 2" in store.read("tests/test_sub.py")


def test_a_wrong_expected_value_in_a_test_written_here_is_pointed_out(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    wrong = "from calc import add\n\n\ndef test_add():\n    assert add(2, 2) == 5\n"
    model = RecordingModel([files(calc_py=FIXED, tests__test_calc_py=wrong),
                            files(tests__test_calc_py=wrong.replace("== 5", "== 4"))])
    events: list = []
    agent, _ = _agent(model, store, sandbox, events)
    res = agent.run()
    assert res.status == "done" and res.fix_rounds == 1
    assert ("tests/test_calc.py::test_add is a test you wrote: `add(2, 2)` returns 4, but the test expects 5. Work "
            "this example out by hand: if 4 is right, change the expected value in the test; otherwise fix the code."
            ) in model.calls[1]["messages"][1]["content"]
    from synthloop.agents.build.checks import expected_value_hints

    assert expected_value_hints(model.calls[1]["messages"][1]["content"], set()) == []  # others' tests: no hint


def test_a_block_opened_inside_an_unclosed_python_block_starts_a_new_one():
    """A small model's reply: the whole file, then `# APPEND: path` and a new block without closing the first one,
    then two closing fences. The header line leaves the first block; the stray empty block is ignored."""
    from synthloop.agents.build.file_blocks import with_appends

    text = ("FILE: calc.py\n```python\n" + FIXED + "\n# APPEND: calc.py\n```python\ndef sub(a, b):\n"
            "    return a - b\n```\n```\nFILE: notes.md\n```markdown\nUse it like this:\n```python\nadd(1, 2)\n```\n")
    r = parse_file_reply(text)
    assert r.files["calc.py"] == FIXED and r.appends == {"calc.py": "def sub(a, b):\n    return a - b\n"}
    assert r.unnamed == 0 and r.files["notes.md"] == "Use it like this:\n```python\nadd(1, 2)\n"
    with_appends(r, lambda p: None)
    assert r.files["calc.py"] == FIXED + "\n\ndef sub(a, b):\n    return a - b\n"


def test_a_standard_module_used_without_import_is_named_with_the_fix(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    code = "def root(x):\n    return math.sqrt(x)\n"
    test = "from calc import root\n\n\ndef test_root():\n    assert root(9) == 3\n"
    model = RecordingModel([files(calc_py=code, tests__test_calc_py=test), files(calc_py="import math\n\n\n" + code)])
    events: list = []
    agent, _ = _agent(model, store, sandbox, events)
    res = agent.run()
    assert res.status == "done" and res.fix_rounds == 1
    assert ("`math` is a standard-library module that calc.py uses without importing it: add `import math` at the "
            "top of calc.py.") in model.calls[1]["messages"][1]["content"]


def _abc(n: int) -> str:
    """calc.py with the first n of a(), b(), c() right (they should return 1, 2, 3)."""
    return "".join(f"def {f}():\n    return {v if i < n else 0}\n\n\n" for i, (f, v) in enumerate(zip("abc", (1, 2, 3), strict=True)))


ABC_TEST = ("from calc import a, b, c\n\n\ndef test_a():\n    assert a() == 1\n\n\ndef test_b():\n    assert b() == 2\n\n\n"
            "def test_c():\n    assert c() == 3\n")


def test_a_fix_round_that_makes_more_tests_pass_earns_another(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    model = RecordingModel([files(calc_py=_abc(0), tests__test_calc_py=ABC_TEST)]
                           + [files(calc_py=_abc(n)) for n in (1, 2, 3)])
    events: list = []
    agent, _ = _agent(model, store, sandbox, events, max_fix_rounds=2)
    res = agent.run()
    assert res.status == "done" and res.fix_rounds == 3  # 0 → 1 → 2 → 3 passing: one round beyond the two
    assert [d["passed"] for k, d in events if k == "fix_round_earned"] == [1, 2]
    assert "fix round 3 of 4" in model.calls[3]["messages"][1]["content"]


def test_fix_rounds_without_progress_end_the_instruction_and_earned_rounds_are_capped(open_tmp, sandbox):
    for replies, max_rounds, calls in (([_abc(1), _abc(1) + "# again\n", _abc(1) + "# and again\n"], 2, 3),
                                       ([_abc(0), _abc(1), _abc(2), _abc(3)], 1, 3)):
        store = DiskFileStore(open_tmp / f"ws{max_rounds}")
        first = files(calc_py=replies[0], tests__test_calc_py=ABC_TEST)
        model = RecordingModel([first] + [files(calc_py=r) for r in replies[1:]])
        agent, _ = _agent(model, store, sandbox, [], max_fix_rounds=max_rounds, review=False)  # (review: its own test)
        res = agent.run()
        assert res.status == "failed" and len(model.calls) == calls
        assert res.reason == f"checks still failing after {calls - 1} fix round(s)"


def test_an_owned_file_of_stubs_is_to_be_implemented_not_appended_to(open_tmp, sandbox):
    """A file whose functions are only signatures + docstrings (stubs a user or an earlier step left) is asked to be
    written whole with the bodies implemented; APPEND after the stubs would only duplicate them."""
    store = DiskFileStore(open_tmp / "ws")
    stub = 'def add(a, b):\n    """Return a + b."""\n'
    store.write("calc.py", stub)
    store.write("tests/test_calc.py", TEST)
    model = RecordingModel([files(calc_py=FIXED)])
    events: list = []
    agent, _ = _agent(model, store, sandbox, events, owned=("calc.py", "tests/test_calc.py"))
    assert agent.run().status == "done" and store.read("calc.py") == FIXED
    first = model.calls[0]["messages"][1]["content"]
    assert "calc.py already exists with functions that have only a signature and a docstring" in first
    assert "tests/test_calc.py already exists: to add new code to it, write a line `APPEND: <path>`" in first
    assert "calc.py already exists: to add" not in first.replace("tests/test_calc.py already exists: to add", "")
