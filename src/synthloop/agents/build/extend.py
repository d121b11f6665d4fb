"""Extend an existing repository: copy it in, record the baseline of its own tests (in the sandbox), check every
change against that baseline, show the sub-agent a repository map, and offer the result as a unified diff
(and, with --in-place, apply it to the user's tree after the run's tests pass)."""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import shutil
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ...errors import UserError
from ...memory.filestore import IGNORED_DIRS, DiskFileStore
from ...memory.runstore import atomic_write
from .checks import MAX_FAILURES_SHOWN, CheckReport, is_test_file, lint_feedback, python_files

MAX_REPO_BYTES = 100_000_000
MAX_REPO_FILES = 20_000
PASSED, FAILED, ERROR, SKIPPED = "passed", "failed", "error", "skipped"


class ConflictError(UserError):
    """The user's tree changed since it was copied in; applying the run's changes would overwrite that work."""


# -- copy-in ----------------------------------------------------------------------------------------------
def _ignore(runs_root: Path):
    skip = set(IGNORED_DIRS) | {"node_modules", ".tox", ".eggs"}

    def ignore(dirpath: str, names: list[str]) -> list[str]:
        out = [n for n in names if n in skip or n.endswith(".egg-info")]
        for n in names:  # never copy the runs directory (it often lives inside the repository)
            try:
                if Path(dirpath, n).resolve() == runs_root:
                    out.append(n)
            except OSError:
                continue
        return out
    return ignore


def copy_repo(repo: str | Path, dest: Path, run_dir: Path) -> dict[str, int]:
    """Copy the repository at `repo` to `dest` (VCS data, caches, virtualenvs and the runs directory left out).
    Returns {"files", "bytes"}; UserError for a missing or oversized repository."""
    src = Path(repo).resolve()
    if not src.is_dir():
        raise UserError(f"--repo {repo}: not a directory")
    runs_root = run_dir.resolve().parent
    if src == run_dir.resolve() or run_dir.resolve() in src.parents:
        raise UserError(f"--repo {repo}: is inside the run directory")
    ignore = _ignore(runs_root)
    n_files = n_bytes = 0
    for dirpath, dirnames, filenames in os.walk(src):
        skipped = set(ignore(dirpath, dirnames + filenames))
        dirnames[:] = [d for d in dirnames if d not in skipped and not os.path.islink(os.path.join(dirpath, d))]
        for f in filenames:
            full = os.path.join(dirpath, f)
            if f in skipped or os.path.islink(full):
                continue
            n_files += 1
            n_bytes += os.path.getsize(full)
        if n_files > MAX_REPO_FILES or n_bytes > MAX_REPO_BYTES:
            raise UserError(f"--repo {repo}: over {MAX_REPO_FILES} files or {MAX_REPO_BYTES // 1_000_000} MB "
                            "(without .git, caches and virtualenvs); point at a smaller tree")
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(src, dest, symlinks=True, ignore=ignore)
    _open_up(dest)
    return {"files": n_files, "bytes": n_bytes}


def _open_up(root: Path) -> None:
    """Make the copy readable by the sandbox user (directories 755, files at least 644)."""
    for dirpath, _dirnames, filenames in os.walk(root):
        os.chmod(dirpath, 0o755)
        for f in filenames:
            p = os.path.join(dirpath, f)
            if not os.path.islink(p):
                os.chmod(p, os.stat(p).st_mode | 0o644)


def sandbox_env(root: Path) -> dict[str, str]:
    """PYTHONPATH for a src-layout repository (the sandbox mounts the tree at /work)."""
    src = root / "src"
    if src.is_dir() and any((c / "__init__.py").is_file() or c.suffix == ".py" for c in src.iterdir()):
        return {"PYTHONPATH": "/work/src:/work"}
    return {}


