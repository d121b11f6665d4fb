"""The ARC eval loop: run a solver over tasks, append results.jsonl, then write submission.json and report.html.

runs/<id>/ holds: tasks.json (the selected ids, so a resume sees the same tasks), results.jsonl (one line per
finished task; a rerun skips those), submission.json (ARC Prize format), report.html, and run.json's result (the
summary). Ctrl-C stops the loop, marks the run "interrupted" and keeps every finished task for `runs resume`.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..memory.runstore import Run, atomic_write
from .dataset import LoadError, TaskList, load_ids, load_tasks
from .grid import ArcTask
from .outcome import TaskResult, dumps
from .runners import ProcessRunner, ThreadRunner
from .scoring import TaskScore, summarize
from .solver import make_solver, runs_in_parent, solver_from_spec

RESULTS = "results.jsonl"
TASKS = "tasks.json"
SUBMISSION = "submission.json"
REPORT = "report.html"
PLACEHOLDER = [[0]]  # what submission.json holds for an attempt the solver did not produce


@dataclass
class EvalSpec:
    """What an eval run covers and which solver it uses; saved as the run's params (for resume)."""

    dataset: str = "arcagi"  # arcagi | arcagi2 | a directory or JSON file
    split: str = "training"
    ids: str | None = None  # an ids file spec (see dataset.load_ids)
    limit: int | None = None
    proposer: str = "symbolic"
    solver: str | None = None  # "module:attr" of a custom Solver; overrides proposer

    def to_params(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> EvalSpec:
        return cls(**{k: v for k, v in params.items() if k in cls.__dataclass_fields__})


# ---------------------------------------------------------------- results file


def read_results(path: Path) -> dict[str, TaskResult]:
    """Finished tasks by id (a line cut short by a kill is ignored; a later line for an id wins)."""
    out: dict[str, TaskResult] = {}
    if not path.exists():
        return out
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            res = TaskResult.from_json(json.loads(line))
        except (json.JSONDecodeError, TypeError):
            continue
        out[res.task_id] = res
    return out


def _end_line(path: Path) -> None:
    """A line cut short by a kill has no newline: end it so the next result starts on its own line."""
    if path.exists() and path.stat().st_size:
        with open(path, "rb+") as fh:
            fh.seek(-1, 2)
            if fh.read(1) != b"\n":
                fh.write(b"\n")


def _append(path: Path, result: TaskResult) -> None:
    with open(path, "a") as fh:
        fh.write(dumps(result) + "\n")
        fh.flush()


# ---------------------------------------------------------------- outputs


def submission(tasks: Iterable[ArcTask], results: dict[str, TaskResult]) -> dict[str, list[dict[str, Any]]]:
    """ARC Prize format: {task_id: [{"attempt_1": grid, "attempt_2": grid}, ...one per test input]}.
    A missing attempt is filled with PLACEHOLDER (the format needs both keys)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for task in tasks:
        res = results.get(task.id)
        if res is None:
            continue
        entries = []
        for i in range(len(task.test)):
            tries = res.attempts[i] if i < len(res.attempts) else []
            entries.append({"attempt_1": tries[0] if tries else PLACEHOLDER,
                            "attempt_2": tries[1] if len(tries) > 1 else PLACEHOLDER})
        out[task.id] = entries
    return out


def summarize_results(results: list[TaskResult]) -> dict[str, Any]:
    """The eval summary: official accuracy, per-output accuracy, CPU seconds per test input, memory, failures."""
    s = summarize([TaskScore(list(r.correct)) for r in results])
    test_inputs = sum(r.n_test for r in results)
    cpu = sum(r.cpu_s for r in results)
    s.update(
        tasks_run=len(results),
        test_inputs=test_inputs,
        cpu_s=round(cpu, 3),
        cpu_s_per_test_input=round(cpu / test_inputs, 4) if test_inputs else 0.0,
        task_wall_s=round(sum(r.wall_s for r in results), 3),
        peak_rss_mb=max((r.peak_rss_mb for r in results), default=0.0),
        timed_out=sum(r.timed_out for r in results),
        errors=sum(bool(r.error) and not r.timed_out for r in results),
    )
    return s


# ---------------------------------------------------------------- the loop


def evaluate(
    tasks: list[ArcTask],
    solver: Any,
    run: Run,
    *,
    time_limit_s: float,
    workers: int = 1,
    memory_mb: int = 2048,
    grace_s: float | None = None,
    load_errors: Iterable[LoadError] = (),
    on_start: Callable[[int, list[TaskResult]], None] | None = None,
    on_result: Callable[[TaskResult], None] | None = None,
    extra_summary: dict[str, Any] | None = None,
    executor: str = "local",
    address: str = "",
) -> dict[str, Any]:
    """Evaluate `solver` on `tasks` in `run`, skipping tasks already in results.jsonl; returns the summary.

    Solvers with `in_parent = True` run in `workers` threads here; others in `workers` killable processes.
    executor "ray" runs them as Ray tasks instead (`address`: a cluster; "" = a local Ray instance).
    """
    if executor not in ("local", "ray"):
        raise UserError(f"unknown executor {executor!r}; choose local or ray")
    results_path = run.path / RESULTS
    _end_line(results_path)
    done = read_results(results_path)
    todo = [t for t in tasks if t.id not in done]
    load_errors = [str(e) for e in load_errors]
    previous_wall = float(run.info.result.get("wall_s", 0.0)) if run.info.result else 0.0
    in_parent = runs_in_parent(solver)
    run.event("arc_eval_started", solver=getattr(solver, "name", "?"), tasks=len(tasks), todo=len(todo),
              skipped=len(tasks) - len(todo), workers=workers,
              mode="ray" if executor == "ray" else "threads" if in_parent else "processes",
              time_limit_s=time_limit_s, memory_mb=memory_mb, load_errors=load_errors)
    if on_start:
        on_start(len(tasks), [done[t.id] for t in tasks if t.id in done])
    runner = (_ray_runner(solver, in_parent, time_limit_s=time_limit_s, workers=workers, memory_mb=memory_mb,
                          grace_s=grace_s, address=address) if executor == "ray" else
              ThreadRunner(solver, time_limit_s=time_limit_s, workers=workers) if in_parent else
              ProcessRunner(solver, time_limit_s=time_limit_s, workers=workers, memory_mb=memory_mb, grace_s=grace_s))
    t0 = time.monotonic()
    base = {"solver": getattr(solver, "name", "?"), "load_errors": load_errors, **(extra_summary or {})}

    def current(status_done: bool) -> dict[str, Any]:
        ordered = [done[t.id] for t in tasks if t.id in done]
        s = summarize_results(ordered)
        s.update(base, wall_s=round(previous_wall + time.monotonic() - t0, 3), complete=status_done)
        info = run.info
        if info.prompt_tokens or info.completion_tokens:
            s.update(prompt_tokens=info.prompt_tokens, completion_tokens=info.completion_tokens,
                     cost=round(info.cost, 6))
        return s

    gen = runner.run(todo)
    try:
        for res in gen:
            _append(results_path, res)
            done[res.task_id] = res
            run.event("arc_task", task=res.task_id, solved=res.solved, correct=res.correct, cpu_s=res.cpu_s,
                      wall_s=res.wall_s, timed_out=res.timed_out, error=res.error)
            if on_result:
                on_result(res)
    except KeyboardInterrupt:
        gen.close()
        run.finish("interrupted", result=current(False))
        raise
    except BaseException as e:
        gen.close()
        run.finish("failed", result=current(False), error=f"{type(e).__name__}: {e}")
        raise
    summary = current(True)
    write_outputs(run, tasks, done, summary)
    run.event("arc_eval_done", **{k: v for k, v in summary.items() if k != "load_errors"})
    run.finish("done", result=summary)
    return summary


def _ray_runner(solver: Any, in_parent: bool, **kw: Any) -> Any:
    """The Ray executor (synthloop.arc.ray_runner; `ray` itself is imported only when it runs)."""
    if in_parent:
        raise UserError(f"solver {getattr(solver, 'name', '?')!r} holds this run's model and sandbox pool and runs "
                        "in this process (in_parent); use --executor local for it")
    from .ray_runner import RayRunner

    return RayRunner(solver, **kw)


def write_outputs(run: Run, tasks: list[ArcTask], results: dict[str, TaskResult], summary: dict[str, Any]) -> None:
    """submission.json and report.html in the run directory."""
    from .report import write_report  # Pillow is only needed here

    atomic_write(run.path / SUBMISSION, json.dumps(submission(tasks, results), separators=(",", ":")))
    write_report(run.path / REPORT, tasks, results, summary, title=f"ARC eval {run.id}")


# ---------------------------------------------------------------- config-level entry points


def select_tasks(spec: EvalSpec, run: Run | None = None) -> TaskList:
    """The tasks of a spec; with a run, the ids are fixed in runs/<id>/tasks.json on first use (resume reuses them)."""
    saved = run.path / TASKS if run is not None else None
    if saved is not None and saved.exists():
        ids = json.loads(saved.read_text())
        return load_tasks(spec.dataset, spec.split, ids=ids)
    ids = load_ids(spec.ids) if spec.ids else None
    tasks = load_tasks(spec.dataset, spec.split, ids=ids)
    if spec.limit is not None:
        if spec.limit <= 0:
            raise UserError("--limit must be positive")
        tasks = TaskList(list(tasks)[: spec.limit], tasks.errors)
    if not tasks:
        raise UserError(f"no tasks to evaluate in {spec.dataset} {spec.split}")
    if saved is not None:
        atomic_write(saved, json.dumps([t.id for t in tasks]))
    return tasks


def build_solver(cfg: Any, spec: EvalSpec, run: Run | None, stack: contextlib.ExitStack) -> Any:
    return solver_from_spec(spec.solver, cfg) if spec.solver else make_solver(cfg, spec.proposer, run, stack)


def run_eval(cfg: Any, run: Run, spec: EvalSpec, tasks: TaskList | None = None, **callbacks: Any) -> dict[str, Any]:
    """Select the tasks (or take `tasks`, already selected by `select_tasks(spec)`), build the solver (its
    resources are closed at the end) and evaluate in `run`."""
    if tasks is None:
        tasks = select_tasks(spec, run)
    elif not (run.path / TASKS).exists():
        atomic_write(run.path / TASKS, json.dumps([t.id for t in tasks]))
    with contextlib.ExitStack() as stack:
        solver = build_solver(cfg, spec, run, stack)
        return evaluate(list(tasks), solver, run, time_limit_s=cfg.arc.time_limit_s, workers=cfg.arc.workers,
                        memory_mb=cfg.arc.memory_mb, load_errors=tasks.errors, executor=cfg.arc.executor,
                        address=cfg.arc.ray_address,
                        extra_summary={"dataset": spec.dataset, "split": spec.split}, **callbacks)


def resume_run(run: Run, cfg: Any) -> dict[str, Any]:
    """`synthloop runs resume` for kind "arc-eval": finish the tasks not yet in results.jsonl."""
    summary = run_eval(cfg, run, EvalSpec.from_params(run.info.params))
    print(f"{run.id}: solved {summary['solved']}/{summary['tasks']} tasks "
          f"({summary['accuracy']:.1%}); per-output {summary['output_accuracy']:.1%}; report {run.path / REPORT}")
    return summary
