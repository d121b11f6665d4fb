"""Overhead of running agent designs in the sandbox: per-item start-up, model-call round trips over the channel,
and the bootstrap CI. The model is scripted (instant), so every figure is our own overhead. Prints JSON.

    python benchmarks/meta_overhead.py --items 20 --calls 50
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from synthloop.agents.metered import MeteredModel
from synthloop.agents.scripted import ScriptedModel
from synthloop.meta_search.channel import ModelChannel
from synthloop.meta_search.domains.arc import ArcDomain
from synthloop.meta_search.evaluate import EvalSettings, evaluate_design
from synthloop.meta_search.runner import prepare_design_dir, run_item
from synthloop.meta_search.stats import bootstrap_ci
from synthloop.tools.factory import make_sandbox
from synthloop.tools.sandbox import Limits

NO_CALLS = "def forward(task):\n    return task.finish('def transform(g):\\n    return g\\n')\n"
CALLER = """def forward(task):
    for i in range({n}):
        ask(f"call {{i}}", [task], fields=["answer"])
    return []
"""
REPLY = json.dumps({"answer": "ok"})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=20, help="ARC validation items (ADAS split) to run")
    ap.add_argument("--calls", type=int, default=50, help="model calls made by one design on one item")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()

    root = Path(tempfile.mkdtemp(prefix="synthloop-bench-meta-"))
    os.chmod(root, 0o755)
    try:
        sandbox = make_sandbox("bwrap")
        domain = ArcDomain(limit=args.items)
        items = domain.tasks("validation")
        model = MeteredModel(ScriptedModel([REPLY] * (args.calls + 10)))

        t0, c0 = time.monotonic(), time.process_time()
        res = evaluate_design(NO_CALLS, domain, items, sandbox=sandbox, model=model, workdir=root / "a",
                              settings=EvalSettings(timeout_s=30, workers=args.workers))
        wall, cpu = time.monotonic() - t0, time.process_time() - c0
        assert not res.errors, res.errors

        def one(code: str, name: str) -> float:
            d = prepare_design_dir(root / name / "design", code, domain.helper_files())
            t = time.monotonic()
            out = run_item(sandbox, d, domain.helper_module, items[0].id, items[0].payload,
                           channel=ModelChannel(model, max_calls=args.calls), timeout_s=60,
                           limits=Limits(timeout_s=70), log_dir=root / name / "logs")
            assert out.ok, out.error
            return time.monotonic() - t

        startup = statistics.median(one(NO_CALLS, f"s{i}") for i in range(3))
        with_calls = one(CALLER.format(n=args.calls), "c")
        scores = [float(i % 3 == 0) for i in range(60)]
        ci_times = []
        for _ in range(5):
            t2 = time.perf_counter()
            bootstrap_ci(scores, samples=2000)
            ci_times.append(time.perf_counter() - t2)
        print(json.dumps({
            "items": len(items), "workers": args.workers,
            "eval_wall_s": round(wall, 3), "items_per_s": round(len(items) / wall, 2),
            "host_cpu_s": round(cpu, 3),
            "one_item_no_calls_wall_s": round(startup, 3),
            "one_item_with_calls_wall_s": round(with_calls, 3), "calls": args.calls,
            "ms_per_model_call_over_channel": round(1000 * (with_calls - startup) / args.calls, 2),
            "bootstrap_ci_60_items_2000_samples_ms": round(1000 * statistics.median(ci_times), 2),
        }, indent=1))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