# -- test runs with per-test outcomes ---------------------------------------------------------------------
@dataclass
class TestOutcomes:
    """One pytest run: outcome per test id (passed | failed | error | skipped) plus whole-run flags."""

    outcomes: dict[str, str] = field(default_factory=dict)
    messages: dict[str, str] = field(default_factory=dict)
    timed_out: bool = False
    no_tests: bool = False
    returncode: int = 0
    output_tail: str = ""
    duration_s: float = 0.0

    def count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes.values() if o == outcome)

    def brief(self) -> dict[str, int]:
        return {k: self.count(k) for k in (PASSED, FAILED, ERROR, SKIPPED)}


def _nodeid(case: ET.Element) -> str:
    file, cls, name = case.get("file") or "", case.get("classname") or "", case.get("name") or ""
    if file:
        module = file[:-3].replace("/", ".") if file.endswith(".py") else file
        rest = cls[len(module) + 1:] if cls.startswith(module + ".") else ""
        return "::".join(p for p in [file, *(rest.split(".") if rest else []), name] if p)
    return "::".join(p for p in (cls.replace(".", "/") + ".py" if cls else "", name) if p)


def run_tests(sandbox: Any, root: Path, *, timeout_s: float, target: str = ".",
              ignore: Sequence[str] = ()) -> TestOutcomes:
    """pytest over `root` in the sandbox (collection errors do not stop the run); outcomes from its junit XML."""
    from ...tools.sandbox import Limits
    from ...tools.workdir import read_file, remove_file

    xml_rel = f".synthloop-junit-{uuid.uuid4().hex[:12]}.xml"
    argv = ["python", "-m", "pytest", target, "-q", "--color=no", "-p", "no:cacheprovider", "-o", "addopts=",
            "-o", "junit_family=xunit1", "--continue-on-collection-errors", f"--junitxml={xml_rel}",
            "--rootdir=/work", *(f"--ignore={rel}" for rel in ignore)]
    try:
        res = sandbox.run(argv, workdir=root, limits=Limits(timeout_s=timeout_s), env=sandbox_env(root) or None)
        try:
            xml = read_file(root, xml_rel)
        except (FileNotFoundError, ValueError):
            xml = b""
    finally:
        remove_file(root, xml_rel)
    out = TestOutcomes(timed_out=res.timed_out, returncode=res.returncode, duration_s=res.duration_s,
                       output_tail=(res.stdout + "\n" + res.stderr).strip()[-3000:], no_tests=res.returncode == 5)
    if xml:
        try:
            tree = ET.fromstring(xml)
        except ET.ParseError:
            tree = None
        for case in tree.iter("testcase") if tree is not None else []:
            nid = _nodeid(case)
            failure, error, skipped = case.find("failure"), case.find("error"), case.find("skipped")
            el = failure if failure is not None else error
            out.outcomes[nid] = (FAILED if failure is not None else ERROR if error is not None
                                 else SKIPPED if skipped is not None else PASSED)
            if el is not None:
                text, msg = (el.text or "").strip(), (el.get("message") or "").strip()
                out.messages[nid] = (text if len(text) > len(msg) else msg)[-1500:]
    if res.returncode not in (0, 1, 5) and not out.outcomes and not res.timed_out:
        out.outcomes["<pytest>"] = ERROR
        out.messages["<pytest>"] = f"pytest exited with code {res.returncode}: {out.output_tail[-1500:]}"
    return out


