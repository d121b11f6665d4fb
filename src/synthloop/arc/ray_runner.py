"""RayRunner: ARC tasks as Ray tasks, on a local Ray instance or a cluster (`arc eval --executor ray`).

The same interface as the local runners: `run(tasks) -> Iterator[TaskResult]`, results in completion order.
The solver is put in Ray's object store once and shipped to the workers; each task's JSON goes out and its
TaskResult comes back as one JSON string (the driver parses it; it never unpickles worker objects of its own).
Limits per task:
- time: the solver gets `time_limit_s` from when its task starts; a task still running `time_limit_s + grace_s +
  startup_s` after submission (startup_s covers a Ray worker's start) is cancelled with force=True (its worker
  process is killed) and recorded as timed out;
- memory: `memory_mb` is requested as Ray's `memory` resource (scheduling) and enforced inside the task by an
  address-space limit (RLIMIT_AS) of the worker's current size + memory_mb, lifted again when the task ends.
Ray workers must be able to import synthloop (and a custom solver's module): install it on every node.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..agents.ray_map import ray_session
from ..errors import UserError
from .dataset import parse_task, task_to_json
from .grid import ArcTask
from .outcome import TaskResult, dumps, failed_result, solve_task
from .runners import default_grace

MIB = 1024 * 1024
STARTUP_S = 10.0  # allowance for a (re)started Ray worker to import numpy and synthloop before solving


def _vm_size_bytes() -> int:
    """This process's current virtual memory size (Linux /proc/self/statm; 0 where unknown)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


@contextlib.contextmanager
def address_space_limit(memory_mb: int) -> Iterator[None]:
    """Let this process grow by at most `memory_mb` MiB of address space while the block runs (a reusable Ray
    worker cannot take an absolute limit: Ray itself maps gigabytes); the previous limit comes back after."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    current = _vm_size_bytes()
    if memory_mb <= 0 or current <= 0:
        yield
        return
    limit = current + memory_mb * MIB
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft != resource.RLIM_INFINITY:
        limit = min(limit, soft)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def solve_remote(solver: Any, task_data: dict[str, Any], task_id: str, time_limit_s: float, memory_mb: int) -> str:
    """The Ray task body: solve one task under the limits and return its TaskResult as a JSON string."""
    task = parse_task(task_data, task_id)
    try:
        with address_space_limit(memory_mb):
            result = solve_task(solver, task, time.monotonic() + time_limit_s)
    except MemoryError:
        result = failed_result(task, "MemoryError: out of the task's memory limit")
    return dumps(result)


@dataclass
class _InFlight:
    task: ArcTask
    submitted: float
    kill_at: float


class RayRunner:
    """Runs tasks as Ray tasks with at most `workers` in flight; see the module docstring.

    `address`: a Ray cluster ("auto", "HOST:6379", "ray://HOST:10001"); None or "" starts a local Ray instance
    with `workers` CPUs for the duration of `run` (an already-initialised Ray session is used as it is)."""

    def __init__(self, solver: Any, *, time_limit_s: float, workers: int = 1, memory_mb: int = 2048,
                 grace_s: float | None = None, address: str | None = None, startup_s: float = STARTUP_S):
        self.solver = solver
        self.time_limit_s = time_limit_s
        self.n_workers = max(1, workers)
        self.memory_mb = memory_mb
        self.grace_s = default_grace(time_limit_s) if grace_s is None else grace_s
        self.address = address or None
        self.startup_s = startup_s
        self.cancelled = 0  # tasks killed for running past their deadline
        self.crashed = 0  # tasks whose Ray worker died

    def run(self, tasks: list[ArcTask]) -> Iterator[TaskResult]:
        """Yield one TaskResult per task, in completion order. Closing the iterator cancels the running tasks."""
        if not tasks:
            return
        with ray_session(self.address, num_cpus=self.n_workers) as ray:
            yield from self._run(ray, tasks)

    def _run(self, ray: Any, tasks: list[ArcTask]) -> Iterator[TaskResult]:
        opts: dict[str, Any] = {"num_cpus": 1, "max_retries": 0, "retry_exceptions": False}
        if self.memory_mb > 0:
            opts["memory"] = self.memory_mb * MIB
        remote = ray.remote(solve_remote).options(**opts)
        try:
            solver_ref = ray.put(self.solver)
        except Exception as e:
            raise UserError(f"solver {getattr(self.solver, 'name', self.solver)!r} cannot be sent to Ray workers "
                            f"({type(e).__name__}: {e})") from None
        pending = deque(tasks)
        running: dict[Any, _InFlight] = {}
        try:
            while pending or running:
                while pending and len(running) < self.n_workers:
                    task = pending.popleft()
                    ref = remote.remote(solver_ref, task_to_json(task), task.id, self.time_limit_s, self.memory_mb)
                    now = time.monotonic()
                    running[ref] = _InFlight(task, now, now + self.time_limit_s + self.grace_s + self.startup_s)
                now = time.monotonic()
                timeout = max(0.0, min([1.0, *(j.kill_at - now for j in running.values())]))
                ready, rest = ray.wait(list(running), num_returns=1, timeout=timeout)
                if ready and rest:  # collect everything else that is already done too
                    more, _ = ray.wait(rest, num_returns=len(rest), timeout=0)
                    ready += more
                for ref in ready:
                    yield self._collect(ray, ref, running.pop(ref))
                now = time.monotonic()
                for ref, job in list(running.items()):
                    if now > job.kill_at:
                        ray.cancel(ref, force=True)
                        del running[ref]
                        self.cancelled += 1
                        wall = now - job.submitted
                        yield failed_result(job.task, f"timed out: cancelled after {wall:.1f}s "
                                            f"(limit {self.time_limit_s:g}s)", timed_out=True, wall_s=round(wall, 3))
        finally:
            for ref in running:
                ray.cancel(ref, force=True)

    def _collect(self, ray: Any, ref: Any, job: _InFlight) -> TaskResult:
        """The finished task's result; a dead worker becomes a failed result, other Ray failures stop the run."""
        wall = round(time.monotonic() - job.submitted, 3)
        try:
            payload = ray.get(ref)
        except (ray.exceptions.WorkerCrashedError, ray.exceptions.OutOfMemoryError,
                ray.exceptions.TaskCancelledError) as e:
            self.crashed += 1
            return failed_result(job.task, f"worker died: {type(e).__name__} (likely out of memory)", wall_s=wall)
        except ray.exceptions.RayError as e:  # the solver's own errors are data (solve_task); this is Ray's
            last = next((ln.strip() for ln in reversed(str(e).splitlines()) if ln.strip()), type(e).__name__)
            raise UserError(f"the Ray task for {job.task.id} failed outside the solver ({last}); are synthloop and "
                            "the solver's module installed on every Ray node?") from None
        if not isinstance(payload, str):
            raise RuntimeError(f"Ray task for {job.task.id} returned {type(payload).__name__}, not JSON text")
        result = TaskResult.from_json(json.loads(payload))
        if result.task_id != job.task.id:
            raise RuntimeError(f"Ray task for {job.task.id} answered for {result.task_id}")
        return result
