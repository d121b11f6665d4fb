"""Benchmark the symbolic ARC solver over a dataset split; prints one JSON object.

    python benchmarks/arc_symbolic.py --dataset arcagi --split training --limit 50 --workers 2 --time-limit 10
    python benchmarks/arc_symbolic.py --split training --workers 2 --time-limit 30 --cpu-limit 2.5

Uses the same eval loop as `synthloop arc eval` (process workers, per-task time and memory limits). The run
directory (results.jsonl, report.html, submission.json) goes to --runs-dir, or a temporary directory that is
removed afterwards.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
import time

from synthloop.arc.evaluate import EvalSpec, evaluate, run_eval, select_tasks
from synthloop.config import load_config, to_toml
from synthloop.errors import UserError
from synthloop.memory.runstore import RunStore


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dataset", default="arcagi", help="arcagi | arcagi2 | a directory of ARC JSON files")
    ap.add_argument("--split", default="training", choices=["training", "evaluation"])
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--ids", default=None, help="ids file (text, or JSON list / task_ids / FILE#KEY)")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--time-limit", type=float, default=20.0, help="seconds per task")
    ap.add_argument("--memory-mb", type=int, default=2048, help="memory limit per worker")
    ap.add_argument("--runs-dir", default=None, help="keep the run here (default: a temporary directory)")
    ap.add_argument("--cpu-limit", type=float, default=None,
                    help="CPU seconds per task for the solver (SymbolicSolver cpu_limit_s; load-independent results)")
    args = ap.parse_args(argv)

    with contextlib.ExitStack() as stack:
        runs_dir = args.runs_dir or stack.enter_context(tempfile.TemporaryDirectory(prefix="arc-bench-"))
        arc = {"arc.workers": args.workers, "arc.time_limit_s": args.time_limit, "arc.memory_mb": args.memory_mb,
               "arc.proposer": "symbolic"}
        if args.dataset in ("arcagi", "arcagi2"):
            arc.update({"arc.dataset": args.dataset, "arc.split": args.split})
        try:
            cfg = load_config(overrides={"runs_dir": runs_dir, **arc})
            spec = EvalSpec(dataset=args.dataset, split=args.split, ids=args.ids, limit=args.limit,
                            proposer="symbolic")
            tasks = select_tasks(spec)
            run = RunStore(runs_dir).create("arc-eval", to_toml(cfg), argv=sys.argv[1:], params=spec.to_params())
            t0 = time.monotonic()
            if args.cpu_limit is None:
                s = run_eval(cfg, run, spec, tasks)
            else:
                from synthloop.arc.symbolic import SymbolicSolver

                solver = SymbolicSolver(time_limit_s=args.time_limit, cpu_limit_s=args.cpu_limit)
                s = evaluate(list(tasks), solver, run, time_limit_s=args.time_limit, workers=args.workers,
                             memory_mb=args.memory_mb, load_errors=tasks.errors,
                             extra_summary={"dataset": args.dataset, "split": args.split})
            wall = time.monotonic() - t0
        except UserError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        out = {
            "dataset": args.dataset, "split": args.split, "workers": args.workers, "time_limit_s": args.time_limit,
            "cpu_limit_s": args.cpu_limit,
            "tasks": s["tasks"], "solved": s["solved"], "accuracy": round(s["accuracy"], 4),
            "outputs": s["outputs"], "outputs_correct": s["outputs_correct"],
            "output_accuracy": round(s["output_accuracy"], 4),
            "cpu_s_per_test_input": s["cpu_s_per_test_input"], "cpu_s": s["cpu_s"],
            "peak_memory_mb": s["peak_rss_mb"], "wall_s": round(wall, 2),
            "timed_out": s["timed_out"], "errors": s["errors"], "load_errors": s["load_errors"],
            "run_dir": str(run.path) if args.runs_dir else None,
        }
        print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