# -- the regression check ---------------------------------------------------------------------------------
@dataclass
class RegressionReport(CheckReport):
    """CheckReport judged against the baseline: a test that passed at baseline and no longer passes (or is gone)
    is a regression; a failing test that did not fail at baseline is a new failure; tests that already failed at
    baseline are tolerated. At least one test must pass (add tests to a repository without any)."""

    regressions: list[list[str]] = field(default_factory=list)  # [nodeid, "passed → failed", message]
    new_failures: list[list[str]] = field(default_factory=list)  # [nodeid, message]
    preexisting_failures: int = 0

    @property
    def ok(self) -> bool:
        return (not self.syntax_errors and not self.install_error and self.ran_tests and not self.timed_out
                and not self.regressions and not self.new_failures and self.passed > 0 and not self.lint_errors)

    def brief(self) -> dict[str, Any]:
        return super().brief() | {"ok": self.ok, "regressions": len(self.regressions),
                                  "new_failures": len(self.new_failures),
                                  "preexisting_failures": self.preexisting_failures}

    def feedback(self, limit_chars: int = 4000) -> str:
        parts: list[str] = []
        if self.syntax_errors:
            parts.append("Syntax errors:\n" + "\n".join(self.syntax_errors[:MAX_FAILURES_SHOWN]))
        if self.ran_tests:
            parts.append(f"pytest: {self.passed} passed, {self.failed} failed, {self.errors} errors "
                         f"({self.preexisting_failures} of the failures already failed before your change: "
                         "not your concern)")
            if self.timed_out:
                parts.append("The test run TIMED OUT; a timeout counts as a failure.")
            if self.passed == 0 and not self.timed_out:
                parts.append("No test passes. Add pytest tests (tests/test_*.py) for the change.")
        for nid, change, msg in self.regressions[:MAX_FAILURES_SHOWN]:
            parts.append(f"REGRESSION {nid} ({change}): this test passed before your change\n{msg.strip()[:800]}")
        for nid, msg in self.new_failures[:MAX_FAILURES_SHOWN]:
            parts.append(f"FAILED {nid}\n{msg.strip()[:800]}")
        if self.lint_errors:
            parts.append(lint_feedback(self.lint_errors))
        if self.timed_out and self.output_tail:
            parts.append("Output (end):\n" + self.output_tail[-1500:])
        text = "\n\n".join(parts)
        return text if len(text) <= limit_chars else text[: limit_chars - 20] + "\n...(truncated)"


def compare(baseline: TestOutcomes, now: TestOutcomes) -> tuple[list[list[str]], list[list[str]], int]:
    """(regressions, new failures, pre-existing failures still failing) of `now` against `baseline`."""
    regressions, new_failures, pre = [], [], 0
    for nid, was in sorted(baseline.outcomes.items()):
        if was != PASSED:
            continue
        cur = now.outcomes.get(nid)
        if cur != PASSED:
            msg = now.messages.get(nid, "" if cur else "the test no longer exists (deleted or renamed)")
            regressions.append([nid, f"passed → {cur or 'missing'}", msg])
    for nid, cur in sorted(now.outcomes.items()):
        if cur in (FAILED, ERROR):
            if baseline.outcomes.get(nid) in (FAILED, ERROR):
                pre += 1
            elif baseline.outcomes.get(nid) != PASSED:
                new_failures.append([nid, now.messages.get(nid, "")])
    return regressions, new_failures, pre


def regression_check(store: DiskFileStore, sandbox: Any, baseline: TestOutcomes, *, timeout_s: float,
                     ignore: Sequence[str] = ()) -> RegressionReport:
    """Syntax check, then the whole suite in the sandbox, judged against the baseline."""
    from ...tools.code_tools import syntax_check

    rep = RegressionReport(syntax_errors=list(syntax_check(python_files(store))))
    if rep.syntax_errors:
        return rep
    now = run_tests(sandbox, store.root, timeout_s=timeout_s, ignore=ignore)
    rep.ran_tests = True
    rep.passed, rep.failed, rep.errors = now.count(PASSED), now.count(FAILED), now.count(ERROR)
    rep.no_tests, rep.timed_out = now.no_tests, now.timed_out
    rep.regressions, rep.new_failures, rep.preexisting_failures = compare(baseline, now)
    rep.failures = [[r[0], r[2]] for r in rep.regressions] + rep.new_failures
    rep.output_tail = now.output_tail
    return rep


