"""Learn the DSL search's step prior from programs found on ARC training tasks; prints one JSON object.

    python benchmarks/arc_halves.py --out halves     # the fixed DEV / CHECK halves of training
    # 1. harvest: the search alone (no specialists), a big CPU budget per task, on training ids only
    python benchmarks/arc_step_prior.py harvest --ids halves/dev.txt --cpu-limit 10 --out dev_harvest.jsonl
    # 2. build the prior from harvests and/or benchmark results.jsonl files (runs/*/results.jsonl)
    python benchmarks/arc_step_prior.py build dev_harvest.jsonl --ids halves/dev.txt --out prior.json

A harvest line has the fields of a benchmark results.jsonl line that `build` reads (task_id, solved, hypotheses
with source "symbolic" and programs), plus per program `test_correct`. `build` counts, per program that explains
every training pair (and, where known, predicts every test output), the base names of its steps (see
`synthloop.arc.dsl.prior.base_name`); each distinct program counts once per task, each step once per program.
`--ids` keeps only those tasks (learn from DEV, measure on CHECK). Never point this at evaluation tasks.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from synthloop.arc.dsl.prior import StepPrior, program_steps
from synthloop.errors import UserError


def _ids(path: str | None) -> set[str] | None:
    if path is None:
        return None
    return set(Path(path).read_text().split())


def harvest(args: argparse.Namespace) -> dict:
    from synthloop.arc.dataset import load_tasks
    from synthloop.arc.dsl.search import SearchStats, solve_task

    if args.split != "training":
        raise UserError("harvest runs on training tasks only")
    ids = sorted(_ids(args.ids) or [])
    out = Path(args.out)
    done = set()
    if out.exists():
        done = {json.loads(line)["task_id"] for line in out.read_text().splitlines() if line.strip()}
    tasks = [t for t in load_tasks("arcagi", "training", ids=ids or None) if t.id not in done]
    solved = 0
    with out.open("a") as fh:
        for t in tasks:
            stats = SearchStats()
            cpu0 = time.process_time()
            sols = solve_task(t.train, t.test_inputs, time.monotonic() + 3 * args.cpu_limit, stats=stats,
                              cpu_limit_s=args.cpu_limit, prior=None)
            progs = []
            for s in sols:
                right = all(p is not None and o is not None and np.array_equal(p, np.asarray(o))
                            for p, (_, o) in zip(s.predictions, t.test, strict=True))
                progs.append({"program": s.program, "train_correct": s.train_correct, "train_total": s.train_total,
                              "passed": s.train_correct == s.train_total, "test_correct": right, "cost": s.cost})
            ok = any(p["test_correct"] for p in progs)
            solved += ok
            fh.write(json.dumps({"task_id": t.id, "solved": ok, "cpu_s": round(time.process_time() - cpu0, 3),
                                 "states": stats.states, "timed_out": stats.timed_out,
                                 "hypotheses": [{"source": "symbolic", "programs": progs}]}) + "\n")
            fh.flush()
    return {"harvested": len(tasks), "skipped_done": len(done), "solved": solved, "out": str(out)}


def build(args: argparse.Namespace) -> dict:
    keep = _ids(args.ids)
    counts: Counter[str] = Counter()
    n_programs, tasks = 0, set()
    for path in args.results:
        for line in Path(path).read_text().splitlines():
            if not line.strip():
                continue
            r = json.loads(line)
            if keep is not None and r["task_id"] not in keep:
                continue
            seen: set[str] = set()
            for h in r.get("hypotheses", []):
                if h.get("source") != "symbolic":
                    continue
                for p in h["programs"]:
                    right = p.get("test_correct", r.get("solved", False))
                    if not (p.get("passed") and right) or p["program"] in seen:
                        continue
                    seen.add(p["program"])
                    names = set(program_steps(p["program"]))
                    if names:
                        n_programs += 1
                        tasks.add(r["task_id"])
                        counts.update(names)
    if not counts:
        raise UserError("no programs to learn from in those results")
    prior = StepPrior(dict(sorted(counts.items())), n_programs)
    if args.out:
        prior.save(Path(args.out))
    return {"programs": n_programs, "tasks": len(tasks), "steps": len(counts),
            "top": counts.most_common(15), "out": args.out}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    h = sub.add_parser("harvest", help="run the search alone with a big CPU budget and record its programs")
    h.add_argument("--ids", required=True, help="training task ids, one per line")
    h.add_argument("--split", default="training")
    h.add_argument("--cpu-limit", type=float, default=10.0, help="CPU seconds per task")
    h.add_argument("--out", required=True, help="jsonl to append to (tasks already in it are skipped)")
    b = sub.add_parser("build", help="count the steps of the programs in harvest / results.jsonl files")
    b.add_argument("results", nargs="+")
    b.add_argument("--ids", default=None, help="keep only these task ids")
    b.add_argument("--out", default=None, help="write the prior (JSON) here")
    args = ap.parse_args(argv)
    try:
        out = harvest(args) if args.cmd == "harvest" else build(args)
    except UserError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
