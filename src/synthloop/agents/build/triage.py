"""Last-resort review of an instruction's own failing tests: which side is wrong, the test or the code?

A small model writes its tests and its code in one reply, and its tests often expect what the task never asked for
(seen in real runs: a list expected to hold links that were shortened without an owner). Fix rounds then go to
changing the right code to satisfy the wrong test. Before an instruction fails, each of its own tests that fails on
an *expectation* (an assert or a `pytest.raises` that did not raise; a crash is always the code's fault) is shown to
the model with the task, and it answers TEST or CODE with one sentence of reason. Tests judged wrong are removed
through the tool box, so the removal is refused without that reason and recorded as `test_weakened`; the instruction
passes only if the remaining checks pass. The question is asked twice, framed in opposite ways ("which side is
wrong?", "which side is right?"), and a test is removed only when both answers agree. The run's hidden tests (in
`build eval`) judge whether the verdict was right.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..model import TruncatedOutput
from . import prompts
from .checks import CheckReport, condense, is_test_file

# the E-lines of a failed assert or of a pytest.raises that did not raise
_EXPECTATION = re.compile(r"^E\s+(?:AssertionError\b|assert\b)|DID NOT RAISE", re.M)
_LABELLED = re.compile(r"(?:VERDICT|RIGHT|ANSWER)\s*:\s*\**\s*(TEST|CODE)\b", re.I)
_BARE = re.compile(r"\A\W*(TEST|CODE)\b")  # "TEST. The test expects ..." (upper case only: not "Test ...")
_WHY = re.compile(r"WHY\s*:\s*(.+)", re.I)
MAX_SUSPECTS = 6  # tests per review, at most (two model calls each)


@dataclass(frozen=True)
class Suspect:
    """A failing test function of a file the instruction wrote."""

    path: str
    name: str
    source: str
    error: str


@dataclass(frozen=True)
class Verdict:
    suspect: Suspect
    test_is_wrong: bool
    why: str


def review(agent: Any, report: CheckReport) -> CheckReport | None:
    """Review `agent`'s (a build Subagent's) own failing tests at its best check. When the model judges every one
    wrong (and no file loses more than half of its tests), they are removed with its reasons and the checks run again.
    Returns the passing report, or None with the files as at the best check."""
    if back := agent.restore_best():  # the review starts from the best work (the caller's restore is then a no-op)
        agent.emit("best_check_restored", paths=back, passed=agent.best_passed)
        report = agent.check()
    tools = agent.tools
    store = tools.store
    own = sorted(p for p in tools.written if is_test_file(p) and p not in tools.protected and store.exists(p))
    verdicts = []
    for s in suspects(report, own, store.read):
        v = ask(agent.model, agent.brief.task, agent.brief.instruction, s)
        agent.emit("test_review", path=s.path, test=s.name, verdict="test" if v.test_is_wrong else "code", why=v.why)
        if not v.test_is_wrong:
            return None  # a test the model stands by still fails: the code must change (no need to ask more)
        verdicts.append(v)
    remove = removable(verdicts, store.read)
    if not remove:
        return None
    before = {p: store.read(p) for p in remove}
    for path, names in remove.items():
        store.write(path, without_tests(before[path], names))
    after = agent.check()
    agent.emit("checks", **after.brief())
    if not after.ok or agent.not_delivered():
        for path, text in before.items():
            store.write(path, text)
        agent.emit("test_review_undone", passed=after.passed, failed=after.failed)
        return None
    for path in remove:  # kept: written through the tools, which record it with the reasons
        text = store.read(path)
        store.write(path, before[path])
        why = "; ".join(f"{v.suspect.name}: {v.why}" for v in verdicts if v.suspect.path == path)
        tools.execute("write_file", {"path": path, "content": text,
                                     "reason": "the test expects what the task does not ask for — " + why})
    agent.emit("tests_reviewed", removed=remove)
    return after


def suspects(report: CheckReport, own_tests: Iterable[str], read: Callable[[str], str]) -> list[Suspect]:
    """The failing tests worth reviewing (at most MAX_SUSPECTS); empty when the failure is not only about expectations (a syntax error,
    a crash, a timeout, a fixture error, a test in a file the instruction did not write: the code must change)."""
    own = set(own_tests)
    if (report.syntax_errors or report.errors or report.timed_out or report.collection_error or report.lint_errors
            or report.install_error or not report.failures or report.passed == 0):
        return []
    found: dict[tuple[str, str], Suspect] = {}
    texts: dict[str, str] = {}  # each test file read once
    for nodeid, message in report.failures:
        path, _, rest = nodeid.partition("::")
        name = rest.split("[", 1)[0]
        if path not in own or "::" in name or not _EXPECTATION.search(message):
            return []
        if path not in texts:
            texts[path] = read(path)
        source = function_source(texts[path], name)
        if source is None:
            return []
        found.setdefault((path, name), Suspect(path, name, source, condense(message, 900)))
    return list(found.values()) if len(found) <= MAX_SUSPECTS else []


def function_source(text: str, name: str) -> str | None:
    """The source of the module-level function `name` (with its decorators), or None."""
    node = _find(text, name)
    if node is None:
        return None
    lines = text.splitlines()
    return "\n".join(lines[_first_line(node) - 1: node.end_lineno])


def without_tests(text: str, names: Iterable[str]) -> str:
    """The module with the named module-level test functions removed (decorators included)."""
    lines = text.splitlines()
    spans = sorted(((_first_line(n), n.end_lineno or n.lineno) for n in map(lambda x: _find(text, x), set(names))
                    if n is not None), reverse=True)
    for start, end in spans:
        del lines[start - 1: end]
    out = re.sub(r"\n{4,}", "\n\n\n", "\n".join(lines)).rstrip("\n") + "\n"
    return out


def test_count(text: str) -> int:
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return 0
    return sum(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name.startswith("test") for n in tree.body)


def removable(verdicts: list[Verdict], read: Callable[[str], str]) -> dict[str, list[str]]:
    """path -> test names to remove: those judged wrong, as long as no file loses more than half of its tests
    (rounded up) or all of them; {} when a file would."""
    by_path: dict[str, list[str]] = {}
    for v in verdicts:
        if v.test_is_wrong:
            by_path.setdefault(v.suspect.path, []).append(v.suspect.name)
    for path, names in by_path.items():
        total = test_count(read(path))
        if len(names) >= total or len(names) > math.ceil(total / 2):
            return {}
    return by_path


def ask(model: object, task: str, instruction: str, suspect: Suspect, max_tokens: int = 160) -> Verdict:
    """Two short model calls framed in opposite ways: the test is judged wrong only when the model, asked which
    side is wrong, names the test AND, asked which side is right, names the code. A small model that answers "TEST"
    to anything (seen with the 1.5B model) keeps the test; a reply without a clear answer keeps it too."""
    values = {"task": task[:3000], "instruction": instruction[:1200], "path": suspect.path,
              "source": suspect.source[:2500], "error": suspect.error}
    wrong, why = _answer(model, "triage", values, max_tokens)
    if wrong != "TEST" or not why:
        return Verdict(suspect, False, why)
    right, why_right = _answer(model, "triage_mirror", values, max_tokens)
    if right != "CODE":
        return Verdict(suspect, False, f"{why} (not confirmed: asked which side is right, the answer was "
                                       f"{right or 'unclear'}: {why_right})"[:400])
    return Verdict(suspect, True, why)


def _answer(model: object, prompt: str, values: dict[str, str], max_tokens: int) -> tuple[str, str]:
    """("TEST" | "CODE" | "", the reason) of one reply: a labelled line, or a reply that starts with the word."""
    try:
        out = model.complete([{"role": "user", "content": prompts.render(prompt, **values)}],  # type: ignore[attr-defined]
                             temperature=0.0, max_tokens=max_tokens)
        reply = (out.text or "").strip()
    except TruncatedOutput:  # a rambling answer is no answer
        return "", ""
    m = _LABELLED.search(reply) or _BARE.search(reply)
    why = _WHY.search(reply)
    reason = why.group(1).strip() if why else reply.splitlines()[-1] if reply else ""
    return (m.group(1).upper() if m else ""), reason[:300]


def _find(text: str, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    return next((n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name),
                None)


def _first_line(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    return min([node.lineno] + [d.lineno for d in node.decorator_list])
