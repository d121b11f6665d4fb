"""Dev harness: run SymbolicSolver over ARC-AGI-1 tasks with a pool of 2 processes; print solved ids and accuracy.

    python benchmarks/arc_dev.py --split training --limit 100 --time-limit 5
    python benchmarks/arc_dev.py --ids 007bbfb7,00d62c1b --time-limit 10 -v
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import random
import resource
import time

import numpy as np


def _solve_one(args: tuple[str, str, float, bool, float | None]) -> dict:
    task_id, split, limit, specialists, cpu_limit = args
    from synthloop.arc.attempts import pick_attempts
    from synthloop.arc.dataset import load_tasks
    from synthloop.arc.symbolic import SymbolicSolver

    task = load_tasks("arcagi", split, ids=[task_id])[0]
    solver = SymbolicSolver(time_limit_s=limit, use_specialists=specialists, cpu_limit_s=cpu_limit)
    c0 = time.process_time()
    w0 = time.monotonic()
    cands = solver.solve(task, time.monotonic() + limit)
    cpu = time.process_time() - c0
    wall = time.monotonic() - w0
    attempts = pick_attempts(cands, len(task.test))
    ok = all(
        any(a.shape == out.shape and np.array_equal(a, out) for a in att)
        for att, (_, out) in zip(attempts, task.test, strict=True)
    )
    best = max(cands, key=lambda c: (c.train_correct, -c.size), default=None)
    return {
        "id": task_id, "solved": ok, "cpu": cpu, "wall": wall, "n_test": len(task.test),
        "found": sum(c.solves_train for c in cands),
        "program": best.program if best is not None and best.solves_train else "",
        "source": best.source if best is not None and best.solves_train else "",
        "errors": solver.errors,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--split", default="training", choices=["training", "evaluation"])
    ap.add_argument("--limit", type=int, default=0, help="number of tasks (0 = all)")
    ap.add_argument("--sample-seed", type=int, default=-1, help="random sample of --limit tasks with this seed")
    ap.add_argument("--ids", default="", help="comma-separated task ids")
    ap.add_argument("--time-limit", type=float, default=5.0)
    ap.add_argument("--cpu-limit", type=float, default=None, help="CPU seconds per task for the search")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-specialists", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--json", default="", help="write per-task results here")
    a = ap.parse_args()
    from synthloop.arc.dataset import load_tasks

    ids = [t.id for t in load_tasks("arcagi", a.split)]
    if a.ids:
        ids = a.ids.split(",")
    elif a.limit:
        ids = random.Random(a.sample_seed).sample(ids, a.limit) if a.sample_seed >= 0 else ids[: a.limit]
    jobs = [(i, a.split, a.time_limit, not a.no_specialists, a.cpu_limit) for i in ids]
    t0 = time.monotonic()
    with mp.Pool(a.workers, maxtasksperchild=50) as pool:
        res = []
        for r in pool.imap_unordered(_solve_one, jobs):
            res.append(r)
            if a.verbose:
                print(("OK  " if r["solved"] else ("TRN " if r["found"] else "--  ")) + r["id"],
                      f"{r['cpu']:.2f}s", r["source"], r["program"][:100], *r["errors"], flush=True)
    solved = sorted(r["id"] for r in res if r["solved"])
    n_test = sum(r["n_test"] for r in res)
    cpu = sum(r["cpu"] for r in res)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    summary = {
        "split": a.split, "tasks": len(res), "solved": len(solved), "accuracy": len(solved) / max(1, len(res)),
        "train_explained": sum(r["found"] > 0 for r in res),
        "cpu_s_per_test_input": cpu / max(1, n_test), "wall_s": time.monotonic() - t0,
        "children_cpu_s": kids.ru_utime + kids.ru_stime, "time_limit": a.time_limit, "cpu_limit": a.cpu_limit,
    }
    print("solved:", " ".join(solved))
    print(json.dumps(summary))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"summary": summary, "tasks": res}, f, indent=1)


if __name__ == "__main__":
    main()
