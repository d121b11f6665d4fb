"""A pool of persistent sandboxed Python workers that run many small functions (ARC candidates) as plain JSON data.

Each worker is `worker_main.py` run by the sandbox's python inside the sandbox (spawned with `Sandbox.spawn`). Jobs
go out in batches (one JSON line per batch), results come back one JSON line per job; nothing is ever unpickled.
Soft timeouts are enforced inside the worker (timeout_s of CPU, wall_limit(timeout_s) of wall time, by signals); if
a worker stops answering (C code that ignores signals, a candidate that swallows the timeout) the host kills it after
`wall_limit(timeout_s) + grace_s`, reports the job as timed out, starts a fresh worker and carries on with the rest.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import select
import shutil
import subprocess
import tempfile
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .sandbox import Limits, Sandbox, SandboxUnavailable

_WORKER_SOURCE = Path(__file__).with_name("worker_main.py")
_START_TIMEOUT_S = 30.0
_MAX_START_FAILURES = 3


def wall_limit(timeout_s: float) -> float:
    """Wall-clock seconds a call may take in the worker: its CPU budget plus room for a busy host."""
    return 3 * timeout_s + 0.5


@dataclass(frozen=True)
class Job:
    """Call `entry(*args)` from `code` within timeout_s CPU seconds (and wall_limit(timeout_s) wall seconds).

    `arrays=True` turns top-level list args into numpy arrays in the worker.
    """

    code: str
    entry: str
    args: list[Any]
    timeout_s: float = 1.0
    arrays: bool = False


@dataclass
class CallResult:
    ok: bool
    value: Any = None
    error: str | None = None
    timed_out: bool = False
    duration_s: float = 0.0
    stdout: str = ""


@dataclass
class _Worker:
    proc: subprocess.Popen[bytes]
    log: IO[bytes]
    ready: bool = False
    started: float = field(default_factory=time.monotonic)
    buf: bytearray = field(default_factory=bytearray)
    batch: list[int] = field(default_factory=list)
    done: int = 0
    deadline: float = math.inf
    eof: bool = False
    cpu_s: float = 0.0

    @property
    def fd(self) -> int:
        assert self.proc.stdout is not None
        return self.proc.stdout.fileno()

    def log_tail(self, n: int = 1500) -> str:
        self.log.flush()
        self.log.seek(0, os.SEEK_END)
        size = self.log.tell()
        self.log.seek(max(0, size - n))
        return self.log.read().decode(errors="replace").strip()


class WorkerPool:
    """Persistent sandboxed workers. Use as a context manager; `run(jobs)` returns one CallResult per job, in order."""

    def __init__(
        self,
        sandbox: Sandbox,
        size: int = 2,
        memory_mb: int = 512,
        python: str = "python",
        *,
        grace_s: float = 1.0,
        max_batch: int = 64,
        cpu_budget_s: float = 24 * 3600,
        max_processes: int = 16,
    ) -> None:
        if size < 1:
            raise ValueError("pool size must be >= 1")
        self.sandbox = sandbox
        self.size = size
        self.memory_mb = memory_mb
        self.python = python
        self.grace_s = grace_s
        self.max_batch = max_batch
        self.limits = Limits(timeout_s=cpu_budget_s, memory_mb=memory_mb, max_processes=max_processes)
        self.respawns = 0
        self.incidents: deque[str] = deque(maxlen=100)  # why workers were replaced, newest last
        self._retired_cpu_s = 0.0
        self._workers: list[_Worker] = []
        self._dir: Path | None = None
        self._lock = threading.Lock()
        self._closed = False
        # Workers are started from one long-lived thread: bwrap's --die-with-parent fires when the *thread* that
        # started it exits, so spawning from a caller's short-lived thread would kill them.
        self._spawner: ThreadPoolExecutor | None = None

    # ---- lifecycle --------------------------------------------------------------------------------------------

    def __enter__(self) -> WorkerPool:
        try:
            self.start()
        except BaseException:
            self.close()  # __exit__ will not run: kill what started and remove the scratch dir
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Start the workers (also done lazily by run) and wait until each has loaded."""
        with self._lock:
            self._ensure_started()

    def close(self) -> None:
        """Kill every worker and remove the pool's scratch dir."""
        with self._lock:
            self._closed = True
            for w in self._workers:
                self._stop(w)
            self._workers.clear()
            if self._spawner is not None:
                self._spawner.shutdown(wait=True)
                self._spawner = None
            if self._dir is not None:
                shutil.rmtree(self._dir, ignore_errors=True)
                self._dir = None

    def _ensure_started(self) -> None:
        if self._closed:
            raise RuntimeError("the worker pool is closed")
        if self._dir is None:
            self._dir = Path(tempfile.mkdtemp(prefix="synthloop-pool-"))
            os.chmod(self._dir, 0o755)
        while len(self._workers) < self.size:
            self._workers.append(self._spawn())
        for w in list(self._workers):
            if w.ready and w.proc.poll() is not None:
                # e.g. bwrap's --die-with-parent fired because the thread that started it has exited
                self._replace(w, f"worker exited while idle (exit code {w.proc.returncode}); restarted")
        self._wait_ready()

    def _spawn(self) -> _Worker:
        assert self._dir is not None
        if self._spawner is None:
            self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="synthloop-pool-spawner")
        log = tempfile.TemporaryFile()
        argv = [self.python, "-I", "-c", _WORKER_SOURCE.read_text()]
        try:
            proc = self._spawner.submit(
                self.sandbox.spawn, argv, workdir=self._dir, limits=self.limits, stderr=log
            ).result()
        except BaseException:
            log.close()
            raise
        return _Worker(proc=proc, log=log)

    def _stop(self, w: _Worker) -> None:
        try:
            w.proc.kill()
        except OSError:
            pass
        try:
            w.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        for f in (w.proc.stdin, w.proc.stdout):
            try:
                if f is not None:
                    f.close()
            except OSError:
                pass
        w.log.close()

    def _wait_ready(self) -> None:
        """Block until every worker said ready; a worker that dies at start is retried, then reported."""
        failures = 0
        while True:
            pending = [w for w in self._workers if not w.ready]
            if not pending:
                return
            readable, _, _ = select.select([w.fd for w in pending], [], [], 0.5)
            for w in pending:
                if w.fd in readable:
                    self._read(w)
                if not w.ready and (self._dead(w) or time.monotonic() - w.started > _START_TIMEOUT_S):
                    failures += 1
                    tail = w.log_tail()
                    self._replace(w, f"worker failed to start: {tail[-300:] or 'no output'}")
                    if failures >= _MAX_START_FAILURES:
                        raise SandboxUnavailable(f"pool worker failed to start: {tail or 'no output'}")

    @property
    def cpu_s(self) -> float:
        """CPU seconds the workers have used (as they reported; a killed worker's last report counts)."""
        return self._retired_cpu_s + sum(w.cpu_s for w in self._workers)

    def _replace(self, w: _Worker, why: str) -> _Worker:
        self.incidents.append(why)
        self._retired_cpu_s += w.cpu_s
        self._stop(w)
        i = self._workers.index(w)
        self._workers[i] = self._spawn()
        self.respawns += 1
        return self._workers[i]

    @staticmethod
    def _dead(w: _Worker) -> bool:
        """The worker's channel closed (it exited, was killed, or closed its protocol fd)."""
        return w.eof

    # ---- running jobs -----------------------------------------------------------------------------------------

    def run(self, jobs: list[Job]) -> list[CallResult]:
        """Run all jobs on the workers; every job gets a CallResult (failures and timeouts are data)."""
        if not jobs:
            return []
        with self._lock:
            self._ensure_started()
            return self._run(jobs)

    def _run(self, jobs: list[Job]) -> list[CallResult]:
        wire = [self._wire(j) for j in jobs]
        results: list[CallResult | None] = [None] * len(jobs)
        queue: deque[int] = deque(range(len(jobs)))
        per = max(1, min(self.max_batch, math.ceil(len(jobs) / (self.size * 4))))
        while queue or any(w.batch for w in self._workers):
            for w in self._workers:
                if w.ready and not w.batch and queue:
                    batch = [queue.popleft() for _ in range(min(per, len(queue)))]
                    self._send(w, batch, wire, jobs)
            busy = [w for w in self._workers if w.batch or not w.ready]
            now = time.monotonic()
            wait = max(0.0, min((w.deadline for w in busy if w.batch), default=now + 0.5) - now)
            readable, _, _ = select.select([w.fd for w in busy], [], [], min(wait, 0.5))
            for w in list(busy):
                if w.fd in readable:
                    self._collect(w, jobs, results)
                if w.batch and (self._dead(w) or time.monotonic() > w.deadline):
                    self._fail_current(w, jobs, results, queue)
                elif not w.ready and (self._dead(w) or time.monotonic() - w.started > _START_TIMEOUT_S):
                    tail = w.log_tail()
                    self._replace(w, f"worker failed to start: {tail[-300:] or 'no output'}")
                    if self.respawns > 10 * self.size + len(jobs):
                        raise SandboxUnavailable(f"pool workers keep failing to start: {tail or 'no output'}")
        return [r if r is not None else CallResult(ok=False, error="not run") for r in results]

    @staticmethod
    def _wire(job: Job) -> bytes:
        """The job as its JSON text (numpy arrays in args become lists); bad jobs raise before anything is sent."""
        if not isinstance(job.code, str) or not isinstance(job.entry, str):
            raise TypeError("Job.code and Job.entry must be strings")
        if not job.timeout_s > 0:
            raise ValueError(f"Job.timeout_s must be > 0, got {job.timeout_s}")
        h = hashlib.sha256(job.code.encode()).hexdigest()[:24]
        msg = {
            "h": h,
            "code": job.code,
            "entry": job.entry,
            "args": list(job.args),
            "timeout": float(job.timeout_s),
            "wall": wall_limit(job.timeout_s),
            "arrays": bool(job.arrays),
        }
        try:
            return json.dumps(msg, separators=(",", ":"), default=_plain).encode()
        except (TypeError, ValueError) as e:
            raise TypeError(f"Job.args must be JSON data (lists, numbers, strings, numpy arrays): {e}") from e

    def _send(self, w: _Worker, batch: list[int], wire: list[bytes], jobs: list[Job]) -> None:
        line = b'{"jobs":[' + b",".join(wire[i] for i in batch) + b"]}\n"
        w.batch, w.done = batch, 0
        w.deadline = time.monotonic() + wall_limit(jobs[batch[0]].timeout_s) + self.grace_s
        assert w.proc.stdin is not None
        try:
            w.proc.stdin.write(line)
            w.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass  # the worker died; noticed by the loop

    def _read(self, w: _Worker) -> list[bytes]:
        try:
            chunk = os.read(w.fd, 1 << 20)
        except OSError:
            chunk = b""
        if not chunk:
            w.eof = True
            return []
        w.buf += chunk
        *lines, rest = bytes(w.buf).split(b"\n")
        w.buf = bytearray(rest)
        out = []
        for line in lines:
            if not w.ready:
                w.ready = self._is_ready(line)
            else:
                out.append(line)
        return out

    @staticmethod
    def _is_ready(line: bytes) -> bool:
        try:
            return json.loads(line).get("ready") is True
        except (ValueError, AttributeError):
            return False

    def _collect(self, w: _Worker, jobs: list[Job], results: list[CallResult | None]) -> None:
        for line in self._read(w):
            if w.done >= len(w.batch):
                break  # chatter beyond the batch: ignored (the worker is replaced if it misbehaves further)
            idx = w.batch[w.done]
            results[idx] = self._parse(line, w)
            w.done += 1
            if w.done < len(w.batch):
                w.deadline = time.monotonic() + wall_limit(jobs[w.batch[w.done]].timeout_s) + self.grace_s
        if w.done >= len(w.batch):
            w.batch, w.done, w.deadline = [], 0, math.inf

    @staticmethod
    def _parse(line: bytes, w: _Worker) -> CallResult:
        try:
            d = json.loads(line)
            cpu = d.get("cpu")
            if isinstance(cpu, (int, float)):
                w.cpu_s = float(cpu)
            return CallResult(
                ok=bool(d["ok"]),
                value=d.get("value"),
                error=None if d.get("error") is None else str(d["error"]),
                timed_out=bool(d.get("timed_out", False)),
                duration_s=float(d.get("duration_s", 0.0)),
                stdout=str(d.get("stdout", "")),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return CallResult(ok=False, error="protocol error: the worker sent malformed data")

    def _fail_current(self, w: _Worker, jobs: list[Job], results: list[CallResult | None], queue: deque[int]) -> None:
        """The worker hung or died on its current job: record that job, requeue the rest, start a fresh worker."""
        idx = w.batch[w.done]
        hung = not self._dead(w)
        if not hung:
            try:
                w.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        code = w.proc.returncode
        if hung:
            limit = wall_limit(jobs[idx].timeout_s) + self.grace_s
            results[idx] = CallResult(
                ok=False,
                error=f"hard timeout: no answer within {limit:.2f}s, worker killed",
                timed_out=True,
                duration_s=limit,
            )
        else:
            results[idx] = CallResult(ok=False, error=f"the worker died running this call (exit code {code})")
        queue.extendleft(reversed(w.batch[w.done + 1 :]))
        w.batch = []
        self._replace(w, results[idx].error or "")


def _plain(obj: Any) -> Any:
    """json.dumps fallback for numpy values in job args (host side only)."""
    tolist = getattr(obj, "tolist", None)
    if callable(tolist):
        return tolist()
    raise TypeError(f"{type(obj).__name__} is not JSON data")
