"""Drafts: what a failed instruction wrote. A failed instruction is rolled back (the workspace never sees its
files), but its files are kept in runs/<id>/drafts/<instruction>/ with the reason it failed, and a later
instruction that owns one of those files (a re-plan's repair) is shown the draft to start from instead of
starting from nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ...memory.filestore import DiskFileStore
from ...memory.runstore import atomic_write

DRAFTS_DIR = "drafts"
META = "_draft.json"


@dataclass
class Draft:
    path: str
    instruction: str
    why: str  # the reason it failed and the last check feedback
    text: str


def save_draft(run_dir: Path, iid: str, scratch: DiskFileStore, base: dict[str, str], why: str) -> list[str]:
    """Keep the files the failed instruction changed (vs its starting manifest `base`); returns their paths."""
    now = scratch.manifest()
    changed = [p for p in now if base.get(p) != now[p]]
    if not changed:
        return []
    store = DiskFileStore(run_dir / DRAFTS_DIR / iid)
    for p in changed:
        store.write(p, scratch.read(p))
    seq = len(list((run_dir / DRAFTS_DIR).glob(f"*/{META}")))
    atomic_write(run_dir / DRAFTS_DIR / iid / META, json.dumps({"seq": seq, "why": why, "files": changed}))
    return changed


def latest_drafts(run_dir: Path, exclude: str = "") -> dict[str, Draft]:
    """Each drafted path -> its latest draft (in the order the instructions failed), leaving out `exclude`'s."""
    metas = []
    for f in (run_dir / DRAFTS_DIR).glob(f"*/{META}"):
        if f.parent.name != exclude:
            metas.append((json.loads(f.read_text()), f.parent))
    latest: dict[str, Draft] = {}
    for meta, d in sorted(metas, key=lambda m: m[0]["seq"]):
        for p in meta["files"]:
            if (d / p).is_file():
                latest[p] = Draft(p, d.name, meta["why"], (d / p).read_text())
    return latest


def drafts_for(run_dir: Path, files: list[str], exclude: str = "") -> list[Draft]:
    """The latest draft of each of `files` from failed instructions (other than `exclude`)."""
    latest = latest_drafts(run_dir, exclude)
    return [latest[p] for p in files if p in latest]
