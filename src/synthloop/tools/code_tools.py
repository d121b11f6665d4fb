"""Code tools for build sub-agents: run a file or a pytest suite in the sandbox, check syntax on the host.

Files go in and out through the sandbox's work dir only. pytest results come from its junit XML (read back from the
work dir, never followed through links) cross-checked with its exit code: a timeout, a collection error, or
"no tests collected" is never a pass.
"""

from __future__ import annotations

import ast
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .sandbox import ExecResult, Limits, Sandbox
from .workdir import check_relpath, read_file, remove_file

_MAX_OUTPUT_CHARS = 20_000
# pytest exit codes
_OK, _TESTS_FAILED, _INTERRUPTED, _INTERNAL, _USAGE, _NO_TESTS = 0, 1, 2, 3, 4, 5


@dataclass
class PytestReport:
    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    no_tests: bool = False
    timed_out: bool = False
    collection_error: bool = False
    failures: list[tuple[str, str]] = field(default_factory=list)
    passed_ids: list[str] = field(default_factory=list)  # node ids of the tests that passed
    output: str = ""
    returncode: int = 0
    duration_s: float = 0.0

    @property
    def ok(self) -> bool:
        """Everything collected ran and passed; False on timeout, collection error, no tests, or any failure."""
        return (
            self.returncode == _OK
            and not self.timed_out
            and not self.collection_error
            and not self.no_tests
            and self.failed == 0
            and self.errors == 0
            and self.passed > 0
        )

    def summary(self) -> str:
        """One line for logs and prompts."""
        if self.timed_out:
            return "pytest TIMED OUT (counts as a failure)"
        if self.collection_error:
            return f"pytest COLLECTION ERROR ({self.errors} error(s)); no test result counts"
        if self.no_tests:
            return "pytest collected NO TESTS (not a pass)"
        return f"{self.passed} passed, {self.failed} failed, {self.errors} errors, {self.skipped} skipped"


def run_file(sandbox: Sandbox, workdir: Path, relpath: str, timeout_s: float = 20.0) -> ExecResult:
    """Run `python relpath` in the sandbox with workdir as /work."""
    check_relpath(relpath)
    if not (Path(workdir) / relpath).is_file():
        raise FileNotFoundError(f"{relpath}: no such file in the work dir")
    return sandbox.run(["python", relpath], workdir=Path(workdir), limits=Limits(timeout_s=timeout_s))


def run_pytest(sandbox: Sandbox, workdir: Path, target: str = ".", timeout_s: float = 60.0,
               ignore: Sequence[str] = ()) -> PytestReport:
    """Run pytest on target (relative to workdir) in the sandbox and report per-test results; `ignore` are
    relative paths pytest skips."""
    for rel in [target, *ignore]:
        if rel != ".":
            check_relpath(rel)
    workdir = Path(workdir)
    xml_rel = f".synthloop-junit-{uuid.uuid4().hex[:12]}.xml"
    argv = [
        "python",
        "-m",
        "pytest",
        target,
        "-q",
        "-rfE",
        "--color=no",
        "-p",
        "no:cacheprovider",
        "-o",
        "addopts=",
        "-o",
        "junit_family=xunit1",
        f"--junitxml={xml_rel}",
        "--rootdir=/work",
        *(f"--ignore={rel}" for rel in ignore),
    ]
    try:
        res = sandbox.run(argv, workdir=workdir, limits=Limits(timeout_s=timeout_s))
        try:
            xml = read_file(workdir, xml_rel)
        except (FileNotFoundError, ValueError):
            xml = b""
    finally:
        remove_file(workdir, xml_rel)
    return _report(res, xml)


def _report(res: ExecResult, xml: bytes) -> PytestReport:
    out = (res.stdout + ("\n" + res.stderr if res.stderr.strip() else "")).strip()
    rep = PytestReport(
        output=out[-_MAX_OUTPUT_CHARS:],
        returncode=res.returncode,
        timed_out=res.timed_out,
        duration_s=res.duration_s,
    )
    if xml:
        _parse_junit(xml, rep)
    if res.returncode == _NO_TESTS and not rep.errors:
        rep.no_tests = True
    if res.returncode == _INTERRUPTED or "errors during collection" in out or "ERROR collecting" in out:
        rep.collection_error = True
    if res.returncode in (_INTERNAL, _USAGE) or (res.returncode != _OK and not xml and not res.timed_out):
        rep.errors = max(rep.errors, 1)
        rep.failures.append(("<pytest>", f"pytest exited with code {res.returncode}: {out[-2000:]}"))
    if res.timed_out:
        rep.failures.append(("<pytest>", "timed out (the run was killed)"))
    if res.oom:
        rep.failures.append(("<pytest>", "ran out of memory"))
    if res.returncode == _TESTS_FAILED and rep.failed == 0 and rep.errors == 0:
        rep.failed = 1  # the exit code says a test failed even if the XML was lost or rewritten
    return rep


def _parse_junit(xml: bytes, rep: PytestReport) -> None:
    try:
        root = ET.fromstring(xml)
    except ET.ParseError:
        rep.errors += 1
        rep.failures.append(("<junit>", "unreadable junit XML"))
        return
    for case in root.iter("testcase"):
        nodeid = _nodeid(case)
        failure, error, skipped = case.find("failure"), case.find("error"), case.find("skipped")
        if failure is not None:
            rep.failed += 1
            rep.failures.append((nodeid, _message(failure)))
        elif error is not None:
            rep.errors += 1
            msg = _message(error)
            if "collection failure" in (error.get("message") or ""):
                rep.collection_error = True
            rep.failures.append((nodeid, msg))
        elif skipped is not None:
            rep.skipped += 1
        else:
            rep.passed += 1
            rep.passed_ids.append(nodeid)


def _nodeid(case: ET.Element) -> str:
    file, cls, name = case.get("file") or "", case.get("classname") or "", case.get("name") or ""
    if file:
        module = file[:-3].replace("/", ".") if file.endswith(".py") else file
        rest = cls[len(module) + 1 :] if cls.startswith(module + ".") else ""
        parts = [file, *(rest.split(".") if rest else []), name]
        return "::".join(p for p in parts if p)
    return "::".join(p for p in (cls, name) if p)


def _message(el: ET.Element) -> str:
    text = (el.text or "").strip()
    msg = (el.get("message") or "").strip()
    body = text if len(text) > len(msg) else msg
    return body[-3000:]


def syntax_check(files: dict[str, str]) -> list[str]:
    """Compile every .py file on the host (ast + symbol table, nothing executed); one line per error."""
    errors: list[str] = []
    for path, source in sorted(files.items()):
        if not path.endswith(".py"):
            continue
        try:
            tree = ast.parse(source, filename=path)
            compile(tree, path, "exec", dont_inherit=True)
        except SyntaxError as e:
            loc = f"{path}:{e.lineno or 0}:{e.offset or 0}"
            errors.append(f"{loc}: {type(e).__name__}: {e.msg}")
        except (ValueError, RecursionError, MemoryError) as e:
            errors.append(f"{path}: cannot parse: {type(e).__name__}: {e}")
    return errors
