"""A real meta search with a real model: evaluate seeds (and G generations of the meta agent) on validation, then
the design chosen on validation (and the seeds) once on test. Prints JSON: per-design validation and test
mean with 95 % CI, tokens, wall time. The run directory stays under --runs-dir for inspection.

    python benchmarks/meta_search.py --domain humaneval --model local --seeds cot --limit 5 --generations 0
    python benchmarks/meta_search.py --domain arc --model openai --generations 5
"""

from __future__ import annotations

import argparse
import json
import time

from synthloop.config import load_config, to_toml
from synthloop.memory.runstore import RunStore
from synthloop.meta_search.archive import Archive
from synthloop.meta_search.search import RUN_KIND, SearchParams, run_search
from synthloop.meta_search.testing import run_test


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--domain", default="arc")
    ap.add_argument("--model", default="local", help="model preset for the designs")
    ap.add_argument("--meta-model", default="", help="model preset for the meta agent (default: --model)")
    ap.add_argument("--generations", type=int, default=0)
    ap.add_argument("--seeds", default="", help="comma-separated seed names (default: all)")
    ap.add_argument("--limit", type=int, default=0, help="first N tasks of each split (0 = all)")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--runs-dir", default="runs")
    ap.add_argument("--no-test", action="store_true", help="skip the test-split evaluation")
    args = ap.parse_args()

    cfg = load_config(None, {"runs_dir": args.runs_dir, "model.preset": args.model,
                             "meta.generations": args.generations})
    params = SearchParams(domain=args.domain, domain_options={"limit": args.limit} if args.limit else {},
                          generations=args.generations, meta_preset=args.meta_model, workers=args.workers,
                          timeout_s=args.timeout,
                          seeds=[s for s in args.seeds.split(",") if s] or None)
    run = RunStore(cfg.runs_dir).create(RUN_KIND, to_toml(cfg), params=params.to_json())
    t0 = time.monotonic()
    result = run_search(run, cfg, progress=lambda m: print(m, flush=True))
    search_s = time.monotonic() - t0
    test = None if args.no_test else run_test(run, cfg, progress=lambda m: print(m, flush=True))
    archive = Archive(run.path / "archive.jsonl")
    tests = archive.tests()
    info = RunStore(cfg.runs_dir).open(run.id).info
    print(json.dumps({
        "run": run.id, "domain": args.domain, "model": args.model, "generations": args.generations,
        "chosen_on_validation": result.get("chosen"),
        "test_of_chosen": test["chosen"]["test"] if test else None,
        "designs": [{"id": r.id, "name": r.name, "final": r.final,
                     "validation": r.result.fitness.to_json() if r.result else None,
                     "errors": len(r.result.errors) if r.result else None,
                     "test": tests[r.id].fitness.to_json() if r.id in tests else None}
                    for r in archive.designs()],
        "search_wall_s": round(search_s, 1), "total_wall_s": round(time.monotonic() - t0, 1),
        "prompt_tokens": info.prompt_tokens, "completion_tokens": info.completion_tokens,
        "cost_usd": round(info.cost, 4),
    }, indent=1))


if __name__ == "__main__":
    main()
