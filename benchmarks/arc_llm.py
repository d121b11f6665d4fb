"""Compare ARC proposers with a model on Hypothesis Search tasks; prints one JSON object.

    python benchmarks/arc_llm.py --model local --limit 20 --methods direct,program,llm,both -N 4 -K 2 -M 2 -R 1

Tasks: the 100 ARC-AGI-1 training tasks of the Hypothesis Search paper (shipped in synthloop/data), the `--limit`
with the shortest prompts first (prompt tokens dominate the cost on a CPU), or `--ids FILE`. Each method is its own
eval run (same loop as `synthloop arc eval`); figures per method: accuracy, tokens and wall seconds per task.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
import time

from synthloop.arc.dataset import load_ids, load_tasks
from synthloop.arc.evaluate import EvalSpec, run_eval
from synthloop.arc.llm.text import task_text
from synthloop.config import load_config, to_toml
from synthloop.memory.runstore import RunStore


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default="local", help="endpoint preset (local, openai, vllm, ...)")
    ap.add_argument("--methods", default="direct,program,llm,both")
    ap.add_argument("--limit", type=int, default=20)
    ap.add_argument("--ids", default="hypothesis_search_100.json")
    ap.add_argument("-N", type=int, default=4)
    ap.add_argument("-K", type=int, default=2)
    ap.add_argument("-M", type=int, default=2)
    ap.add_argument("-R", type=int, default=1)
    ap.add_argument("--time-limit", type=float, default=900.0, help="seconds per task")
    ap.add_argument("--max-tokens", type=int, default=768, help="per reply")
    ap.add_argument("--runs-dir", default=None)
    args = ap.parse_args(argv)

    tasks = load_tasks("arcagi", "training", ids=load_ids(args.ids))
    tasks.sort(key=lambda t: len(task_text(t)))
    del tasks[args.limit:]
    out: dict = {"model": args.model, "tasks": [t.id for t in tasks],
                 "sizes": {"N": args.N, "K": args.K, "M": args.M, "R": args.R}, "methods": {}}
    with contextlib.ExitStack() as stack:
        runs_dir = args.runs_dir or stack.enter_context(tempfile.TemporaryDirectory(prefix="arc-llm-bench-"))
        for method in args.methods.split(","):
            cfg = load_config(overrides={
                "runs_dir": runs_dir, "model.preset": args.model, "model.max_tokens": args.max_tokens,
                "arc.proposer": method, "arc.n_hypotheses": args.N, "arc.k_filtered": args.K,
                "arc.m_programs": args.M, "arc.r_revisions": args.R, "arc.time_limit_s": args.time_limit,
                "arc.workers": 1})
            spec = EvalSpec(dataset="arcagi", split="training", proposer=method)
            run = RunStore(runs_dir).create("arc-eval", to_toml(cfg), argv=sys.argv[1:], params=spec.to_params())
            t0 = time.monotonic()
            s = run_eval(cfg, run, spec, tasks)
            wall = time.monotonic() - t0
            info = RunStore(runs_dir).open(run.id).info
            n = max(1, s["tasks"])
            out["methods"][method] = {
                "solved": s["solved"], "tasks": s["tasks"], "accuracy": round(s["accuracy"], 4),
                "output_accuracy": round(s["output_accuracy"], 4),
                "prompt_tokens_per_task": round(info.prompt_tokens / n, 1),
                "completion_tokens_per_task": round(info.completion_tokens / n, 1),
                "wall_s_per_task": round(wall / n, 1), "errors": s["errors"], "run": run.id}
            print(json.dumps({method: out["methods"][method]}), file=sys.stderr, flush=True)
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
