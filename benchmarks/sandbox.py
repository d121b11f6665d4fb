"""Sandbox benchmark: per-run latency of a tiny program per backend, and worker-pool throughput on tiny numpy
ARC-style candidates (each a distinct program), without runaways and with 1 % infinite loops. Prints JSON to stdout.

    python benchmarks/sandbox.py [--candidates 4000] [--workers 2] [--soft-timeout 0.1] [--backends bwrap,docker]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time

from synthloop.tools.factory import make_sandbox
from synthloop.tools.pool import Job, WorkerPool
from synthloop.tools.probes import latency
from synthloop.tools.sandbox import SandboxUnavailable

TRANSFORMS = ["np.rot90(g)", "np.flipud(g)", "np.fliplr(g)", "g.T", "np.rot90(g, 2)", "np.rot90(g, 3)"]
LOOP = "def transform(grid):\n    while True:\n        pass\n"


def candidate(i: int) -> str:
    """A distinct tiny candidate (the trailing comment gives every program its own hash, like real candidates)."""
    expr = TRANSFORMS[i % len(TRANSFORMS)]
    return f"import numpy as np\ndef transform(grid):\n    g = np.array(grid)\n    return {expr}\n# candidate {i}\n"


def jobs(n: int, loop_every: int | None, soft_timeout: float, rng: random.Random) -> list[Job]:
    grid = [[rng.randrange(10) for _ in range(10)] for _ in range(10)]
    out = []
    for i in range(n):
        code = LOOP + f"# runaway {i}\n" if loop_every and i % loop_every == loop_every // 2 else candidate(i)
        out.append(Job(code, "transform", [grid], soft_timeout))
    return out


def throughput(pool: WorkerPool, batch: list[Job]) -> dict[str, float | int]:
    """Wall-clock rate, plus the CPU it cost (workers + host): on a busy machine per_cpu_s x cores is the rate an
    otherwise idle machine would reach at best."""
    cpu0, host0 = pool.cpu_s, time.process_time()
    t0 = time.perf_counter()
    results = pool.run(batch)
    dt = time.perf_counter() - t0
    cpu = (pool.cpu_s - cpu0) + (time.process_time() - host0)
    return {
        "candidates": len(batch),
        "seconds": round(dt, 3),
        "per_s": round(len(batch) / dt, 1),
        "cpu_s": round(cpu, 3),
        "per_cpu_s": round(len(batch) / cpu, 1),
        "ok": sum(r.ok for r in results),
        "timed_out": sum(r.timed_out for r in results),
        "errors": sum(1 for r in results if not r.ok and not r.timed_out),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--candidates", type=int, default=4000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--soft-timeout", type=float, default=0.1)
    ap.add_argument("--latency-runs", type=int, default=20)
    ap.add_argument("--backends", default="bwrap,docker")
    args = ap.parse_args()
    rng = random.Random(0)
    report: dict[str, object] = {
        "cpus": os.cpu_count(),
        "load_avg_1m_at_start": round(os.getloadavg()[0], 2),
        "soft_timeout_s": args.soft_timeout,
        "backends": {},
    }
    for name in args.backends.split(","):
        entry: dict[str, object] = {}
        report["backends"][name] = entry  # type: ignore[index]
        sb = make_sandbox(name)
        try:
            print(f"[{name}] latency ...", file=sys.stderr)
            entry["latency_median_ms"] = round(latency(sb, args.latency_runs) * 1000, 1)
            print(f"[{name}] pool ...", file=sys.stderr)
            with WorkerPool(sb, size=args.workers, memory_mb=512) as pool:
                pool.run(jobs(50, None, 1.0, rng))  # warm-up: workers started, numpy imported
                entry["pool_no_runaways"] = throughput(pool, jobs(args.candidates, None, args.soft_timeout, rng))
                entry["pool_1pct_infinite_loops"] = throughput(pool, jobs(args.candidates, 100, args.soft_timeout, rng))
                entry["pool_respawns"] = pool.respawns
                entry["pool_incidents"] = list(pool.incidents)
        except SandboxUnavailable as e:
            entry["unavailable"] = str(e)
    report["load_avg_1m_at_end"] = round(os.getloadavg()[0], 2)
    json.dump(report, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
