"""Evaluate one design on a list of items (in the sandbox, in parallel), score the answers, compute fitness."""

from __future__ import annotations

import ast
import json
import queue
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..agents.model import BudgetExceeded
from ..tools.sandbox import Limits
from .channel import ModelChannel
from .domains.base import Domain, Item
from .runner import ItemOutcome, prepare_design_dir, run_item
from .stats import Fitness, bootstrap_ci, per_item_scores


@dataclass(frozen=True)
class EvalSettings:
    """How designs are run: the design's own time per item, sandbox limits, parallel items, calls per item."""

    timeout_s: float = 30.0
    memory_mb: int = 1024
    max_processes: int = 64
    workers: int = 2
    max_calls_per_item: int = 40
    repeats: int = 1
    bootstrap_samples: int = 2000
    max_tokens: int | None = None  # per design model call

    def limits(self) -> Limits:
        # CPU seconds: the design's own time plus the interpreter's start-up (numpy import etc.)
        return Limits(timeout_s=self.timeout_s + 10.0, memory_mb=self.memory_mb, max_processes=self.max_processes)


@dataclass
class EvalResult:
    """Per-item scores (repeats averaged), the fitness over them, and the errors met."""

    item_ids: list[str]
    scores: list[float]
    fitness: Fitness
    errors: dict[str, str] = field(default_factory=dict)
    timeouts: int = 0
    calls: int = 0
    repeats: int = 1
    traceback: str = ""  # of the first failure with one

    @property
    def all_failed(self) -> bool:
        return bool(self.item_ids) and len(self.errors) == len(self.item_ids)

    def to_json(self) -> dict[str, Any]:
        return {"item_ids": self.item_ids, "scores": [round(s, 6) for s in self.scores],
                "fitness": self.fitness.to_json(), "errors": self.errors, "timeouts": self.timeouts,
                "calls": self.calls, "repeats": self.repeats, "traceback": self.traceback}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EvalResult:
        return cls(item_ids=list(data["item_ids"]), scores=[float(s) for s in data["scores"]],
                   fitness=Fitness.from_json(data["fitness"]), errors=dict(data.get("errors", {})),
                   timeouts=int(data.get("timeouts", 0)), calls=int(data.get("calls", 0)),
                   repeats=int(data.get("repeats", 1)), traceback=str(data.get("traceback", "")))

    def error_summary(self, limit: int = 3) -> str:
        """The most frequent errors with how many items hit each."""
        counts: dict[str, int] = {}
        for msg in self.errors.values():
            counts[msg] = counts.get(msg, 0) + 1
        top = sorted(counts.items(), key=lambda kv: -kv[1])[:limit]
        return "\n".join(f"- on {n} item(s): {msg}" for msg, n in top)


def static_check(code: str) -> str:
    """Why the design cannot run (a syntax error, no top-level forward), or "" when it looks runnable."""
    try:
        tree = ast.parse(code, filename="design.py")
    except SyntaxError as e:
        return f"SyntaxError: {e.msg} (design.py, line {e.lineno})"
    if not any(isinstance(n, ast.FunctionDef) and n.name == "forward" for n in tree.body):
        return "NameError: the design defines no top-level function forward(task)"
    return ""


