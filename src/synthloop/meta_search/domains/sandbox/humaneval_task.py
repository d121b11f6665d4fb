"""HumanEval helpers for agent designs. Runs INSIDE the sandbox (stdlib only).

`forward(task)` gets a `CodeTask`: `task.prompt` (the function signature and docstring), `task.entry_point`
(the function's name), `task.text` (the prompt, for model calls), `task.instruction` (what to write),
`task.finish(code)` (the answer to return) and `task.check(code) -> Feedback` (.passed, .total, .score, .all_passed, .text), which runs
the docstring's `>>>` examples against `code` (the complete function, with its imports) in a separate process
with a timeout. The answer to return is the complete source code of the function, as a string.
The hidden tests that score the answer are never visible here.
"""

from __future__ import annotations

import doctest
import json
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

__all__ = ["CodeTask", "Feedback", "extract_code", "EXAMPLE_TIMEOUT_S"]

EXAMPLE_TIMEOUT_S = 5.0

_RUNNER = r'''
import json, sys
src, examples = json.loads(sys.stdin.read())
results = []
ns = {"__name__": "candidate"}
try:
    exec(compile(src, "candidate.py", "exec"), ns)
except BaseException as e:
    print(json.dumps({"load_error": f"{type(e).__name__}: {e}"}))
    raise SystemExit(0)
for call, want in examples:
    try:
        got = eval(call, ns)
    except BaseException as e:
        results.append([False, f"raised {type(e).__name__}: {e}"])
        continue
    try:
        ok = got == eval(want, dict(ns))
    except BaseException:
        ok = False
    ok = ok or repr(got) == want.strip()
    results.append([bool(ok), repr(got)[:300]])
print(json.dumps({"results": results}))
'''


def extract_code(text: str) -> str:
    """The code inside the first ``` fence (python or plain), or the text itself when there is none."""
    if "```" not in text:
        return text
    after = text.split("```", 1)[1]
    if after.startswith(("python", "py\n", "Python")):
        after = after.split("\n", 1)[1] if "\n" in after else ""
    return after.split("```", 1)[0]


@dataclass
class Feedback:
    """Results of the docstring examples: counts and a text for the model."""

    passed: int
    total: int
    text: str

    loads: bool = True

    @property
    def score(self) -> float:
        if not self.loads:
            return 0.0
        return self.passed / self.total if self.total else 1.0

    @property
    def all_passed(self) -> bool:
        return self.loads and self.passed == self.total

    def __str__(self) -> str:
        return self.text


class CodeTask:
    """One HumanEval problem as a design sees it."""

    instruction = ("Write the complete Python function (its signature, any imports it needs, and a correct body). "
                   "Put the code in the `code` field.")

    def __init__(self, payload: dict[str, Any]):
        self.id: str = payload.get("id", "")
        self.prompt: str = payload["prompt"]
        self.entry_point: str = payload["entry_point"]

    @property
    def text(self) -> str:
        return (f"Complete this Python function. Return the whole function (with any imports it needs).\n\n"
                f"```python\n{self.prompt}```")

    def __str__(self) -> str:
        return self.text

    def examples(self) -> list[tuple[str, str]]:
        """The docstring's `>>>` examples as (call, expected repr)."""
        try:
            found = doctest.DocTestParser().get_examples(self.prompt)
        except ValueError:
            return []
        return [(e.source.strip(), e.want.strip()) for e in found if e.want.strip()]

    def finish(self, code: str) -> str:
        """The answer to return from forward: the complete function source."""
        return self.full_code(code)

    def full_code(self, code: str) -> str:
        """`code` as a complete module: a bare body (no `def entry_point`) is appended to the prompt."""
        code = extract_code(code)
        return code if f"def {self.entry_point}" in code else self.prompt + code

    def check(self, code: str) -> Feedback:
        """Run the docstring examples against the code (a separate process, EXAMPLE_TIMEOUT_S)."""
        examples = self.examples()
        src = self.full_code(code)
        try:
            proc = subprocess.run([sys.executable, "-c", _RUNNER], input=json.dumps([src, examples]),
                                  capture_output=True, text=True, timeout=EXAMPLE_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            return Feedback(0, len(examples), f"The code timed out after {EXAMPLE_TIMEOUT_S} s on the examples.",
                            loads=False)
        try:
            data = json.loads(proc.stdout.strip().splitlines()[-1])
        except (IndexError, json.JSONDecodeError):
            return Feedback(0, len(examples), f"The code crashed: {proc.stderr[-800:]}", loads=False)
        if "load_error" in data:
            return Feedback(0, len(examples), f"The code does not load: {data['load_error']}", loads=False)
        lines, passed = [], 0
        for (call, want), (ok, got) in zip(examples, data["results"], strict=True):
            passed += bool(ok)
            lines.append(f"{'PASS' if ok else 'FAIL'}: {call} -> {got}" + ("" if ok else f" (expected {want})"))
        head = (f"{passed} of {len(examples)} docstring examples pass." if examples
                else "The docstring has no runnable examples; the code loads.")
        return Feedback(passed, len(examples), "\n".join([head, *lines]))


def make_task(payload: dict[str, Any]) -> CodeTask:
    return CodeTask(payload)
