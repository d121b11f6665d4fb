"""Checks the control unit runs on a workspace: syntax, the test suite in the sandbox, lint (ruff), size."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ...memory.filestore import DiskFileStore

MAX_FAILURES_SHOWN = 8


@dataclass
class CheckReport:
    """Outcome of the syntax check + pytest. `ok` is False on syntax errors, failures, errors, a timeout,
    a collection error or when no tests were collected."""

    syntax_errors: list[str] = field(default_factory=list)
    passed: int = 0
    failed: int = 0
    errors: int = 0
    no_tests: bool = False
    timed_out: bool = False
    collection_error: bool = False
    failures: list[list[str]] = field(default_factory=list)  # [nodeid, message]
    output_tail: str = ""
    ran_tests: bool = False
    install_error: str = ""
    lint_errors: list[str] = field(default_factory=list)  # serious lint findings (likely bugs) the tests missed
    passed_ids: list[str] = field(default_factory=list)
    excused: list[list[str]] = field(default_factory=list)  # [nodeid, instruction]: known failures not counted

    @property
    def ok(self) -> bool:
        return (not self.syntax_errors and not self.install_error and self.ran_tests and self.failed == 0 and self.errors == 0
                and not self.no_tests and not self.timed_out and not self.collection_error and self.passed > 0
                and not self.lint_errors)

    def brief(self) -> dict[str, Any]:
        return {"ok": self.ok, "passed": self.passed, "failed": self.failed, "errors": self.errors,
                "syntax_errors": len(self.syntax_errors), "no_tests": self.no_tests, "timed_out": self.timed_out,
                "collection_error": self.collection_error, "install_error": bool(self.install_error),
                "lint_errors": len(self.lint_errors)}

    def feedback(self, limit_chars: int = 4000) -> str:
        """What went wrong, for the sub-agent or the re-planner."""
        parts: list[str] = []
        if self.install_error:
            parts.append(self.install_error)
        if self.syntax_errors:
            parts.append("Syntax errors:\n" + "\n".join(self.syntax_errors[:MAX_FAILURES_SHOWN]))
        if self.ran_tests:
            parts.append(f"pytest: {self.passed} passed, {self.failed} failed, {self.errors} errors")
            if self.timed_out:
                parts.append("The test run TIMED OUT (an infinite loop, a blocking call such as input() or a "
                             "server, or very slow code). A timeout counts as a failure.")
            if self.no_tests:
                parts.append("NO TESTS were collected. Write pytest tests (functions named test_*) in "
                             "tests/test_*.py; a suite without tests counts as a failure.")
            if self.collection_error:
                parts.append("Test COLLECTION failed (an import error or a syntax error in a test module).")
            parts += grouped_failures(self.failures)
            if self.excused:
                owners = sorted({o for _, o in self.excused})
                parts.append(f"Not counted: {len(self.excused)} test(s) of partly done instruction(s) "
                             f"{', '.join(owners)} were already failing before you started; they are not yours to "
                             "fix (do not edit them): " + ", ".join(n for n, _ in self.excused[:MAX_FAILURES_SHOWN]))
            if (self.collection_error or self.timed_out or (self.errors and not self.failures)) and self.output_tail:
                parts.append("Output (end):\n" + self.output_tail[-1500:])
        if self.lint_errors:
            parts.append(lint_feedback(self.lint_errors))
        text = "\n\n".join(parts)
        return text if len(text) <= limit_chars else text[: limit_chars - 20] + "\n...(truncated)"


_LOCATION = re.compile(r"^\S+\.py:\d+:")


def condense(msg: str, limit: int = 800) -> str:
    """A failure's traceback cut to what explains it: the failing lines (`>`), the error lines (`E`) and the
    locations, keeping the end (the exception) when even that is too long. Short messages stay whole."""
    msg = msg.strip()
    if len(msg) <= limit:
        return msg
    lines = [ln for ln in msg.splitlines() if ln.startswith((">", "E ")) or _LOCATION.match(ln)]
    text = "\n".join(lines) or msg
    return text if len(text) <= limit else "…" + text[-(limit - 1):]


def _signature(msg: str) -> str:
    """The error of a failure (its last `E` line), to group tests that fail for one reason."""
    errs = [ln for ln in msg.splitlines() if ln.startswith("E ")]
    return errs[-1].strip() if errs else msg.strip()[-200:]


def grouped_failures(failures: list[list[str]]) -> list[str]:
    """One entry per distinct error (its first test's condensed traceback, then the other tests that fail the same
    way), at most MAX_FAILURES_SHOWN entries: nine tests failing on one TypeError need one traceback, whole."""
    groups: dict[str, list[list[str]]] = {}
    for nodeid, msg in failures:
        groups.setdefault(_signature(msg), []).append([nodeid, msg])
    out = []
    for same in list(groups.values())[:MAX_FAILURES_SHOWN]:
        (nodeid, msg), rest = same[0], [n for n, _ in same[1:]]
        also = f"\n(the same error in {len(rest)} more: {', '.join(rest[:6])}{' …' if len(rest) > 6 else ''})" if rest else ""
        out.append(f"FAILED {nodeid}\n{condense(msg)}{also}")
    return out


LINT_HINTS = {  # what a finding means, for models that do not know the codes
    "F823": "`{name}` is assigned somewhere in this function, which makes `{name}` a local variable in the whole "
            "function, so using it before that assignment (e.g. calling the module-level `{name}(...)`) fails: "
            "give the local variable a different name",
    "F821": "`{name}` is not defined anywhere (a missing import, a typo, or a name used before it exists)",
    "F811": "`{name}` is defined twice; the second definition silently replaces the first",
}


def lint_feedback(findings: list[str]) -> str:
    """The findings, each followed by what it means when it is a common one."""
    lines = []
    for f in findings[:MAX_FAILURES_SHOWN]:
        lines.append(f)
        code = f.split(": ", 2)[1].split(" ", 1)[0] if f.count(": ") >= 1 else ""
        names = re.findall(r"`([^`]+)`", f)
        if code in LINT_HINTS and names:
            lines.append("  → " + LINT_HINTS[code].format(name=names[0]))
    return "Lint found likely bugs that the tests do not cover (fix them):\n" + "\n".join(lines)


_CANNOT_IMPORT = re.compile(r"cannot import name '(\w+)' from '([\w.]+)'")


def import_hints(feedback: str, store: DiskFileStore) -> list[str]:
    """For each "cannot import name X from Y": where X is actually defined, so the fix is obvious to a small model."""
    hints = []
    files = python_files(store)
    for name, module in dict.fromkeys(_CANNOT_IMPORT.findall(feedback)):
        where = [p for p, text in files.items()
                 if re.search(rf"^(?:async\s+def|def|class)\s+{re.escape(name)}\b|^{re.escape(name)}\s*=", text, re.M)]
        selfimport = [p for p in where if re.search(rf"^\s*from\s+{re.escape(module)}\s+import\s+.*\b{name}\b",
                                                    files[p], re.M)]
        if selfimport:
            hints.append(f"{selfimport[0]} imports `{name}` from `{module}`, but `{name}` is defined in "
                         f"{selfimport[0]} itself: delete that import line.")
        elif where:
            hints.append(_export_hint(name, module, where[0], files))
        else:
            hints.append(f"`{name}` is not defined in any file of the project yet: write it before importing it.")
    return hints


_NAME_ERROR = re.compile(r"NameError: name '(\w+)' is not defined")


def missing_import_hints(feedback: str, store: DiskFileStore) -> list[str]:
    """For a NameError on a standard-library module: the files that use it without importing it."""
    hints = []
    files = python_files(store)
    for name in dict.fromkeys(_NAME_ERROR.findall(feedback)):
        if name not in sys.stdlib_module_names:
            continue
        users = [p for p, text in files.items() if re.search(rf"(?<![\w.]){name}\.\w", text)
                 and not re.search(rf"^\s*(?:import\s+[^\n]*\b{name}\b|from\s+{name}\s+import)", text, re.M)]
        if users:
            hints.append(f"`{name}` is a standard-library module that {', '.join(users)} uses without importing it: "
                         f"add `import {name}` at the top of {' and '.join(users)}.")
    return hints


_NO_ATTRIBUTE = re.compile(r"AttributeError: '(\w+)' object has no attribute '(\w+)'")


def missing_attribute_hints(feedback: str, store: DiskFileStore) -> list[str]:
    """For "'C' object has no attribute 'm'" where the project's class C uses `self.m` without defining it: that
    the method (or attribute) is missing from the class, not something the test got wrong."""
    hints = []
    files = python_files(store)
    for cls, attr in dict.fromkeys(_NO_ATTRIBUTE.findall(feedback)):
        for path, text in files.items():
            node = _class_node(text, cls)
            if node is None or attr in _class_members(node):
                continue
            uses = {type(n.ctx).__name__ for n in ast.walk(node) if isinstance(n, ast.Attribute) and n.attr == attr
                    and isinstance(n.value, ast.Name) and n.value.id == "self"}
            if uses:
                hints.append(f"Class `{cls}` in {path} uses `self.{attr}` but never defines it: add the method "
                             f"`def {attr}(self, ...)` (or set `self.{attr}` in `__init__`) to `{cls}`, or use a "
                             "name that exists.")
                break
    return hints


def _class_node(text: str, name: str) -> ast.ClassDef | None:
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    return next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name), None)


def _class_members(node: ast.ClassDef) -> set[str]:
    """Methods, class attributes and `self.x = ...` assignments of a class."""
    names = {n.name for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    names |= {t.id for n in node.body if isinstance(n, (ast.Assign, ast.AnnAssign))
              for t in (n.targets if isinstance(n, ast.Assign) else [n.target]) if isinstance(t, ast.Name)}
    names |= {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store)
              and isinstance(n.value, ast.Name) and n.value.id == "self"}
    return names


_FAILED_BLOCK = re.compile(r"^FAILED (\S+?)::(\S+)\n(.*?)(?=^FAILED |\Z)", re.M | re.S)
_WRONG_VALUE = re.compile(r"^E\s+(?:AssertionError: )?assert (.+?) == (.+?)\n\s*E\s+\+\s+where \1 = (.+)$", re.M)


def expected_value_hints(feedback: str, own_tests: set[str]) -> list[str]:
    """For a failed `assert f(x) == literal` in a test written in this instruction: the value the code returns, and
    that the expected value itself may be what is wrong (small models often mis-compute it)."""
    hints = []
    for path, name, body in _FAILED_BLOCK.findall(feedback):
        m = _WRONG_VALUE.search(body)
        if path in own_tests and m:
            got, want, call = m.group(1).strip(), m.group(2).strip(), m.group(3).strip()
            hints.append(f"{path}::{name} is a test you wrote: `{call}` returns {got}, but the test expects {want}. "
                         f"Work this example out by hand: if {got} is right, change the expected value in the test; "
                         "otherwise fix the code.")
    return hints


def _export_hint(name: str, module: str, where: str, files: dict[str, str]) -> str:
    """`name` is defined in `where` but `module` does not export it: follow the package's own convention (its
    __init__ re-exports from that module), else import it from where it is defined, in the files that need it."""
    mod = where.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
    head = f"`{name}` is defined in {where}, but `{module}` does not export it: "
    init = module.replace(".", "/") + "/__init__.py"
    if re.search(rf"^\s*from\s+{re.escape(mod)}\s+import\b", files.get(init, ""), re.M):
        alls = " and to `__all__`" if "__all__" in files[init] else ""
        return head + (f"{init} re-exports names from `{mod}`: add `{name}` to its `from {mod} import ...` "
                       f"line{alls} (keep {where} as it is).")
    fix = f"`from {mod} import {name}`"
    importers = [p for p, text in files.items() if p != where and re.search(
        rf"^\s*from\s+{re.escape(module)}\s+import\s+[^\n]*\b{name}\b", text, re.M)]
    if importers:
        return head + f"in {', '.join(importers)} import it with {fix} (keep {where} as it is)."
    return head + f"import it with {fix}, or add it to {init}."


def python_files(store: DiskFileStore) -> dict[str, str]:
    return {p: t for p, t in store.read_all([p for p in store.list() if p.endswith(".py")]).items()}


def run_checks(store: DiskFileStore, sandbox: Any, *, timeout_s: float,
               prepare: Callable[[DiskFileStore], str] | None = None, ignore: Sequence[str] = ()) -> CheckReport:
    """Syntax check every .py file; `prepare` (e.g. installing requirements.txt) may report an error; if all is
    clean, run the whole pytest suite (less `ignore`d paths) in the sandbox."""
    from ...tools.code_tools import run_pytest, syntax_check

    rep = CheckReport(syntax_errors=list(syntax_check(python_files(store))))
    if prepare is not None:
        rep.install_error = prepare(store)
    if rep.syntax_errors or rep.install_error:
        return rep
    pr = run_pytest(sandbox, store.root, ".", timeout_s=timeout_s, ignore=ignore)
    rep.ran_tests = True
    rep.passed, rep.failed, rep.errors = int(pr.passed), int(pr.failed), int(pr.errors)
    rep.no_tests, rep.timed_out, rep.collection_error = bool(pr.no_tests), bool(pr.timed_out), bool(pr.collection_error)
    rep.failures = [[str(n), str(m)] for n, m in pr.failures]
    rep.passed_ids = [str(n) for n in pr.passed_ids]
    rep.output_tail = str(pr.output or "")[-3000:]
    return rep


COSMETIC_LINT = ("F401", "F403", "F405", "F541", "F841", "E4", "E7")  # unused names, import placement, style


def is_serious(code: str) -> bool:
    """A lint finding that is likely a bug (undefined or redefined names, syntax, bad format strings), as opposed
    to a cosmetic one (an unused import, an ambiguous variable name): only these fail the acceptance check."""
    return not code.startswith(COSMETIC_LINT)


def lint(root: Path, excused: frozenset[str] = frozenset()) -> dict[str, Any]:
    """ruff over the workspace on the host (it reads code, never runs it); serious findings in the `excused` files
    (partly done work another instruction owns) are left out of the serious ones.
    {"errors": n, "serious": m, "by_code": {...}, "shown": [...], "serious_shown": [...], "serious_paths": [...]}."""
    exe = shutil.which("ruff")
    argv = [exe] if exe else [sys.executable, "-m", "ruff"]
    try:
        proc = subprocess.run([*argv, "check", "--isolated", "--no-cache", "--output-format", "json", "--exit-zero",
                               "--select", "E4,E7,E9,F", "."], cwd=root, capture_output=True, text=True, timeout=120)
        items = json.loads(proc.stdout or "[]")
    except (OSError, subprocess.TimeoutExpired, json.JSONDecodeError) as e:
        return {"errors": None, "note": f"ruff unavailable: {e}"}
    by_code: dict[str, int] = {}
    for it in items:
        by_code[str(it.get("code"))] = by_code.get(str(it.get("code")), 0) + 1

    def path(it: dict[str, Any]) -> str:
        return it["filename"].replace(str(root) + "/", "")

    def show(it: dict[str, Any]) -> str:
        return f"{path(it)}:{it['location']['row']}: {it['code']} {it['message']}"
    serious = [it for it in items if is_serious(str(it.get("code"))) and path(it) not in excused]
    return {"errors": len(items), "serious": len(serious), "by_code": by_code,
            "shown": [show(it) for it in items[:20]], "serious_shown": [show(it) for it in serious[:20]],
            "serious_paths": [path(it) for it in serious]}


def is_test_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"
                                     or path.startswith("tests/") or "/tests/" in path)


def lines_of_code(store: DiskFileStore) -> dict[str, int]:
    """Non-blank lines of Python: code vs tests."""
    code = tests = 0
    for p, text in python_files(store).items():
        n = sum(1 for ln in text.splitlines() if ln.strip())
        if is_test_file(p):
            tests += n
        else:
            code += n
    return {"code": code, "tests": tests, "total": code + tests}


def report_dict(rep: CheckReport) -> dict[str, Any]:
    return asdict(rep) | {"ok": rep.ok}
