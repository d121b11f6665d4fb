"""A function's docstring examples as a pytest file: the public examples of a task (HumanEval prompts show them as
`>>> f(x)` / `f(x) == y` / `f(x) ➞ y` lines), used as given tests of a build. Only examples whose call and
expected value parse (the value as a literal) become tests; nothing is executed here."""

from __future__ import annotations

import ast
import re

_PROSE = re.compile(r"^\s*(?P<call>[A-Za-z_]\w*\(.*\))\s*(?:==>|==|➞|=>|->|should return|returns?)\s*(?P<want>.+?)\s*$")


def _literal(text: str) -> object | None:
    try:
        return ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return _MISSING


_MISSING = object()
_FOR = re.compile(r"^\s*For (?P<arg>\w+) = (?P<value>.+?),? the output should be (?P<want>.+?)\s*$")


def _single_param(prompt: str, entry_point: str) -> str | None:
    m = re.search(rf"^def {re.escape(entry_point)}\((\w+)(?::[^,)]*)?\)", prompt, re.M)
    return m.group(1) if m else None


def _calls(expr: str) -> set[str] | None:
    """Names of the functions called in `expr`, or None when it is not a call expression."""
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except SyntaxError:
        return None
    if not isinstance(tree.body, ast.Call) or getattr(tree.body.func, "id", "") == "print":
        return None
    return {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}


def doc_examples(prompt: str, entry_point: str) -> list[tuple[str, str]]:
    """(call, expected) pairs from the prompt's examples, in order, without duplicates."""
    lines = prompt.splitlines()
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(lines):
        s = lines[i].strip()
        if s.startswith(">>>"):
            call, want = s[3:].strip(), []
            i += 1
            while i < len(lines) and lines[i].strip().startswith("..."):  # a continued call
                call += " " + lines[i].strip()[3:].strip()
                i += 1
            while i < len(lines) and lines[i].strip() and not lines[i].strip().startswith(">>>") \
                    and '"""' not in lines[i] and "'''" not in lines[i]:
                want.append(lines[i].strip())
                i += 1
            out.append((call, " ".join(want)))
            continue
        f = _FOR.match(lines[i])
        if f and f.group("arg") == _single_param(prompt, entry_point):
            out.append((f"{entry_point}({f.group('value')})", f.group("want").rstrip(".,;")))
        m = _PROSE.match(lines[i])
        if m:
            out.append((m.group("call"), m.group("want").rstrip(".,;")))
        i += 1
    good = []
    for call, want in out:
        names = _calls(call)
        if not names or entry_point not in names or not want or _literal(want) is _MISSING:
            continue
        if (call, want) not in good:
            good.append((call, want))
    return good


def _approx(value: object) -> bool:
    if isinstance(value, float):
        return True
    return isinstance(value, (list, tuple)) and bool(value) and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in value) and any(
        isinstance(v, float) for v in value)


def examples_test(prompt: str, entry_point: str, module: str = "solution") -> str | None:
    """A pytest module checking every docstring example against `module`, or None when there is none."""
    examples = doc_examples(prompt, entry_point)
    if not examples:
        return None
    defined = set(re.findall(r"^def (\w+)\(", prompt, re.M))
    names = sorted(set().union(*(_calls(c) or set() for c, _ in examples)) & defined | {entry_point})
    body = []
    for k, (call, want) in enumerate(examples, 1):
        value = _literal(want)
        rhs = f"pytest.approx({want})" if _approx(value) else want
        noqa = "  # noqa: E712" if isinstance(value, bool) or value is None else ""  # == True, as the docstring says
        body.append(f"def test_example_{k}():\n    assert {call} == {rhs}{noqa}\n")
    return (f'"""The examples in the docstring of {entry_point}."""\n\nimport pytest\n\n'
            f"from {module} import {', '.join(names)}\n\n\n" + "\n\n".join(body))