# -- diff and in-place apply ------------------------------------------------------------------------------
def _text_or_none(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return None


def _diff_lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


def changed_paths(original: DiskFileStore, current: DiskFileStore) -> tuple[list[str], list[str], list[str]]:
    """(added, modified, deleted) paths of `current` relative to `original`."""
    a, b = original.manifest(), current.manifest()
    added = sorted(p for p in b if p not in a)
    modified = sorted(p for p in b if p in a and a[p] != b[p])
    deleted = sorted(p for p in a if p not in b)
    return added, modified, deleted


def unified_patch(original: DiskFileStore, current: DiskFileStore) -> str:
    """A unified diff (git-style a/ b/ paths, applies with `git apply` or `patch -p1`) of every change."""
    added, modified, deleted = changed_paths(original, current)
    chunks: list[str] = []
    for p in sorted(added + modified + deleted):
        old = _text_or_none(original.root / p) if p not in added else ""
        new = _text_or_none(current.root / p) if p not in deleted else ""
        if old is None or new is None:
            chunks.append(f"diff --git a/{p} b/{p}\nBinary files a/{p} and b/{p} differ\n")
            continue
        head = f"diff --git a/{p} b/{p}\n"
        if p in added:
            head += "new file mode 100644\n"
        elif p in deleted:
            head += "deleted file mode 100644\n"
        body = "".join(difflib.unified_diff(_diff_lines(old), _diff_lines(new),
                                            "/dev/null" if p in added else f"a/{p}",
                                            "/dev/null" if p in deleted else f"b/{p}"))
        chunks.append(head + body)
    return "".join(chunks)


def _sha(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() and not path.is_symlink() else None


def apply_in_place(repo: str | Path, original: DiskFileStore, current: DiskFileStore) -> list[str]:
    """Write the run's changes into the user's tree. Refuses (ConflictError, nothing written) when any file the
    run changed was changed in the user's tree since the copy was made."""
    root = Path(repo).resolve()
    added, modified, deleted = changed_paths(original, current)
    base = original.manifest()
    conflicts = [p for p in added if (root / p).exists()]
    conflicts += [p for p in modified + deleted if _sha(root / p) != base[p]]
    if conflicts:
        raise ConflictError("not applied in place: changed in your tree since the run copied it: "
                            + ", ".join(sorted(conflicts)[:10]) + "; use the patch file instead")
    for p in added + modified:
        dest = root / p
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:8]}.tmp")
        shutil.copyfile(current.root / p, tmp)
        if dest.exists():
            shutil.copymode(dest, tmp)
        os.replace(tmp, dest)
    for p in deleted:
        (root / p).unlink()
    return sorted(added + modified + deleted)


