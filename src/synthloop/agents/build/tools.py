"""The sub-agent's tools: specs (OpenAI function schemas) and their execution on a file store and sandbox."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ...memory.filestore import DiskFileStore, Edit, FileStoreError, normalize, parse_blocks
from .checks import is_test_file

_REASON = {"type": "string", "description": "required when deleting a test file or removing tests/asserts: why the test is wrong"}

TOOL_SPECS: list[dict[str, Any]] = [
    {"name": "list_files", "description": "List the project's files with their line counts.",
     "parameters": {"type": "object", "properties": {}}},
    {"name": "read_file", "description": "Read a text file (long files come in pages: pass start_line).",
     "parameters": {"type": "object", "properties": {"path": {"type": "string"},
                                                     "start_line": {"type": "integer", "minimum": 1}},
                    "required": ["path"]}},
    {"name": "write_file", "description": "Create or overwrite a whole file.",
     "parameters": {"type": "object", "properties": {"path": {"type": "string"}, "content": {"type": "string"},
                                                     "reason": _REASON},
                    "required": ["path", "content"]}},
    {"name": "patch_file", "description": "Edit a file with search/replace pairs; each search text must be copied "
                                          "exactly from the file and occur exactly once.",
     "parameters": {"type": "object", "properties": {
         "path": {"type": "string"},
         "edits": {"type": "array", "items": {"type": "object", "properties": {
             "search": {"type": "string"}, "replace": {"type": "string"}}, "required": ["search", "replace"]}},
         "reason": _REASON},
         "required": ["path", "edits"]}},
    {"name": "delete_file", "description": "Delete a file. Deleting a test file needs a reason.",
     "parameters": {"type": "object", "properties": {"path": {"type": "string"}, "reason": _REASON},
                    "required": ["path"]}},
    {"name": "run_python_file", "description": "Run a Python file in the sandbox (no network, no input); "
                                               "returns exit code, stdout and stderr.",
     "parameters": {"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]}},
    {"name": "run_pytest", "description": "Run pytest in the sandbox on a file or directory (default: all tests).",
     "parameters": {"type": "object", "properties": {"target": {"type": "string"}}}},
    {"name": "mark_complete", "description": "Say the instruction is finished. The control unit then runs the syntax "
                                             "check and the whole test suite; failures come back to you.",
     "parameters": {"type": "object", "properties": {"summary": {"type": "string", "description":
                                                                 "1-3 sentences: what now exists, for dependants"}},
                    "required": ["summary"]}},
]
TOOL_NAMES = frozenset(t["name"] for t in TOOL_SPECS)


def openai_tools() -> list[dict[str, Any]]:
    return [{"type": "function", "function": spec} for spec in TOOL_SPECS]


def tool_list_text() -> str:
    """One line per tool for the JSON action protocol."""
    lines = []
    for t in TOOL_SPECS:
        props = t["parameters"].get("properties", {})
        req = set(t["parameters"].get("required", []))
        args = ", ".join(f"{k}{'' if k in req else '?'}: {v.get('type', 'any')}" for k, v in props.items())
        lines.append(f"- {t['name']}({args}): {t['description']}")
    return "\n".join(lines)


def _test_strength(text: str) -> tuple[int, int]:
    """(number of test functions, number of asserts) in a test module."""
    return (len(re.findall(r"^\s*(?:async\s+)?def\s+test_", text, re.M)),
            len(re.findall(r"\bassert\b|pytest\.raises|assert[A-Z]\w*\(", text)))


def empty_functions(text: str) -> list[str]:
    """Functions whose body is only a docstring, `pass`, `...` or `raise NotImplementedError` (abstract methods
    and Protocol members excepted): a small model often copies a signature and stops there."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return []
    out: list[str] = []

    def visit(body: list[ast.stmt], in_protocol: bool) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef):
                bases = {getattr(b, "id", getattr(b, "attr", "")) for b in node.bases}
                visit(node.body, in_protocol or bool(bases & {"Protocol", "ABC"}))
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not in_protocol:
                decos = {getattr(d, "id", getattr(d, "attr", "")) for d in node.decorator_list}
                stmts = node.body[1:] if ast.get_docstring(node) is not None else node.body
                if "abstractmethod" not in decos and "overload" not in decos and all(_is_stub(s) for s in stmts):
                    out.append(node.name)
    visit(tree.body, False)
    return out


