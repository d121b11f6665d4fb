"""Run (or continue) a scripted meta search in a separate process: `python search_child.py RUNS_DIR RUN_ID`.
Used by the kill-and-resume test (the parent kills this process with SIGKILL mid-search)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scripted_meta  # noqa: E402

from synthloop.config import load_config  # noqa: E402
from synthloop.memory.runstore import RunStore  # noqa: E402
from synthloop.meta_search.search import run_search  # noqa: E402


def main(runs_dir: str, run_id: str) -> None:
    run = RunStore(runs_dir).open(run_id)
    cfg = load_config(run.path / "config.toml")
    model = scripted_meta.scripted_model(run=run, role="design")
    run_search(run, cfg, model=model, meta_model=model.with_role("meta"))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
