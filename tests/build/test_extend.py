"""Extend mode's parts with a real bwrap sandbox and real pytest runs: copy-in, baseline, regression check, the
unified diff (applied with `git apply`), and the guarded in-place apply."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from synthloop.agents.build.extend import (
    ConflictError,
    ExtendSession,
    apply_in_place,
    changed_paths,
    copy_repo,
    regression_check,
    run_tests,
    unified_patch,
)
from synthloop.errors import UserError
from synthloop.memory.filestore import DiskFileStore

LIB = "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n"
TESTS = ("from mylib.core import add, sub\n\n\ndef test_add():\n    assert add(2, 3) == 5\n\n\n"
         "def test_sub():\n    assert sub(5, 3) == 2\n\n\ndef test_known_bug():\n    assert sub(1, 1) == 1\n")


def make_repo(root):
    """A src-layout repository with two passing tests and one failing at baseline."""
    (root / "src" / "mylib").mkdir(parents=True)
    (root / "src" / "mylib" / "__init__.py").write_text("")
    (root / "src" / "mylib" / "core.py").write_text(LIB)
    (root / "tests").mkdir()
    (root / "tests" / "test_core.py").write_text(TESTS)
    (root / "README.md").write_text("mylib\nno newline at the end")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / "src" / "mylib" / "__pycache__").mkdir()
    (root / "src" / "mylib" / "__pycache__" / "core.cpython-311.pyc").write_bytes(b"\x00junk")
    return root


def test_copy_repo_skips_vcs_caches_and_the_runs_dir(open_tmp):
    repo = make_repo(open_tmp / "repo")
    run_dir = repo / "runs" / "r1"
    run_dir.mkdir(parents=True)
    (repo / "runs" / "older").mkdir()
    (repo / "runs" / "older" / "big.txt").write_text("x")
    stats = copy_repo(repo, run_dir / "original", run_dir)
    files = DiskFileStore(run_dir / "original").list()
    assert files == ["README.md", "src/mylib/__init__.py", "src/mylib/core.py", "tests/test_core.py"]
    assert stats["files"] == 4
    assert not (run_dir / "original" / ".git").exists() and not (run_dir / "original" / "runs").exists()
    with pytest.raises(UserError, match="not a directory"):
        copy_repo(open_tmp / "missing", run_dir / "x", run_dir)


def test_baseline_and_regression_check(open_tmp, sandbox):
    repo = make_repo(open_tmp / "repo")
    base = run_tests(sandbox, repo, timeout_s=30)
    assert base.outcomes == {"tests/test_core.py::test_add": "passed", "tests/test_core.py::test_sub": "passed",
                             "tests/test_core.py::test_known_bug": "failed"}
    store = DiskFileStore(repo)

    # an added, passing test and the pre-existing failure: fine
    store.write("tests/test_mul.py", "from mylib.core import add\n\n\ndef test_double():\n    assert add(2, 2) == 4\n")
    rep = regression_check(store, sandbox, base, timeout_s=30)
    assert rep.ok and rep.passed == 3 and rep.preexisting_failures == 1 and not rep.regressions

    # breaking sub() is a regression, and a new failing test is a new failure
    store.write("src/mylib/core.py", LIB.replace("a - b", "a - b - 100"))
    store.write("tests/test_new.py", "def test_new():\n    assert 1 == 2\n")
    rep = regression_check(store, sandbox, base, timeout_s=30)
    assert not rep.ok
    assert [r[0] for r in rep.regressions] == ["tests/test_core.py::test_sub"]
    assert rep.regressions[0][1] == "passed → failed"
    assert [f[0] for f in rep.new_failures] == ["tests/test_new.py::test_new"]
    text = rep.feedback()
    assert "REGRESSION tests/test_core.py::test_sub" in text and "FAILED tests/test_new.py::test_new" in text
    assert "1 of the failures already failed before your change" in text

    # deleting a test that passed at baseline is a regression too
    store.write("src/mylib/core.py", LIB)
    store.delete("tests/test_new.py")
    store.write("tests/test_core.py", TESTS.split("def test_sub")[0])
    rep = regression_check(store, sandbox, base, timeout_s=30)
    assert not rep.ok and rep.regressions[0][:2] == ["tests/test_core.py::test_sub", "passed → missing"]

    # a syntax error stops before the tests
    store.write("src/mylib/core.py", "def add(:\n")
    rep = regression_check(store, sandbox, base, timeout_s=30)
    assert not rep.ok and rep.syntax_errors and not rep.ran_tests


def test_a_repository_without_tests_needs_one_passing_test(open_tmp, sandbox):
    repo = open_tmp / "bare"
    repo.mkdir()
    (repo / "m.py").write_text("X = 1\n")
    base = run_tests(sandbox, repo, timeout_s=30)
    assert base.no_tests and base.outcomes == {}
    store = DiskFileStore(repo)
    rep = regression_check(store, sandbox, base, timeout_s=30)
    assert not rep.ok and "No test passes" in rep.feedback()
    store.write("test_m.py", "from m import X\n\n\ndef test_x():\n    assert X == 1\n")
    assert regression_check(store, sandbox, base, timeout_s=30).ok


def test_patch_applies_with_git_apply_and_in_place_is_guarded(open_tmp):
    repo = make_repo(open_tmp / "repo")
    original = DiskFileStore(open_tmp / "orig")
    copy_repo(repo, original.root, open_tmp / "runs" / "r")
    work = original.clone_to(open_tmp / "work")
    work.write("src/mylib/core.py", LIB + "\n\ndef mul(a, b):\n    return a * b\n")
    work.write("tests/test_mul.py", "def test_mul():\n    pass\n")
    work.write("README.md", "mylib\nnow ends with a newline\n")
    work.delete("src/mylib/__init__.py")
    assert changed_paths(original, work) == (["tests/test_mul.py"], ["README.md", "src/mylib/core.py"],
                                             ["src/mylib/__init__.py"])
    patch = unified_patch(original, work)
    assert "--- a/src/mylib/core.py\n+++ b/src/mylib/core.py" in patch and "+def mul(a, b):" in patch
    assert "\\ No newline at end of file" in patch and "--- /dev/null\n+++ b/tests/test_mul.py" in patch

    target = original.clone_to(open_tmp / "target")
    proc = subprocess.run(["git", "apply", "-"], input=patch, text=True, cwd=target.root, capture_output=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert target.manifest() == work.manifest()

    # in place: refused when the user changed a file the run also changed; nothing is written
    (repo / "src" / "mylib" / "core.py").write_text(LIB + "# user edit\n")
    with pytest.raises(ConflictError, match="src/mylib/core.py"):
        apply_in_place(repo, original, work)
    assert not (repo / "tests" / "test_mul.py").exists()
    (repo / "src" / "mylib" / "core.py").write_text(LIB)
    applied = apply_in_place(repo, original, work)
    assert applied == ["README.md", "src/mylib/__init__.py", "src/mylib/core.py", "tests/test_mul.py"]
    assert (repo / "src" / "mylib" / "core.py").read_text() == work.read("src/mylib/core.py")
    assert not (repo / "src" / "mylib" / "__init__.py").exists() and (repo / ".git" / "HEAD").exists()


def test_session_prepare_finish_and_in_place_only_when_tests_pass(open_tmp, sandbox):
    repo = make_repo(open_tmp / "repo")
    run_dir = open_tmp / "runs" / "r1"
    run_dir.mkdir(parents=True)
    events = []
    ses = ExtendSession(run_dir, str(repo), in_place=True)
    ws = DiskFileStore(run_dir / "workspace")
    base = ses.prepare(ws, sandbox, timeout_s=30, emit=lambda kind, **d: events.append((kind, d)))
    assert base.brief() == {"passed": 2, "failed": 1, "error": 0, "skipped": 0}
    assert [k for k, _ in events] == ["repo_copied", "baseline"] and ws.exists("src/mylib/core.py")
    assert ExtendSession.load(run_dir).in_place and ses.prepare(ws, sandbox, timeout_s=30).outcomes == base.outcomes
    assert "src/mylib/core.py" in ses.relevant(ws, "change the sub function in core")
    assert "def sub(a, b)" in ses.repo_map_text(ws, "sub", 2000)

    ws.write("src/mylib/core.py", LIB + "\n\ndef neg(a):\n    return -a\n")
    res = ses.finish(ws, tests_ok=False)
    assert res["modified"] == ["src/mylib/core.py"] and not res["applied"] and "not_applied" in res
    assert (repo / "src" / "mylib" / "core.py").read_text() == LIB
    assert "+def neg(a):" in (run_dir / "changes.patch").read_text()
    res = ses.finish(ws, tests_ok=True)
    assert res["applied"] and "def neg" in (repo / "src" / "mylib" / "core.py").read_text()
    shutil.rmtree(run_dir)


# -- end to end through the control unit (scripted model, real sandbox) -----------------------------------
def _extend_scripts():
    from build_director import call, plan_reply

    plan = plan_reply([{"id": "mul", "instruction": "Add mul(a, b) to src/mylib/core.py with tests",
                        "files": ["src/mylib/core.py", "tests/test_mul.py"]}])

    def first(messages):
        brief = messages[1]["content"]
        assert "You are changing an existing repository" in brief and "Repository map" in brief
        assert "def sub(a, b)" in brief  # the relevant file is shown up front
        return call("read_file", path="src/mylib/core.py")

    def fix(messages):
        feedback = messages[-1]["content"]
        assert "REGRESSION tests/test_core.py::test_sub" in feedback
        return call("patch_file", path="src/mylib/core.py", edits=[{"search": "return b - a", "replace": "return a - b"}])

    script = [first,
              call("patch_file", path="src/mylib/core.py", edits=[
                  {"search": "    return a - b\n", "replace": "    return b - a\n\n\ndef mul(a, b):\n    return a * b\n"}]),
              call("write_file", path="tests/test_mul.py",
                   content="from mylib.core import mul\n\n\ndef test_mul():\n    assert mul(3, 4) == 12\n"),
              call("mark_complete", summary="first try"),
              fix,
              call("mark_complete", summary="mylib.core.mul(a, b) multiplies")]
    return plan, script


@pytest.mark.parametrize("in_place", [False, True])
def test_extend_run_end_to_end(cfg, new_run, sandbox, open_tmp, in_place):
    from build_director import Director

    from synthloop.agents.build_run import run_build
    from synthloop.agents.scripted import ScriptedModel

    repo = make_repo(open_tmp / "repo")
    before = DiskFileStore(repo).manifest()
    plan, script = _extend_scripts()
    director = Director(plan, {"mul": script})
    run = new_run()
    summary = run_build(cfg, run, "Add a mul function.", model=ScriptedModel(director.replies(), context_size=16000),
                        sandbox=sandbox, repo=repo, in_place=in_place)
    assert all(not s for s in director.scripts.values())
    assert "Repository map" in director.seen["mul"][0][1]["content"]
    ext = summary["extend"]
    assert ext["modified"] == ["src/mylib/core.py"] and ext["added"] == ["tests/test_mul.py"]
    patch = (run.path / "changes.patch").read_text()
    assert "+def mul(a, b):" in patch and "b - a" not in patch
    baseline = json.loads((run.path / "baseline.json").read_text())
    assert baseline["outcomes"]["tests/test_core.py::test_known_bug"] == "failed"
    assert summary["tests_ok"] and summary["tests_passed"] == 3
    kinds = [e["kind"] for e in run.events()]
    assert kinds.index("baseline") < kinds.index("plan")
    if in_place:
        assert ext["applied"] and "def mul" in (repo / "src" / "mylib" / "core.py").read_text()
        assert (repo / "tests" / "test_mul.py").exists()
    else:
        assert not ext["applied"] and DiskFileStore(repo).manifest() == before  # the user's tree is untouched


def test_extend_a_copy_of_this_projects_src_tree(cfg, new_run, sandbox, open_tmp):
    """A real repository of thousands of lines: map, baseline (it has no tests of its own), a small change, diff."""
    from build_director import Director, call, plan_reply

    from synthloop.agents.build_run import run_build
    from synthloop.agents.scripted import ScriptedModel

    src = Path(__file__).resolve().parents[2] / "src"
    if not (src / "synthloop").is_dir():
        pytest.skip("the project's src/ tree is not next to the tests (installed from a wheel)")
    repo = open_tmp / "srccopy"
    shutil.copytree(src, repo, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    plan = plan_reply([{"id": "size", "instruction": "Add DiskFileStore.total_bytes() to the file store, with tests",
                        "files": ["synthloop/memory/filestore.py", "tests/test_total_bytes.py"]}])

    def first(messages):
        brief = messages[1]["content"]
        assert "class DiskFileStore" in brief and "synthloop/memory/filestore.py" in brief
        return call("patch_file", path="synthloop/memory/filestore.py", edits=[{
            "search": "    def manifest(self) -> dict[str, str]:",
            "replace": ("    def total_bytes(self) -> int:\n        \"\"\"Sum of the sizes of all files.\"\"\"\n"
                        "        return sum((self.root / p).stat().st_size for p in self.list())\n\n"
                        "    def manifest(self) -> dict[str, str]:")}])

    test = ("from synthloop.memory.filestore import DiskFileStore\n\n\ndef test_total_bytes(tmp_path):\n"
            "    s = DiskFileStore(tmp_path)\n    s.write('a.txt', 'abc')\n    s.write('d/b.txt', 'xy')\n"
            "    assert s.total_bytes() == 5\n")
    director = Director(plan, {"size": [first, call("write_file", path="tests/test_total_bytes.py", content=test),
                                        call("mark_complete", summary="DiskFileStore.total_bytes()")]})
    run = new_run()
    summary = run_build(cfg, run, "Add a total_bytes method to the file store.",
                        model=ScriptedModel(director.replies(), context_size=32000), sandbox=sandbox, repo=repo)
    baseline = json.loads((run.path / "baseline.json").read_text())
    assert baseline["no_tests"] and baseline["outcomes"] == {}
    assert summary["tests_ok"] and summary["tests_passed"] == 1
    patch = (run.path / "changes.patch").read_text()
    assert patch.count("diff --git") == 2 and "+    def total_bytes(self) -> int:" in patch
    proc = subprocess.run(["git", "apply", "--check", "-"], input=patch, text=True, cwd=repo, capture_output=True)
    assert proc.returncode == 0, proc.stderr


def test_cli_build_run_repo_in_place(open_tmp, sandbox):
    """The real command line in a subprocess (scripted preset): --repo … --in-place changes the repository only
    after the tests pass; option mistakes are one-line errors."""
    import os
    import sys

    from build_director import call, plan_reply

    repo = make_repo(open_tmp / "repo")
    script = open_tmp / "script.json"
    script.write_text(json.dumps([
        plan_reply([{"id": "neg", "instruction": "Add neg(a) to mylib.core with a test",
                     "files": ["src/mylib/core.py", "tests/test_neg.py"]}]),
        call("patch_file", path="src/mylib/core.py", edits=[
            {"search": "    return a - b\n", "replace": "    return a - b\n\n\ndef neg(a):\n    return -a\n"}]),
        call("write_file", path="tests/test_neg.py",
             content="from mylib.core import neg\n\n\ndef test_neg():\n    assert neg(2) == -2\n"),
        call("mark_complete", summary="mylib.core.neg(a)"),
    ]))
    cfg_file = open_tmp / "cfg.toml"
    cfg_file.write_text(f'[model]\npreset = "scripted"\nscript = "{script}"\ncache = false\n[build]\nparallel = 1\n')
    cli = [sys.executable, "-c", "from synthloop.cli import main; main()", "-c", str(cfg_file),
           "--runs-dir", str(open_tmp / "runs")]
    env = {"COLUMNS": "250", "NO_COLOR": "1", "PATH": "/usr/bin:/bin",
           **{k: v for k, v in os.environ.items() if k in ("HOME", "PYTHONPATH")}}
    proc = subprocess.run([*cli, "build", "run", "--repo", str(repo), "--in-place", "Add neg."],
                          capture_output=True, text=True, timeout=180, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 added, 1 modified, 0 deleted" in proc.stdout and "applied to the repository" in proc.stdout
    assert "def neg(a)" in (repo / "src" / "mylib" / "core.py").read_text() and (repo / "tests" / "test_neg.py").exists()

    bad = subprocess.run([*cli, "build", "run", "--in-place", "x"], capture_output=True, text=True, timeout=120, env=env)
    assert bad.returncode != 0 and "--in-place needs --repo PATH" in bad.stderr + bad.stdout
    assert not list((open_tmp / "runs").glob("*")) or len(list((open_tmp / "runs").glob("*-build-*"))) == 1

def test_extend_run_in_the_files_protocol_catches_a_regression(cfg, new_run, sandbox, open_tmp):
    """Whole-file replies on an existing repository: the brief says how (READ, whole files), a rewritten file that
    breaks a test which passed at baseline goes back as a regression, the fix lands in the patch."""
    from build_director import Director, plan_reply

    from synthloop.agents.build_run import run_build
    from synthloop.agents.scripted import ScriptedModel

    cfg = cfg.model_copy(update={"build": cfg.build.model_copy(update={"tool_protocol": "files"})})
    repo = make_repo(open_tmp / "repo")
    plan = plan_reply([{"id": "mul", "instruction": "Add mul(a, b) to src/mylib/core.py with tests",
                        "files": ["src/mylib/core.py", "tests/test_mul.py"]}])
    test = "from mylib.core import mul\n\n\ndef test_mul():\n    assert mul(3, 4) == 12\n"

    def first(messages):
        brief = messages[1]["content"]
        assert "ask for others with `READ path`" in brief and "patch_file" not in brief
        assert "## src/mylib/core.py\n```\n" + LIB in brief  # the file to change is shown whole
        assert "## tests/test_core.py" not in brief and "tests/test_core.py" in brief  # other tests: map only
        lost_sub = "def add(a, b):\n    return a + b\n\n\ndef mul(a, b):\n    return a * b\n"  # sub() dropped
        clobbered = "from mylib import mul\n\n\ndef test_mul():\n    assert mul(2, 2) == 4\n"  # breaks test_core.py
        return (f"FILE: src/mylib/core.py\n```python\n{lost_sub}```\nFILE: tests/test_mul.py\n```python\n{test}```"
                f"\nFILE: tests/test_core.py\n```python\n{clobbered}```")

    def fix(messages):
        assert "REGRESSION" in messages[1]["content"]
        assert "tests/test_core.py is one of the repository's existing tests (read-only)" in \
            "\n".join(m["content"] for m in messages)
        return f"FILE: src/mylib/core.py\n```python\n{LIB}\n\ndef mul(a, b):\n    return a * b\n```"

    director = Director(plan, {"mul": [first, fix]})
    run = new_run()
    summary = run_build(cfg, run, "Add a mul function.", model=ScriptedModel(director.replies(), context_size=16000),
                        sandbox=sandbox, repo=repo)
    assert all(not s for s in director.scripts.values()) and summary["tests_ok"]
    patch = (run.path / "changes.patch").read_text()
    assert "+def mul(a, b):" in patch and "-def sub" not in patch and "test_core.py" not in patch
