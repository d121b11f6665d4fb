"""The rewrite of a function from its docstring, the strategy change when a sub-agent resubmits the same files.
Only the model is scripted; the checks are real sandboxed pytest runs."""

from __future__ import annotations

from build_director import RecordingModel
from test_files_protocol import _agent, files

from synthloop.agents.build.rewrite import function_specs, splice
from synthloop.memory.filestore import DiskFileStore

SPEC = 'def depths(s: str) -> list[int]:\n    """The deepest nesting of each space-separated group of parentheses."""\n'
WRONG = SPEC + "    d = m = 0\n    for c in s:\n        d += 1 if c == '(' else -1 if c == ')' else 0\n" \
               "        m = max(m, d)\n    return [m]\n"
HELPER = "def depth(g):\n    d = m = 0\n    for c in g:\n        d += 1 if c == '(' else -1\n        m = max(m, d)\n" \
         "    return m\n"
RIGHT = "import re\n\n" + HELPER + "\n\n" + SPEC + "    return [depth(g) for g in re.split(r'\\s+', s.strip())]\n"
TEST = "from calc import depths\n\n\ndef test_groups():\n    assert depths('(()) () ((()))') == [2, 1, 3]\n"


def test_specs_and_splice_keep_the_rest_of_the_module():
    module = '"""Parsing."""\nfrom typing import List\n\nLIMIT = 3\n\n\n@staticmethod\n' + WRONG + \
             "\n\ndef other():\n    return LIMIT\n\n\ndef bare(x):\n    return x\n"
    specs = function_specs(module)
    assert set(specs) == {"depths"}  # no docstring, no specification: `other` and `bare` are never rewritten
    assert specs["depths"].spec == "from typing import List\n\n\n@staticmethod\n" + SPEC
    out = splice(module, "depths", RIGHT)
    assert out is not None
    assert out.startswith('"""Parsing."""\nfrom typing import List\nimport re\n\nLIMIT = 3\n')
    assert HELPER in out and "return [depth(g) for g in" in out and "return [m]" not in out
    assert "@staticmethod\n" + SPEC in out  # the reply had no decorator: the old one stays
    assert out.endswith("def other():\n    return LIMIT\n\n\ndef bare(x):\n    return x\n")
    assert splice(module, "depths", SPEC) is None  # a stub back is no rewrite
    assert splice(module, "depths", "def elsewhere():\n    return 1\n") is None
    assert splice(module, "depths", "def depths(:\n") is None
    assert splice("x = (", "depths", RIGHT) is None


def test_a_resubmitted_wrong_body_is_rewritten_from_its_docstring_and_passes(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    same = files(calc_py=WRONG, tests__test_calc_py=TEST)
    model = RecordingModel([same, same, "Here it is:\n```python\n" + RIGHT + "```\n"])
    events: list = []
    agent, _ = _agent(model, store, sandbox, events, max_fix_rounds=3)
    res = agent.run()
    assert res.status == "done", res.reason
    fresh = model.calls[2]["messages"]
    assert len(fresh) == 1 and SPEC in fresh[0]["content"]  # the specification only: not the wrong body, no tests
    assert "return [m]" not in fresh[0]["content"] and "test_groups" not in fresh[0]["content"]
    assert ("function_rewritten", {"path": "calc.py", "function": "depths"}) in events
    assert "return [depth(g) for g in" in store.read("calc.py") and store.read("tests/test_calc.py") == TEST
    assert [k for k, _ in events].count("checks") == 2


def test_a_resubmitted_stub_is_implemented_by_the_rewrite(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    stub = files(calc_py=SPEC, tests__test_calc_py=TEST)
    model = RecordingModel([stub, stub, RIGHT])  # a bare reply without a fence is taken whole
    events: list = []
    agent, _ = _agent(model, store, sandbox, events)
    res = agent.run()
    assert res.status == "done", res.reason
    assert [k for k, _ in events if k in ("stubs_refused", "loop_detected", "function_rewritten")] == \
        ["stubs_refused", "loop_detected", "function_rewritten"]


def test_a_rewrite_is_tried_once_per_function_then_the_hints_end_the_instruction(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    same = files(calc_py=WRONG, tests__test_calc_py=TEST)
    other = SPEC + "    return [0]\n"  # the rewrite is wrong too
    model = RecordingModel([same, same, other, same, same])
    events: list = []
    agent, _ = _agent(model, store, sandbox, events, max_fix_rounds=8)
    res = agent.run()
    assert res.status == "failed" and "stuck" in res.reason
    assert [k for k, _ in events].count("function_rewritten") == 1
    assert sum(len(c["messages"]) == 1 for c in model.calls) == 1  # one fresh request in all
    after = model.calls[3]["messages"][1]["content"]
    assert "depths() in calc.py were rewritten" in after and "return [0]" in after
    assert model.remaining == 0
    assert "return [0]" in store.read("calc.py")  # the old files sent again were not written over the rewrite


def test_no_rewrite_when_the_request_gives_nothing_usable(open_tmp, sandbox):
    store = DiskFileStore(open_tmp / "ws")
    same = files(calc_py=WRONG, tests__test_calc_py=TEST)
    model = RecordingModel([same, same, "I cannot do that.", same, same])
    events: list = []
    agent, _ = _agent(model, store, sandbox, events, max_fix_rounds=8)
    res = agent.run()
    assert res.status == "failed" and "stuck" in res.reason and "function_rewritten" not in [k for k, _ in events]
    assert "Think about why the checks fail" in model.calls[3]["messages"][1]["content"]
