"""ARC symbolic eval with the local executor (process pool) and the Ray executor on this machine: same results?
What does Ray cost in wall and CPU seconds?

    python benchmarks/arc_ray.py [--limit 100] [--time-limit 5] [--workers 2]

Prints one JSON object. CPU seconds are the whole process tree's (this driver, its worker processes, and for Ray
the GCS, raylet and Ray workers it started), read from /proc; the Ray instance's start is reported separately.
Both runs use fresh run directories in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from synthloop.arc.dataset import load_tasks
from synthloop.arc.evaluate import evaluate, read_results
from synthloop.arc.symbolic import SymbolicSolver
from synthloop.config import load_config, to_toml
from synthloop.memory.runstore import RunStore

TICK = os.sysconf("SC_CLK_TCK")


def _proc_stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds of the process and its reaped children) from /proc/PID/stat."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2:].split()  # after "pid (comm) "
    ppid = int(fields[1])
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return ppid, (utime + stime + cutime + cstime) / TICK


def tree_cpu_s(root: int | None = None) -> float:
    """CPU seconds used so far by `root` (default: this process), its reaped children, and all live descendants."""
    root = root or os.getpid()
    stats: dict[int, tuple[int, float]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = _proc_stat(int(entry))
            if st is not None:
                stats[int(entry)] = st
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        if pid in stats:
            total += stats[pid][1]
        stack.extend(children.get(pid, []))
    return total


def run_one(executor: str, tasks: list[Any], time_limit_s: float, workers: int, root: Path) -> dict[str, Any]:
    cfg = load_config(overrides={"runs_dir": str(root / executor)}, environ={})
    run = RunStore(cfg.runs_dir).create("arc-eval", to_toml(cfg))
    cpu0, t0 = tree_cpu_s(), time.monotonic()
    summary = evaluate(tasks, SymbolicSolver(time_limit_s=time_limit_s), run, time_limit_s=time_limit_s,
                       workers=workers, memory_mb=2048, executor=executor)
    return {"wall_s": round(time.monotonic() - t0, 2), "cpu_s": round(tree_cpu_s() - cpu0, 2),
            "solver_cpu_s": summary["cpu_s"], "solved": summary["solved"], "tasks": summary["tasks"],
            "timed_out": summary["timed_out"], "errors": summary["errors"],
            "results": read_results(run.path / "results.jsonl")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=100)
    ap.add_argument("--time-limit", type=float, default=5.0)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    import ray

    tasks = list(load_tasks("arcagi", "training"))[: args.limit]
    with tempfile.TemporaryDirectory() as tmp:
        local = run_one("local", tasks, args.time_limit, args.workers, Path(tmp))
        cpu0, t0 = tree_cpu_s(), time.monotonic()
        ray.init(num_cpus=args.workers, include_dashboard=False, log_to_driver=False)
        start = {"wall_s": round(time.monotonic() - t0, 2), "cpu_s": round(tree_cpu_s() - cpu0, 2)}
        try:
            on_ray = run_one("ray", tasks, args.time_limit, args.workers, Path(tmp))
        finally:
            ray.shutdown()
    lr, rr = local.pop("results"), on_ray.pop("results")
    differ = []
    for t in tasks:
        a, b = lr[t.id], rr[t.id]
        if (a.correct, a.attempts) != (b.correct, b.attempts):
            differ.append({"task": t.id, "local": {"solved": a.solved, "timed_out": a.timed_out, "wall_s": a.wall_s},
                           "ray": {"solved": b.solved, "timed_out": b.timed_out, "wall_s": b.wall_s}})
    print(json.dumps({
        "tasks": len(tasks), "time_limit_s": args.time_limit, "workers": args.workers, "cpus": os.cpu_count(),
        "load_avg_at_end": [round(x, 2) for x in os.getloadavg()],
        "local": local, "ray": on_ray, "ray_start": start,
        "wall_ratio_ray_over_local": round(on_ray["wall_s"] / local["wall_s"], 3),
        "cpu_ratio_ray_over_local": round(on_ray["cpu_s"] / local["cpu_s"], 3) if local["cpu_s"] else None,
        "same_verdicts_and_attempts": not differ, "differing_tasks": differ,
    }, indent=2))


if __name__ == "__main__":
    main()
