"""Where tasks run: killable process workers (symbolic solvers) or threads of the parent (model-backed solvers).

Process workers are persistent (numpy is imported once), each with an address-space limit (RLIMIT_AS). A task that
overruns its deadline by more than the grace period is killed with its worker, recorded as timed out, and the
worker is restarted. Messages are JSON bytes over a pipe; the parent never unpickles what a worker sends.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import pickle
import resource
import signal
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as wait_conns
from typing import Any

from ..errors import UserError
from .dataset import parse_task, task_to_json
from .grid import ArcTask
from .outcome import TaskResult, dumps, failed_result, solve_task

STARTUP_TIMEOUT_S = 120.0


class WorkerStartError(UserError):
    """A worker process could not start (usually: the solver cannot be imported there); one line for the CLI."""


def default_grace(time_limit_s: float) -> float:
    """How long past its deadline a task may run before its worker is killed."""
    return min(max(2.0, 0.25 * time_limit_s), 30.0)


def _worker_main(conn: Connection, solver: Any, memory_mb: int) -> None:
    """A worker: set the memory limit, say ready, then solve tasks sent as JSON until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business
    if memory_mb > 0:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
    conn.send_bytes(b'{"ready": true}')
    while True:
        try:
            msg = json.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        if msg.get("stop"):
            return
        task = parse_task(msg["task"], msg["id"])
        try:
            result = solve_task(solver, task, msg["deadline"])
            payload = dumps(result).encode()
        except MemoryError:
            payload = dumps(failed_result(task, "MemoryError: out of the worker's memory limit")).encode()
        conn.send_bytes(payload)


@dataclass
class _Worker:
    proc: Any
    conn: Connection
    ready: bool = False
    started: float = 0.0
    task: ArcTask | None = None
    sent_at: float = 0.0
    kill_at: float = 0.0


class ProcessRunner:
    """Runs tasks in `workers` child processes; see the module docstring."""

    def __init__(self, solver: Any, *, time_limit_s: float, workers: int = 1, memory_mb: int = 2048,
                 grace_s: float | None = None, start_method: str = "spawn"):
        try:
            pickle.dumps(solver)
        except Exception as e:
            raise UserError(f"solver {getattr(solver, 'name', solver)!r} cannot be sent to worker processes ({e}); "
                            "give it in_parent = True to run it in threads instead") from None
        self.solver = solver
        self.time_limit_s = time_limit_s
        self.n_workers = max(1, workers)
        self.memory_mb = memory_mb
        self.grace_s = default_grace(time_limit_s) if grace_s is None else grace_s
        self.ctx = mp.get_context(start_method)
        self.restarts = 0

    def _start(self) -> _Worker:
        parent, child = self.ctx.Pipe(duplex=True)
        proc = self.ctx.Process(target=_worker_main, args=(child, self.solver, self.memory_mb),
                                daemon=True, name="synthloop-arc-worker")
        proc.start()
        child.close()
        return _Worker(proc, parent, started=time.monotonic())

    @staticmethod
    def _kill(w: _Worker) -> None:
        if w.proc.is_alive():
            w.proc.kill()
        w.proc.join(5)
        w.conn.close()

    def _stop(self, w: _Worker) -> None:
        if w.ready and w.task is None and w.proc.is_alive():
            try:
                w.conn.send_bytes(b'{"stop": true}')
                w.proc.join(2)
            except OSError:
                pass
        self._kill(w)

    def run(self, tasks: list[ArcTask]) -> Iterator[TaskResult]:
        """Yield one TaskResult per task, in completion order. Closing the iterator kills the workers."""
        pending = deque(tasks)
        workers = [self._start() for _ in range(min(self.n_workers, len(tasks)))]
        try:
            while pending or any(w.task is not None for w in workers):
                now = time.monotonic()
                for w in workers:
                    if w.ready and w.task is None and pending:
                        task = pending.popleft()
                        deadline = time.monotonic() + self.time_limit_s
                        w.conn.send_bytes(json.dumps({"id": task.id, "task": task_to_json(task),
                                                      "deadline": deadline}).encode())
                        w.task, w.sent_at, w.kill_at = task, time.monotonic(), deadline + self.grace_s
                waits = [w.kill_at - now for w in workers if w.task is not None]
                waits += [w.started + STARTUP_TIMEOUT_S - now for w in workers if not w.ready]
                timeout = min([1.0, *waits])
                by_conn = {id(w.conn): w for w in workers}
                for conn in wait_conns([w.conn for w in workers], timeout=max(0.0, timeout)):
                    w = by_conn[id(conn)]
                    try:
                        data = json.loads(w.conn.recv_bytes())
                    except (EOFError, OSError):
                        yield from self._replace_dead(workers, w)
                        continue
                    if not w.ready:
                        w.ready = True
                        continue
                    task, w.task = w.task, None
                    if task is not None:
                        yield TaskResult.from_json(data)
                now = time.monotonic()
                for i, w in enumerate(workers):
                    if w.task is not None and now > w.kill_at:
                        task, wall = w.task, now - w.sent_at
                        self._kill(w)
                        workers[i] = self._start()
                        self.restarts += 1
                        yield failed_result(task, f"timed out: killed after {wall:.1f}s (limit {self.time_limit_s:g}s)",
                                            timed_out=True, wall_s=round(wall, 3))
                    elif not w.ready and now > w.started + STARTUP_TIMEOUT_S:
                        raise WorkerStartError(f"an ARC worker did not start within {STARTUP_TIMEOUT_S:.0f}s")
        finally:
            for w in workers:
                self._stop(w)

    def _replace_dead(self, workers: list[_Worker], w: _Worker) -> Iterator[TaskResult]:
        w.proc.join(5)
        code = w.proc.exitcode
        if not w.ready:
            raise WorkerStartError(f"an ARC worker exited while starting (exit code {code}); its error is printed "
                                   "above (is the solver importable in a fresh Python process?)")
        task, wall = w.task, time.monotonic() - w.sent_at
        self._kill(w)
        workers[workers.index(w)] = self._start()
        self.restarts += 1
        if task is not None:
            why = "killed by a signal (likely out of memory)" if code is not None and code < 0 else f"exit code {code}"
            yield failed_result(task, f"worker died: {why}", wall_s=round(wall, 3))


class ThreadRunner:
    """Runs tasks in threads of this process: for solvers that hold a model, budget or cache (no hard kill:
    the solver must respect its deadline). CPU seconds are the solving thread's own."""

    def __init__(self, solver: Any, *, time_limit_s: float, workers: int = 1):
        self.solver = solver
        self.time_limit_s = time_limit_s
        self.n_workers = max(1, workers)

    def _one(self, task: ArcTask) -> TaskResult:
        return solve_task(self.solver, task, time.monotonic() + self.time_limit_s, cpu_clock=time.thread_time)

    def run(self, tasks: list[ArcTask]) -> Iterator[TaskResult]:
        pending = deque(tasks)
        ex = ThreadPoolExecutor(self.n_workers, thread_name_prefix="synthloop-arc")
        running: set[Future] = set()
        try:
            while pending or running:
                while pending and len(running) < self.n_workers:
                    running.add(ex.submit(self._one, pending.popleft()))
                done, running = wait(running, return_when=FIRST_COMPLETED)
                for fut in done:
                    yield fut.result()
        finally:
            ex.shutdown(wait=False, cancel_futures=True)