# -- the session: everything extend mode adds to a build run ----------------------------------------------
@dataclass
class ExtendSession:
    """Files of extend mode in the run directory: original/ (the pristine copy), baseline.json, repo.json, and
    at the end changes.patch. Idempotent: a resumed run reuses the copy and the baseline."""

    run_dir: Path
    repo: str
    in_place: bool = False

    @property
    def original_dir(self) -> Path:
        return self.run_dir / "original"

    @property
    def baseline_path(self) -> Path:
        return self.run_dir / "baseline.json"

    @property
    def patch_path(self) -> Path:
        return self.run_dir / "changes.patch"

    def save(self) -> None:
        atomic_write(self.run_dir / "repo.json", json.dumps({"repo": self.repo, "in_place": self.in_place}))

    @classmethod
    def load(cls, run_dir: Path) -> ExtendSession | None:
        p = run_dir / "repo.json"
        if not p.exists():
            return None
        data = json.loads(p.read_text())
        return cls(run_dir, data["repo"], bool(data.get("in_place")))

    def prepare(self, workspace: DiskFileStore, sandbox: Any, *, timeout_s: float,
                emit: Any = lambda kind, **d: None) -> TestOutcomes:
        """Copy the repository into original/ and the workspace, then record the baseline test run."""
        if self.baseline_path.exists():
            return self.baseline()
        self.save()
        stats = copy_repo(self.repo, self.original_dir, self.run_dir)
        DiskFileStore(self.original_dir).clone_to(workspace.root)  # also redoes a copy cut short by a kill
        _open_up(workspace.root)
        emit("repo_copied", repo=str(Path(self.repo).resolve()), **stats)
        from .checks import lint

        atomic_write(self.run_dir / "baseline_lint.json", json.dumps(lint(workspace.root)))
        base = run_tests(sandbox, workspace.root, timeout_s=timeout_s)
        if base.timed_out:
            raise UserError(f"the repository's own tests timed out at baseline ({timeout_s:.0f} s): raise "
                            "build.test_timeout_s (--set build.test_timeout_s=...)")
        atomic_write(self.baseline_path, json.dumps(asdict(base), indent=2))
        emit("baseline", **base.brief(), no_tests=base.no_tests, duration_s=round(base.duration_s, 2))
        return base

    def baseline_test_files(self) -> list[str]:
        """The repository's test files with a test that passed at baseline."""
        if not self.baseline_path.exists():
            return []
        return sorted({nid.split("::", 1)[0] for nid, o in self.baseline().outcomes.items() if o == PASSED})

    def baseline_lint_errors(self) -> int:
        """Serious ruff errors the repository had before the run (the run is only asked not to add any)."""
        p = self.run_dir / "baseline_lint.json"
        return int(json.loads(p.read_text()).get("serious") or 0) if p.exists() else 0

    def baseline(self) -> TestOutcomes:
        return TestOutcomes(**json.loads(self.baseline_path.read_text()))

    def check(self, store: DiskFileStore, sandbox: Any, *, timeout_s: float,
              ignore: Sequence[str] = ()) -> RegressionReport:
        return regression_check(store, sandbox, self.baseline(), timeout_s=timeout_s, ignore=ignore)

    def repo_map_text(self, store: DiskFileStore, query: str, max_chars: int, focus: list[str] | None = None) -> str:
        from ...memory.repomap import build_repo_map

        return build_repo_map(store.root).render(max_chars, query=query, focus=focus)

    def relevant(self, store: DiskFileStore, query: str, k: int = 4) -> list[str]:
        from ...memory.repomap import build_repo_map

        return build_repo_map(store.root).relevant(query, k)

    def finish(self, workspace: DiskFileStore, tests_ok: bool) -> dict[str, Any]:
        """Write changes.patch; apply in place when asked and the final tests pass. Returns what happened."""
        original = DiskFileStore(self.original_dir)
        patch = unified_patch(original, workspace)
        atomic_write(self.patch_path, patch)
        added, modified, deleted = changed_paths(original, workspace)
        out: dict[str, Any] = {"patch": str(self.patch_path), "added": added, "modified": modified,
                               "deleted": deleted, "applied": False}
        if self.in_place:
            if not tests_ok:
                out["not_applied"] = "the run's tests did not pass; nothing was written to your tree"
            elif added or modified or deleted:
                out["applied_files"] = apply_in_place(self.repo, original, workspace)
                out["applied"] = True
        return out


# -- hooks the control unit calls in extend mode (env: agents.build.env.BuildEnv) ------------------------
def map_chars(model: Any) -> int:
    """How much of the prompt the repository map may take: about a sixth of the context window."""
    ctx = int(getattr(model, "context_size", 8192) or 8192)
    return max(1500, min(8000, ctx * 4 // 6))


def plan_messages(env: Any) -> list[dict[str, str]]:
    from . import prompts

    text = env.extend.repo_map_text(env.workspace, env.task(), map_chars(env.model))
    return [{"role": "user", "content": prompts.render("repo_plan", max_instructions=env.cfg.build.max_instructions,
                                                       task=env.task(), repo_map=text)}]


def brief_context(env: Any, it: Any, scratch: DiskFileStore) -> tuple[str, list[str]]:
    """The sub-agent's task text (the request, how to change an existing repository, the repository map focused
    on the instruction) and the files worth showing up front (declared ones, then the map's most relevant)."""
    from ...memory.repomap import build_repo_map
    from . import prompts

    rmap = build_repo_map(scratch.root)
    query = it.text + " " + " ".join(it.files)
    how = prompts.render("repo_how_files" if env.protocol == "files" else "repo_how_tools").strip()
    text = prompts.render("repo_task", task=env.task(), how=how, repo_map=rmap.render(map_chars(env.model), query=query,
                                                                              focus=list(it.files)))
    writes_tests = any(is_test_file(p) for p in it.files)  # then other test files are left to the map (and READ):
    relevant = [p for p in it.files if p in rmap.files] + [  # shown whole, small models copy them as the new tests
        p for p in rmap.relevant(query, 3) if p not in it.files and not (writes_tests and is_test_file(p))]
    return text.strip(), relevant
