"""Reading sub-agent actions from text replies (the protocol for endpoints and small models without tool calls)."""

from __future__ import annotations

from synthloop.agents.build.actions import parse_text_action

CODE = 'def f():\n    """Doc."""\n    return "x\\n"\n'


def test_bare_and_fenced_json():
    a = parse_text_action('{"tool": "read_file", "args": {"path": "a.py"}}')
    assert (a.name, a.args, a.error) == ("read_file", {"path": "a.py"}, None)
    b = parse_text_action('Sure.\n```json\n{"tool": "run_pytest", "args": {}}\n```\n')
    assert (b.name, b.args) == ("run_pytest", {})


def test_write_file_content_in_a_fenced_block_after_the_json():
    reply = '```json\n{"tool": "write_file", "args": {"path": "solution.py"}}\n```\n```python\n' + CODE + "```\n"
    a = parse_text_action(reply)
    assert a.name == "write_file" and a.args == {"path": "solution.py", "content": CODE}


def test_broken_json_with_unescaped_code_is_salvaged_from_the_fenced_block():
    # seen with Qwen2.5-Coder-1.5B: raw triple quotes inside a JSON string
    reply = ('{"tool": "write_file", "args": {"path": "solution.py", "content": "def f():\n    """Doc."""\n'
             '```python\n' + CODE + "```")
    a = parse_text_action(reply)
    assert a.name == "write_file" and a.args["path"] == "solution.py" and a.args["content"] == CODE


def test_flattened_arguments_and_tool_call_tags():
    a = parse_text_action('{"name": "mark_complete", "summary": "done"}')
    assert (a.name, a.args) == ("mark_complete", {"summary": "done"})
    b = parse_text_action('<tool_call>\n{"name": "list_files", "arguments": {}}\n</tool_call>')
    assert (b.name, b.args) == ("list_files", {})


def test_no_action_and_bad_arguments():
    assert parse_text_action("I will now write the code.") is None
    assert parse_text_action("") is None
    assert parse_text_action('{"tool": "write_file", "args": {"path": "a.py", "content": "x"') is None  # cut off, no block
    bad = parse_text_action('{"tool": "read_file", "args": "not json"}')
    assert bad.name == "read_file" and bad.error == "args must be a JSON object"


def test_python_literal_with_triple_quoted_content():
    # seen with Qwen2.5-Coder-1.5B: the object written as a Python literal
    reply = ('```json\n{\n  "tool": "write_file",\n  "args": {\n    "path": "tests/test_solution.py",\n'
             '    "content": """\ndef test_x():\n    assert True\n    """\n  }\n}\n```')
    a = parse_text_action(reply)
    assert a.name == "write_file" and a.args["path"] == "tests/test_solution.py"
    assert "def test_x():" in a.args["content"]


def test_triple_quoted_content_with_docstrings_inside_and_raw_newlines():
    # seen with Qwen2.5-Coder-1.5B: the docstring's triple quotes end the literal early
    reply = ('```json\n{\n  "tool": "write_file",\n  "args": {\n    "path": "solution.py",\n    "content": """\n'
             'def f(x):\n    """ Double x. """\n    return 2 * x\n"""\n  }\n}\n```')
    a = parse_text_action(reply)
    assert a.name == "write_file" and a.args["path"] == "solution.py"
    assert a.args["content"] == 'def f(x):\n    """ Double x. """\n    return 2 * x\n'
    raw = parse_text_action('{"tool": "write_file", "args": {"path": "a.py", "content": "x = 1\ny = 2\n"}}')
    assert raw.args["content"] == "x = 1\ny = 2\n"
