"""A search killed with SIGKILL resumes from its checkpoint and archive without redoing finished designs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from scripted_meta import split_file

from synthloop.config import load_config, to_toml
from synthloop.memory.runstore import RunStore
from synthloop.meta_search.archive import Archive
from synthloop.meta_search.search import SearchParams, run_search

CHILD = Path(__file__).resolve().parent / "search_child.py"


def _archived_ids(path: Path) -> list[str]:
    if not path.exists():
        return []
    ids = []
    for line in path.read_text().splitlines():
        try:
            d = json.loads(line)
        except json.JSONDecodeError:
            continue
        if d.get("type") == "design":
            ids.append(d["id"])
    return ids


def _sandboxes_of(run_path: Path) -> list[int]:
    pids = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if str(run_path).encode() in (p / "cmdline").read_bytes():
                    pids.append(int(p.name))
            except OSError:
                continue
    return pids


def test_killed_search_resumes(reachable_dir, sandbox):
    import scripted_meta

    tmp = reachable_dir()
    cfg = load_config(None, {"runs_dir": str(tmp / "runs"), "meta.debug_tries": 1, "meta.reflections": 1,
                             "meta.generations": 3, "meta.bootstrap_samples": 200})
    params = SearchParams(domain="arc", domain_options={"split_file": split_file(tmp / "split.json")},
                          generations=3, workers=2, timeout_s=2.0, max_calls_per_item=10, seeds=["cot"])
    run = RunStore(cfg.runs_dir).create("meta-search", to_toml(cfg), params=params.to_json())
    archive_path = run.path / "archive.jsonl"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen([sys.executable, str(CHILD), cfg.runs_dir, run.id], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 90
        while "g1" not in _archived_ids(archive_path):
            assert child.poll() is None, child.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline, "the search did not archive generation 1 in time"
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
        child.stderr.close()
    before = _archived_ids(archive_path)
    assert before[:2] == ["seed-cot", "g1"] and "g3" not in before
    gone_by = time.monotonic() + 10  # the kernel takes a moment to end them on a loaded machine; they must not stay
    while _sandboxes_of(run.path) and time.monotonic() < gone_by:
        time.sleep(0.1)
    assert _sandboxes_of(run.path) == [], "sandboxed designs outlived the killed search"

    run = RunStore(cfg.runs_dir).open(run.id)
    assert run.info.status == "running"  # killed: never marked finished
    run.reopen()
    resumed_cfg = load_config(run.path / "config.toml")
    model = scripted_meta.scripted_model(run=run, role="design")
    result = run_search(run, resumed_cfg, model=model, meta_model=model.with_role("meta"), sandbox=sandbox)

    ids = _archived_ids(archive_path)
    assert ids == ["seed-cot", "g1", "g1.d1", "g2", "g2.d1", "g3"]  # nothing archived twice
    assert result["chosen"]["id"] == "g3"
    assert RunStore(cfg.runs_dir).open(run.id).info.status == "done"
    evaluated = [e["design"] for e in run.events() if e["kind"] == "design_evaluated"]
    assert evaluated.count("seed-cot") == 1 and evaluated.count("g1") == 1  # finished work is not redone
    assert Archive(archive_path).lineage().has_edge("g1", "g1.d1")
