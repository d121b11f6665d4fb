"""Given tests: acceptance tests the user supplies with a build (`--tests DIR`). They are kept in the run
(given_src/) and copied into the workspace under tests/given/ before planning (with --repo: after the baseline test
run, so they are new tests that must pass); no sub-agent may change them, the instruction that finishes the plan
must make them pass (earlier instructions are checked without them: their features may not exist yet), and
acceptance always runs them."""

from __future__ import annotations

import json
from pathlib import Path

from ...errors import UserError
from ...memory.filestore import DiskFileStore
from ...memory.runstore import atomic_write

GIVEN_DIR = "tests/given"
LIST_FILE = "given_tests.json"
SOURCE_DIR = "given_src"
MAX_FILES = 50
MAX_BYTES = 200_000
SHOWN_CHARS = 4000


def read_given_dir(src: str | Path) -> dict[str, str]:
    """The files of a given-tests directory as {relative path: text}; a clear error for anything unusable."""
    root = Path(src)
    if not root.is_dir():
        raise UserError(f"--tests {src}: not a directory")
    files: dict[str, str] = {}
    for p in sorted(root.rglob("*")):
        if not p.is_file() or "__pycache__" in p.parts or p.name.startswith("."):
            continue
        rel = p.relative_to(root).as_posix()
        try:
            text = p.read_text()
        except (UnicodeDecodeError, OSError) as e:
            raise UserError(f"--tests {src}: {rel} is not a readable text file ({type(e).__name__})") from None
        files[rel] = text
    if not any(Path(r).name.startswith("test_") and r.endswith(".py") for r in files):
        raise UserError(f"--tests {src}: no test_*.py file in it")
    if len(files) > MAX_FILES or sum(len(t) for t in files.values()) > MAX_BYTES:
        raise UserError(f"--tests {src}: too large (at most {MAX_FILES} files, {MAX_BYTES // 1000} kB)")
    return files


def stage_given(files: dict[str, str], run_dir: Path) -> None:
    """Keep the given tests in the run until install_pending copies them into the workspace."""
    store = DiskFileStore(run_dir / SOURCE_DIR)
    for rel, text in files.items():
        store.write(rel, text)


def install_pending(run_dir: Path, workspace: DiskFileStore) -> list[str]:
    """Copy the staged given tests into the workspace once (a resumed run finds them there); returns their paths."""
    if (run_dir / LIST_FILE).exists() or not (run_dir / SOURCE_DIR).is_dir():
        return given_paths(run_dir)
    src = DiskFileStore(run_dir / SOURCE_DIR)
    return install_given(src.read_all(), workspace, run_dir)


def install_given(files: dict[str, str], workspace: DiskFileStore, run_dir: Path) -> list[str]:
    """Copy the given tests into the workspace (a package, so their module names never clash with the
    sub-agents' tests) and record their paths in the run; returns the paths."""
    paths = []
    for rel, text in {"__init__.py": "", **files}.items():
        path = f"{GIVEN_DIR}/{rel}"
        workspace.write(path, text)
        paths.append(path)
    atomic_write(run_dir / LIST_FILE, json.dumps(paths))
    return paths


def given_paths(run_dir: Path) -> list[str]:
    """The given tests recorded for a run ([] when it has none)."""
    f = run_dir / LIST_FILE
    return list(json.loads(f.read_text())) if f.exists() else []


def task_note(files: dict[str, str]) -> str:
    """What the planner and every sub-agent read about the given tests (appended to the task)."""
    parts = [f"\n\n## Given tests (read-only)\nThe user supplied these tests in {GIVEN_DIR}/. They cannot be "
             "changed; the finished code must make them pass (import the modules they import).\n"]
    room = SHOWN_CHARS
    for rel, text in files.items():
        shown = text if len(text) <= room else text[: max(0, room)] + "\n# ...(rest not shown)\n"
        room -= len(shown)
        parts.append(f"\n{GIVEN_DIR}/{rel}:\n```python\n{shown.rstrip()}\n```\n")
    return "".join(parts)
