"""The sub-agent loop: context overflow and restart, JSON action fallback, loop detection, test protection,
and checks that never count a timeout or "no tests" as a pass (real sandbox, real pytest)."""

from __future__ import annotations

from build_director import RecordingModel, call

from synthloop.agents.build.checks import run_checks
from synthloop.agents.build.subagent import Brief, Subagent, approx_tokens
from synthloop.agents.build.tools import ToolBox, openai_tools
from synthloop.agents.model import Capabilities
from synthloop.agents.scripted import ScriptedModel
from synthloop.memory.filestore import DiskFileStore

TEST_OK = "def test_ok():\n    assert 1 + 1 == 2\n"


def _agent(model, store, sandbox, events, *, max_steps=10, max_fix_rounds=1, protocol="auto",
           owned=("tests/test_a.py",)):
    tools = ToolBox(store, sandbox, lambda k, **d: events.append((k, d)), test_timeout_s=20)
    brief = Brief(task="demo task", instruction_id="i1", instruction="write things", owned=list(owned), foreign=[],
                  dependencies=[("i0", "earlier", "i0 made nothing")], relevant=["a.py"])
    return Subagent(model, tools, brief, lambda: run_checks(store, sandbox, timeout_s=20), max_steps=max_steps,
                    max_fix_rounds=max_fix_rounds, temperature=0.2, max_tokens=512,
                    emit=lambda k, **d: events.append((k, d)), protocol=protocol)