def evaluate_design(code: str, domain: Domain, items: list[Item], *, sandbox: Any, model: Any, workdir: Path,
                    settings: EvalSettings, log_path: Path | None = None,
                    on_item: Callable[[ItemOutcome], None] | None = None, item_executor: Any = None) -> EvalResult:
    """Run `code` on every item `settings.repeats` times; failures score 0 with their error recorded.

    `item_executor` (optional, e.g. meta_search.ray_items.RayItems) runs the items elsewhere instead of in
    `settings.workers` local threads: `.run(code, domain, jobs, settings)` yields (job index, ItemOutcome).

    Raises BudgetExceeded when the run's budget ran out during the evaluation (its results would be partial)."""
    outcomes: list[ItemOutcome] = []
    problem = static_check(code)
    if problem:
        outcomes = [ItemOutcome(item_id=it.id, repeat=r, error=problem)
                    for r in range(settings.repeats) for it in items]
    elif item_executor is not None:
        outcomes = _run_elsewhere(item_executor, code, domain, items, settings, on_item)
    else:
        design_dir = prepare_design_dir(workdir / "design", code, domain.helper_files())
        lock = threading.Lock()

        def one(job: tuple[int, Item]) -> ItemOutcome:
            repeat, item = job
            channel = ModelChannel(model, max_calls=settings.max_calls_per_item, repeat=repeat,
                                   max_tokens=settings.max_tokens)
            out = run_item(sandbox, design_dir, domain.helper_module, item.id, item.payload, channel=channel,
                           timeout_s=settings.timeout_s, limits=settings.limits(), log_dir=workdir / "logs",
                           repeat=repeat)
            if out.ok:
                try:
                    out.score = float(domain.score(item, out.answer))
                except (ValueError, TypeError) as e:
                    out.score, out.error = 0.0, f"bad answer: {e}"
            if on_item is not None:
                with lock:
                    on_item(out)
            return out

        jobs = [(r, it) for r in range(settings.repeats) for it in items]
        outcomes = run_parallel(one, jobs, settings.workers)
    if log_path is not None:
        _write_log(log_path, outcomes)
    spent = next((o.budget_exceeded for o in outcomes if o.budget_exceeded), "")
    if spent:
        raise BudgetExceeded(spent)
    ids, scores = per_item_scores([o.item_id for o in outcomes], [o.score for o in outcomes])
    errors: dict[str, str] = {}
    for o in outcomes:
        if o.error and o.item_id not in errors:
            errors[o.item_id] = o.error
    return EvalResult(item_ids=ids, scores=scores,
                      fitness=bootstrap_ci(scores, samples=settings.bootstrap_samples),
                      errors=errors, timeouts=sum(o.timed_out for o in outcomes),
                      calls=sum(o.calls for o in outcomes), repeats=settings.repeats,
                      traceback=next((o.traceback for o in outcomes if o.traceback), ""))


def _run_elsewhere(executor: Any, code: str, domain: Domain, items: list[Item], settings: EvalSettings,
                   on_item: Callable[[ItemOutcome], None] | None) -> list[ItemOutcome]:
    """The items through `executor` (see evaluate_design); answers are scored here as they stream in."""
    jobs = [(r, it) for r in range(settings.repeats) for it in items]
    outcomes: list[Any] = [None] * len(jobs)
    for i, out in executor.run(code, domain, jobs, settings):
        if out.ok:
            try:
                out.score = float(domain.score(jobs[i][1], out.answer))
            except (ValueError, TypeError) as e:
                out.score, out.error = 0.0, f"bad answer: {e}"
        if on_item is not None:
            on_item(out)
        outcomes[i] = out
    return outcomes


def run_parallel(fn: Callable[[Any], Any], jobs: list[Any], workers: int) -> list[Any]:
    """fn over jobs on `workers` daemon threads, results in job order. The first exception stops new jobs and is
    raised once the running ones end; Ctrl-C stops at once (daemon threads do not hold up the exit, and the
    sandboxed children die with this process)."""
    pending: queue.Queue[tuple[int, Any]] = queue.Queue()
    for i, job in enumerate(jobs):
        pending.put((i, job))
    results: list[Any] = [None] * len(jobs)
    errors: list[BaseException] = []

    def drain() -> None:
        while True:
            try:
                pending.get_nowait()
            except queue.Empty:
                return

    def worker() -> None:
        while not errors:
            try:
                i, job = pending.get_nowait()
            except queue.Empty:
                return
            try:
                results[i] = fn(job)
            except BaseException as e:  # noqa: BLE001 - re-raised in the caller's thread
                errors.append(e)
                drain()

    threads = [threading.Thread(target=worker, name=f"design-item-{k}", daemon=True)
               for k in range(max(1, min(workers, len(jobs))))]
    for t in threads:
        t.start()
    try:
        for t in threads:
            while t.is_alive():
                t.join(0.2)  # a timed join keeps Ctrl-C deliverable
    except KeyboardInterrupt:
        drain()
        raise
    if errors:
        raise errors[0]
    return results


def _write_log(path: Path, outcomes: list[ItemOutcome]) -> None:
    """Every item's outcome (answer, error, traceback, timings) as JSON lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        for o in outcomes:
            fh.write(json.dumps(asdict(o), default=str) + "\n")
