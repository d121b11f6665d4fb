"""The best effort of a run that did not finish: the workspace plus the last drafts of its failed instructions.

A failed instruction is rolled back, so a run whose first instruction never passed ends with an empty workspace
even when its drafts hold most of a working module (seen with the 1.5B model on the design tasks). The workspace
stays what passed its checks; next to it, runs/<id>/best_effort/ holds the workspace with each failed instruction's
last draft of the files the workspace lacks (work that passed is never overwritten), checked like the workspace and
reported as such, clearly apart from the result that passed."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from ...memory.filestore import DiskFileStore
from .checks import lines_of_code
from .drafts import latest_drafts
from .env import BuildEnv

BEST_EFFORT_DIR = "best_effort"


def assemble(env: BuildEnv) -> dict[str, Any] | None:
    """Write runs/<id>/best_effort/ and check it; None when the workspace already holds every drafted file."""
    dest = env.run.path / BEST_EFFORT_DIR
    shutil.rmtree(dest, ignore_errors=True)  # idempotent: a resumed finalize rebuilds it from the same inputs
    drafts = {p: d.text for p, d in latest_drafts(env.run.path).items() if not env.workspace.exists(p)}
    if not drafts:
        return None
    store = env.workspace.clone_to(dest)
    for p, text in sorted(drafts.items()):
        store.write(p, text)
    copy = store.clone_to(env.scratch("_best_effort"))  # tests may write files: check a copy
    rep = env.check(copy)
    shutil.rmtree(copy.root, ignore_errors=True)
    return {"path": str(dest), "from_drafts": sorted(drafts), "tests_passed": rep.passed,
            "tests_failed": rep.failed + rep.errors, "tests_ok": rep.ok, "loc": lines_of_code(store)}


def best_effort_store(run_dir: Path) -> DiskFileStore | None:
    d = run_dir / BEST_EFFORT_DIR
    return DiskFileStore(d) if d.is_dir() else None