def _is_stub(s: ast.stmt) -> bool:
    if isinstance(s, ast.Pass) or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)):
        return True
    if isinstance(s, ast.Raise) and s.exc is not None:
        exc = s.exc.func if isinstance(s.exc, ast.Call) else s.exc
        return getattr(exc, "id", "") == "NotImplementedError"
    return False


def _stub_note(rel: str, content: str) -> str:
    if not rel.endswith(".py") or is_test_file(rel):
        return ""
    empty = empty_functions(content)
    if not empty:
        return ""
    return (f" — note: {', '.join(f'{n}()' for n in empty[:6])} in {rel} has no implementation yet (its body is only "
            "a docstring or pass): write the code that does what its docstring says")


@dataclass
class ToolBox:
    """Executes tool calls for one instruction on its scratch file store. `foreign` are files owned by
    instructions running in parallel (refused). Events go to `emit(kind, **data)`."""

    store: DiskFileStore
    sandbox: Any
    emit: Callable[..., None]
    foreign: frozenset[str] = frozenset()
    protected: Mapping[str, str] = field(default_factory=dict)  # read-only path -> why (given or existing tests)
    run_timeout_s: float = 20.0
    test_timeout_s: float = 60.0
    max_result_chars: int = 8000
    test_changes: list[dict[str, Any]] = field(default_factory=list)
    written: set[str] = field(default_factory=set)

    def execute(self, name: str, args: dict[str, Any]) -> str:
        """Run one tool; errors become text the model can act on (never exceptions)."""
        if name not in TOOL_NAMES or name == "mark_complete":
            return f"ERROR: unknown tool {name!r}; tools: {', '.join(sorted(TOOL_NAMES))}"
        try:
            out = getattr(self, f"_t_{name}")(**args)
        except TypeError as e:
            return f"ERROR: bad arguments for {name}: {e}"
        except FileStoreError as e:
            return f"ERROR: {e}"
        return out if len(out) <= self.max_result_chars else out[: self.max_result_chars - 40] + "\n...(output truncated)"

    # -- guards ---------------------------------------------------------------------------------------
    def _check_owner(self, path: str) -> str:
        rel = normalize(path)
        if rel in self.foreign:
            raise FileStoreError(f"{rel} belongs to another instruction running in parallel; do not edit it")
        if rel in self.protected:
            raise FileStoreError(f"{rel} is {self.protected[rel]} (read-only): change the code so that it passes")
        return rel

    def _guard_test(self, rel: str, new_text: str | None, reason: str | None) -> str | None:
        """Refuse deleting/weakening a test without a reason; record it when a reason is given."""
        if not is_test_file(rel) or not self.store.exists(rel):
            return None
        old_tests, old_asserts = _test_strength(self.store.read(rel))
        new_tests, new_asserts = (0, 0) if new_text is None else _test_strength(new_text)
        if new_tests >= old_tests and new_asserts >= old_asserts:
            return None
        what = "deletes the test file" if new_text is None else (
            f"reduces tests {old_tests}→{new_tests} and asserts {old_asserts}→{new_asserts}")
        if not (reason or "").strip():
            return (f"ERROR: refused: this {what} in {rel}. Fix the code instead; if the test itself is wrong, "
                    "repeat the call with a `reason` explaining why.")
        change = {"path": rel, "change": what, "reason": reason.strip()}
        self.test_changes.append(change)
        self.emit("test_weakened" if new_text is not None else "test_deleted", **change)
        return None

    # -- tools ----------------------------------------------------------------------------------------
    def _t_list_files(self) -> str:
        files = self.store.list()
        if not files:
            return "(the project is empty)"
        return "\n".join(f"{p} ({len(self.store.read(p).splitlines()) if self._texty(p) else '?'} lines)" for p in files)

    def _texty(self, p: str) -> bool:
        try:
            self.store.read(p)
            return True
        except FileStoreError:
            return False

    def _t_read_file(self, path: str, start_line: int = 1) -> str:
        lines = self.store.read(path).splitlines(keepends=True)
        start = max(1, int(start_line))
        budget = self.max_result_chars - 200
        out, used, end = [], 0, start - 1
        for ln in lines[start - 1:]:
            if used + len(ln) > budget and out:
                break
            out.append(ln)
            used += len(ln)
            end += 1
        text = "".join(out)
        if end < len(lines):
            text += f"\n...(lines {start}-{end} of {len(lines)}; call read_file with start_line={end + 1} for more)"
        return text if text else "(empty file)"

    def _t_write_file(self, path: str, content: str, reason: str | None = None) -> str:
        rel = self._check_owner(path)
        refused = self._guard_test(rel, content, reason)
        if refused:
            return refused
        self.store.write(rel, content)
        self.written.add(rel)
        self.emit("tool_write", path=rel, chars=len(content))
        return f"wrote {rel} ({len(content.splitlines())} lines)" + _stub_note(rel, content)

    def _t_patch_file(self, path: str, edits: Any = None, reason: str | None = None, patch: str | None = None) -> str:
        rel = self._check_owner(path)
        if patch and not edits:
            parsed = parse_blocks(patch)
        else:
            if isinstance(edits, str):
                edits = json.loads(edits)
            if not isinstance(edits, list) or not edits:
                return "ERROR: edits must be a non-empty list of {search, replace} objects"
            parsed = [Edit(str(e["search"]), str(e.get("replace", ""))) for e in edits]
        from ...memory.filestore import apply_edits

        current = self.store.read(rel)
        if any(e.replace.strip() and e.search in e.replace and e.replace in current for e in parsed):
            return (f"ERROR: {rel} already contains that replacement: the change was made before; read the file, "
                    "run the tests, or call mark_complete")
        note = ""
        try:
            new = apply_edits(current, parsed, path=rel)
        except FileStoreError as e:
            if "search text not found" not in str(e):
                raise
            new = _append_new_code(current, parsed)
            if new is None:
                raise FileStoreError(f"{e}. A patch only changes text that is already in the file: to add new "
                                     "code, use write_file with the whole new file content") from e
            note = (" — the search text was not in the file and the replacement starts with it, so it was added "
                    "as new code at the end of the file; read the file to check")
        refused = self._guard_test(rel, new, reason)
        if refused:
            return refused
        self.store.write(rel, new)
        self.written.add(rel)
        self.emit("tool_patch", path=rel, edits=len(parsed), appended=bool(note))
        return f"patched {rel} ({len(parsed)} edit(s) applied){note}"

    def _t_delete_file(self, path: str, reason: str | None = None) -> str:
        rel = self._check_owner(path)
        refused = self._guard_test(rel, None, reason)
        if refused:
            return refused
        self.store.delete(rel)
        self.emit("tool_delete", path=rel, reason=reason or "")
        return f"deleted {rel}"

    def _t_run_python_file(self, path: str) -> str:
        from ...tools.code_tools import run_file

        rel = normalize(path)
        if not self.store.exists(rel):
            return f"ERROR: no such file: {rel}"
        r = run_file(self.sandbox, self.store.root, rel, self.run_timeout_s)
        self.emit("tool_run", path=rel, returncode=r.returncode, timed_out=r.timed_out)
        head = f"exit code {r.returncode}" + (f" (TIMED OUT after {self.run_timeout_s:.0f}s)" if r.timed_out else "") \
            + (" (out of memory)" if getattr(r, "oom", False) else "")
        return f"{head}\nstdout:\n{r.stdout[-3000:]}\nstderr:\n{r.stderr[-3000:]}"

    def _t_run_pytest(self, target: str = ".") -> str:
        from ...tools.code_tools import run_pytest

        rel = "." if target in ("", ".", None) else normalize(target)
        r = run_pytest(self.sandbox, self.store.root, rel, timeout_s=self.test_timeout_s)
        self.emit("tool_pytest", target=rel, passed=r.passed, failed=r.failed, errors=r.errors, ok=r.ok)
        head = f"{r.passed} passed, {r.failed} failed, {r.errors} errors"
        if r.timed_out:
            head += f" — TIMED OUT after {self.test_timeout_s:.0f}s (counts as a failure)"
        if r.no_tests:
            head += " — NO TESTS collected (counts as a failure)"
        if r.collection_error:
            head += " — collection error"
        body = "\n\n".join(f"FAILED {n}\n{m.strip()[:800]}" for n, m in list(r.failures)[:6])
        if not body and not r.ok:
            body = str(r.output or "")[-2500:]
        return head + ("\n\n" + body if body else "")


def _append_new_code(text: str, edits: list[Edit]) -> str | None:
    """A one-edit patch that 'replaces' an absent line by a block starting with it means "add this block" (small
    models add a function this way): the file with the block appended, else None."""
    if len(edits) != 1:
        return None
    search, replace = edits[0].search.strip(), edits[0].replace
    if not search or "\n" in search or search in text or not replace.lstrip().startswith(search):
        return None
    return text.rstrip("\n") + "\n\n\n" + replace.strip("\n") + "\n"