def test_context_overflow_summarises_and_restarts_keeping_files(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    pad = "# " + "x" * 76 + "\n"
    ctx = 512 + approx_tokens(openai_tools()) + 256 + 1600  # a budget of 1600 tokens
    replies = [call("write_file", path="tests/test_a.py", content=TEST_OK + pad * 40),
               call("write_file", path="a.py", content="A = 1\n" + pad * 40),
               "I wrote tests/test_a.py and a.py; next: mark complete.",
               call("mark_complete", summary="a.py holds A")]
    model = RecordingModel(replies, context_size=ctx)
    events: list = []
    res = _agent(model, store, sandbox, events).run()
    assert res.status == "done" and res.restarts == 1, res
    assert [k for k, _ in events].count("context_restart") == 1
    summary_call = model.calls[2]
    assert summary_call["tools"] is None and "too long for the context window" in summary_call["messages"][-1]["content"]
    restarted = model.calls[3]["messages"]
    assert len(restarted) == 2  # a fresh context: system + brief
    brief = restarted[1]["content"]
    assert "Progress so far" in brief and "I wrote tests/test_a.py and a.py" in brief
    assert "a.py" in brief and "tests/test_a.py" in brief  # the file list survives the restart
    assert store.read("a.py").startswith("A = 1")  # files written before the restart are kept
    assert all(approx_tokens(c["messages"]) <= ctx for c in model.calls)


def test_json_action_protocol_without_tool_calling(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    replies = ['{"tool": "write_file", "args": {"path": "tests/test_a.py", "content": "' + TEST_OK.replace("\n", "\\n")
               + '"}}',
               "Sure! I will now finish.",  # no action: gets a protocol reminder
               '```json\n{"name": "mark_complete", "summary": "tests exist"}\n```']  # flattened arguments
    model = RecordingModel(replies, capabilities=Capabilities(tools=False))
    events: list = []
    res = _agent(model, store, sandbox, events).run()
    assert res.status == "done" and res.summary == "tests exist"
    assert all(c["tools"] is None for c in model.calls)
    assert "not native tool calls" in model.calls[0]["messages"][0]["content"]
    assert "Result of write_file" in model.calls[1]["messages"][-1]["content"]
    assert "exactly one JSON object" in model.calls[2]["messages"][-1]["content"]


def test_json_protocol_can_be_chosen_for_an_endpoint_that_has_tool_calling(open_tmp, sandbox):
    """build.tool_protocol = "json": small models that misuse native tool calls act through JSON replies instead."""
    store = DiskFileStore(open_tmp / "ws")
    replies = ['{"tool": "write_file", "args": {"path": "tests/test_a.py"}}\n```python\n' + TEST_OK + "```",
               '{"tool": "mark_complete", "args": {"summary": "tests exist"}}']  # file content in a fenced block
    model = RecordingModel(replies, capabilities=Capabilities(tools=True))
    res = _agent(model, store, sandbox, [], protocol="json").run()
    assert res.status == "done" and store.read("tests/test_a.py") == TEST_OK
    assert all(c["tools"] is None for c in model.calls)
    assert "exactly one JSON object" in model.calls[0]["messages"][0]["content"]
    native = RecordingModel([call("write_file", path="tests/test_a.py", content=TEST_OK),
                             call("mark_complete", summary="x")], capabilities=Capabilities(tools=True))
    assert _agent(native, DiskFileStore(open_tmp / "ws2"), sandbox, [], protocol="auto").run().status == "done"
    assert native.calls[0]["tools"]  # auto: native tool calls where the endpoint has them


def test_mark_complete_before_writing_the_owned_files_is_refused_once(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    replies = [call("mark_complete", summary="nothing to do"),  # small models do this on an empty project
               call("write_file", path="a.py", content="A = 1\n"),
               call("write_file", path="tests/test_a.py", content=TEST_OK),
               call("mark_complete", summary="a.py and its test")]
    model = RecordingModel(replies)
    events: list = []
    res = _agent(model, store, sandbox, events, owned=("a.py", "tests/test_a.py")).run()
    assert res.status == "done" and res.fix_rounds == 0 and res.summary == "a.py and its test"
    assert ("complete_refused", {"missing": ["a.py", "tests/test_a.py"]}) in events
    assert "do not exist: a.py, tests/test_a.py" in model.calls[1]["messages"][-1]["content"]
    assert [k for k, _ in events].count("checks") == 1  # the refusal ran no checks and cost no fix round
    store2 = DiskFileStore(open_tmp / "ws2")
    store2.write("tests/test_a.py", TEST_OK)
    again = RecordingModel([call("mark_complete", summary="a"), call("mark_complete", summary="b"),
                            call("mark_complete", summary="b.py is not needed")])
    events2: list = []
    res2 = _agent(again, store2, sandbox, events2, owned=("b.py", "tests/test_a.py")).run()
    assert res2.status == "done" and res2.summary == "b.py is not needed"  # each refusal is given once only
    assert ("complete_refused", {"reason": "nothing changed"}) in events2
    assert "no file has changed since this instruction started" in again.calls[2]["messages"][-1]["content"]


def test_step_limit_counts_as_done_only_when_the_owned_files_exist(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    store.write("tests/test_a.py", TEST_OK)  # the checks pass, but the instruction's own new file was never written
    model = RecordingModel([call("read_file", path="tests/test_a.py"), call("list_files")])
    res = _agent(model, store, sandbox, [], max_steps=2, owned=("tests/test_new.py",)).run()
    assert res.status == "failed" and "without writing tests/test_new.py" in res.reason
    store.write("tests/test_new.py", TEST_OK)
    model = RecordingModel([call("read_file", path="tests/test_a.py"), call("list_files")])
    res = _agent(model, store, sandbox, [], max_steps=2, owned=("tests/test_new.py",)).run()
    assert res.status == "done" and res.summary == "(step limit reached; checks pass)"


def test_tool_call_left_in_the_text_is_still_executed(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    text_call = ('<tool_call>\n{"name": "write_file", "arguments": {"path": "tests/test_a.py", "content": '
                 + '"def test_ok():\\n    assert True\\n"}}\n</tool_call>')
    model = RecordingModel([text_call, call("mark_complete", summary="ok")])
    res = _agent(model, store, sandbox, []).run()
    assert res.status == "done" and store.read("tests/test_a.py") == "def test_ok():\n    assert True\n"
    assert model.calls[1]["messages"][-1] == {"role": "user", "content": "Result of write_file:\nwrote tests/test_a.py (2 lines)"}


def test_loop_detection_injects_a_hint_and_raises_temperature(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    store.write("a.py", "A = 1\n")
    same = call("read_file", path="a.py")
    two = {"tool_calls": [{"name": "read_file", "arguments": {"path": "a.py"}}, {"name": "list_files", "arguments": {}}]}
    replies = [same, same, two, call("write_file", path="tests/test_a.py", content=TEST_OK),
               call("mark_complete", summary="done")]
    model = RecordingModel(replies)
    events: list = []
    res = _agent(model, store, sandbox, events).run()
    assert res.status == "done" and res.hints == 1
    assert ("loop_detected", {"action": "read_file", "count": 3, "hint": 1}) in events
    after = model.calls[3]["messages"]
    assert "repeated the same action 3 times" in after[-1]["content"] and after[-1]["role"] == "user"
    assert [m["role"] for m in after[-3:-1]] == ["tool", "tool"]  # the hint follows all of the turn's results
    assert model.temperatures[:3] == [0.2, 0.2, 0.2] and model.temperatures[3] > 0.2


def test_stuck_agent_gives_up_instead_of_spinning(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    store.write("a.py", "A = 1\n")
    model = ScriptedModel([call("list_files")] * 40)
    events: list = []
    res = _agent(model, store, sandbox, events, max_steps=30).run()
    assert res.status == "failed" and "loop" in res.reason and res.steps < 15


def test_failing_checks_are_fed_back_until_the_fix_round_limit(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    bad = "def test_bad():\n    assert 1 == 2\n"
    model = RecordingModel([call("write_file", path="tests/test_a.py", content=bad),
                           call("mark_complete", summary="x"), call("mark_complete", summary="x")])
    events: list = []
    res = _agent(model, store, sandbox, events, max_fix_rounds=1).run()
    assert res.status == "failed" and "fix round" in res.reason and res.fix_rounds == 2
    assert "FAILED tests/test_a.py::test_bad" in model.calls[2]["messages"][-1]["content"]


def test_test_files_cannot_be_deleted_or_weakened_without_a_reason(open_tmp):
    store = DiskFileStore(open_tmp / "ws")
    store.write("tests/test_a.py", "def test_a():\n    assert f() == 1\n\ndef test_b():\n    assert g() == 2\n")
    events: list = []
    tb = ToolBox(store, None, lambda k, **d: events.append((k, d)))
    assert tb.execute("delete_file", {"path": "tests/test_a.py"}).startswith("ERROR: refused")
    weaker = "def test_a():\n    assert f() == 1\n"
    assert tb.execute("write_file", {"path": "tests/test_a.py", "content": weaker}).startswith("ERROR: refused")
    assert tb.execute("patch_file", {"path": "tests/test_a.py", "edits": [
        {"search": "    assert g() == 2\n", "replace": "    pass\n"}]}).startswith("ERROR: refused")
    assert store.read("tests/test_a.py").count("def test_") == 2
    out = tb.execute("write_file", {"path": "tests/test_a.py", "content": weaker, "reason": "test_b tested a removed API"})
    assert out.startswith("wrote") and events[-2][0] == "test_weakened"
    assert events[-2][1]["reason"] == "test_b tested a removed API"
    assert tb.execute("delete_file", {"path": "tests/test_a.py", "reason": "obsolete"}) == "deleted tests/test_a.py"
    assert events[-2][0] == "test_deleted" and len(tb.test_changes) == 2
    # adding tests or editing non-test files needs no reason
    assert tb.execute("write_file", {"path": "a.py", "content": "x = 1\n"}).startswith("wrote")
    assert tb.execute("write_file", {"path": "../evil.py", "content": "x"}).startswith("ERROR")
    assert "unknown tool" in tb.execute("rm_rf", {})


def test_patching_text_that_is_not_there_points_to_write_file(open_tmp):
    """Small models try to 'patch in' a new function by searching for its signature: say how to add code."""
    store = DiskFileStore(open_tmp / "ws")
    store.write("core.py", "def a():\n    return 1\n")
    tb = ToolBox(store, None, lambda k, **d: None)
    out = tb.execute("patch_file", {"path": "core.py", "edits": [{"search": "return 2", "replace": "return 3"}]})
    assert out.startswith("ERROR") and "search text not found" in out and "use write_file" in out
    assert store.read("core.py") == "def a():\n    return 1\n"
    # the same absent line "replaced" by a block that starts with it: the block is added as new code
    new = {"search": "def top(x):", "replace": "def top(x):\n    return x\n"}
    out = tb.execute("patch_file", {"path": "core.py", "edits": [new]})
    assert out.startswith("patched core.py") and "added as new code" in out
    assert store.read("core.py") == "def a():\n    return 1\n\n\ndef top(x):\n    return x\n"
    again = tb.execute("patch_file", {"path": "core.py", "edits": [new]})  # a repeat must not insert the body twice
    assert again.startswith("ERROR") and "already contains" in again
    assert store.read("core.py").count("return x") == 1


def test_foreign_files_are_refused(open_tmp):
    store = DiskFileStore(open_tmp / "ws")
    tb = ToolBox(store, None, lambda k, **d: None, foreign=frozenset({"b.py"}))
    assert "another instruction" in tb.execute("write_file", {"path": "b.py", "content": "x"})
    assert not store.exists("b.py")


def test_timeout_and_no_tests_are_never_a_pass(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    store.write("a.py", "A = 1\n")
    rep = run_checks(store, sandbox, timeout_s=20)
    assert not rep.ok and rep.no_tests and "NO TESTS" in rep.feedback()
    store.write("tests/test_slow.py", "def test_forever():\n    while True:\n        pass\n")
    rep = run_checks(store, sandbox, timeout_s=2)
    assert not rep.ok and rep.timed_out and "TIMED OUT" in rep.feedback()
    store.write("tests/test_slow.py", "def test_ok(:\n")
    rep = run_checks(store, sandbox, timeout_s=20)
    assert not rep.ok and rep.syntax_errors and not rep.ran_tests


def test_finishing_without_what_the_instruction_asks_for_is_refused_until_it_fails(open_tmp, sandbox):
    """Tool protocol: mark_complete without the function the instruction names is refused every time (the tests
    pass, but nothing defines it); after the hints the instruction fails instead of passing vacuously."""
    store = DiskFileStore(open_tmp / "ws")
    store.write("tests/test_a.py", TEST_OK)
    replies = [call("write_file", path="tests/test_a.py", content=TEST_OK + f"\n\ndef test_{n}():\n    assert {n}\n")
               if k % 2 == 0 else call("mark_complete", summary="added area()")
               for k, n in enumerate([1, 1, 2, 2, 3, 3, 4, 4])]
    model = RecordingModel(replies)
    events: list = []
    agent = _agent(model, store, sandbox, events, max_steps=20)
    agent.brief.instruction = "Add a function area(w, h) to a.py."
    res = agent.run()
    assert res.status == "failed" and res.reason == "never defined area, which the instruction asks for"
    assert [d for k, d in events if k == "complete_refused"] == [{"undefined": ["area"]}] * 4
    assert not [k for k, _ in events if k == "checks"]
