"""`meta test`: evaluate the design chosen on VALIDATION, and the seeds, once on the test split.

The best test score in the archive is never the result (that would select on test, as ADAS's 13.7 % did);
the result is the test score of the design chosen on validation, next to the seeds' scores."""

from __future__ import annotations

import contextlib
from typing import Any

from ..config import Config
from ..errors import UserError
from ..memory.runstore import Run
from .archive import Archive
from .search import Progress, SearchParams, make_models, open_search


def run_test(run: Run, cfg: Config, *, model: Any = None, sandbox: Any = None, progress: Progress | None = None,
             include_seeds: bool = True) -> dict[str, Any]:
    """Evaluate the chosen design and the seeds on the test split (each at most once; results are appended to
    the archive). Returns {"chosen": {...}, "seeds": {...}} and stores it as the run's result["test"]."""
    archive = Archive(run.path / "archive.jsonl")
    chosen = archive.chosen()
    if chosen is None:
        raise UserError(f"run {run.id} has no evaluated designs yet: run or resume the search first")
    targets = [chosen] + ([r for r in archive.finals() if r.origin == "seed" and r.id != chosen.id]
                          if include_seeds else [])
    with contextlib.ExitStack() as stack:
        if model is None:
            model, _ = make_models(cfg, SearchParams.from_json(run.info.params), run, stack)
        search = open_search(run, cfg, model=model, meta_model=model, sandbox=sandbox, progress=progress)
        done = archive.tests()
        for rec in targets:
            if rec.id in done:
                continue
            search.progress(f"testing {rec.id} {rec.name!r} on the test split")
            result = search.evaluate(rec.id, rec.code, split="test")
            archive.append_test(rec.id, result)
            done[rec.id] = result
    summary: dict[str, Any] = {
        "chosen": {"id": chosen.id, "name": chosen.name,
                   "validation": chosen.result.fitness.to_json() if chosen.result else None,
                   "test": done[chosen.id].fitness.to_json()},
        "seeds": {r.id: {"name": r.name, "test": done[r.id].fitness.to_json()}
                  for r in targets[1:] if r.id in done},
    }
    run.info.result = {**run.info.result, "test": summary}
    run.save()
    run.event("meta_tested", chosen=chosen.id, test=summary["chosen"]["test"])
    return summary
