"""Run store: every command writes runs/<run_id>/ with config.toml, run.json, events.jsonl and outputs."""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

STATUSES = ("running", "interrupted", "failed", "budget_exceeded", "done")


class RunNotFound(LookupError):
    """No run with that id (or unique id prefix) exists in the runs directory."""


@dataclass
class RunInfo:
    """The run's summary, kept in run.json and rewritten atomically."""

    run_id: str
    kind: str
    argv: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    status: str = "running"
    started: float = field(default_factory=time.time)
    finished: float | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    result: dict[str, Any] = field(default_factory=dict)
    error: str = ""

    @property
    def duration_s(self) -> float:
        return (self.finished or time.time()) - self.started


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write via a temporary file in the same directory and rename over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(tmp, mode) as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class Run:
    """One run directory. Thread-safe event log; run.json updated atomically."""

    def __init__(self, path: Path, info: RunInfo):
        self.path = path
        self.info = info
        self._lock = threading.Lock()
        self._shared: dict[str, Any] = {}
        self._shared_lock = threading.Lock()
        self._tail_checked = False

    def shared(self, name: str, factory: Callable[[], Any]) -> Any:
        """A per-process object shared by everything working on this run (e.g. its budget), made once."""
        with self._shared_lock:
            if name not in self._shared:
                self._shared[name] = factory()
            return self._shared[name]

    @property
    def id(self) -> str:
        return self.info.run_id

    @property
    def checkpoint_path(self) -> Path:
        return self.path / "checkpoints.sqlite"

    @property
    def events_path(self) -> Path:
        return self.path / "events.jsonl"

    def event(self, kind: str, **data: Any) -> None:
        """Append one event (model call, tool call, verdict, ...) to events.jsonl."""
        line = json.dumps({"ts": round(time.time(), 3), "kind": kind, **data}, default=str) + "\n"
        with self._lock, open(self.events_path, "ab+") as fh:
            if not self._tail_checked:  # a line cut short by a kill must not swallow the next event
                self._tail_checked = True
                if fh.seek(0, os.SEEK_END) > 0:
                    fh.seek(-1, os.SEEK_END)
                    if fh.read(1) != b"\n":
                        line = "\n" + line
            fh.write(line.encode())

    def events(self) -> Iterator[dict[str, Any]]:
        if not self.events_path.exists():
            return
        with open(self.events_path) as fh:
            for line in fh:
                line = line.strip()
                if line:
                    try:
                        yield json.loads(line)
                    except json.JSONDecodeError:
                        continue  # a line cut short by a kill; the rest is still good

    def add_usage(self, prompt_tokens: int, completion_tokens: int, cost: float) -> None:
        with self._lock:
            self.info.prompt_tokens += prompt_tokens
            self.info.completion_tokens += completion_tokens
            self.info.cost += cost
        self.save()

    def save(self) -> None:
        with self._lock:
            atomic_write(self.path / "run.json", json.dumps(asdict(self.info), indent=2, default=str))

    def finish(self, status: str, result: dict[str, Any] | None = None, error: str = "") -> None:
        if status not in STATUSES:
            raise ValueError(f"unknown run status {status!r}")
        self.info.status = status
        self.info.finished = time.time()
        if result is not None:
            self.info.result = result
        self.info.error = error
        self.save()

    def reopen(self) -> None:
        """Mark a stopped run as running again (for `runs resume`)."""
        self.info.status = "running"
        self.info.finished = None
        self.info.error = ""
        self.save()


class RunStore:
    """The runs directory: create, list and open runs."""

    def __init__(self, root: str | Path = "runs"):
        self.root = Path(root)

    def create(self, kind: str, config_toml: str, argv: list[str] | None = None,
               params: dict[str, Any] | None = None) -> Run:
        self.root.mkdir(parents=True, exist_ok=True)
        run_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{kind}-{secrets.token_hex(3)}"
        path = self.root / run_id
        path.mkdir()
        atomic_write(path / "config.toml", config_toml)
        run = Run(path, RunInfo(run_id=run_id, kind=kind, argv=list(argv or []), params=dict(params or {})))
        run.save()
        run.event("run_started", run_kind=kind, argv=run.info.argv, params=run.info.params)
        return run

    def open(self, run_id: str) -> Run:
        path = self.root / run_id
        if not (path / "run.json").exists():
            matches = [p for p in self.root.glob(f"{run_id}*") if (p / "run.json").exists()] if self.root.exists() else []
            if len(matches) != 1:
                raise RunNotFound(f"no run {run_id!r} in {self.root}" if not matches
                                  else f"run id {run_id!r} is ambiguous ({len(matches)} runs match)")
            path = matches[0]
        try:
            data = json.loads((path / "run.json").read_text())
            info = RunInfo(**data)
        except (json.JSONDecodeError, TypeError) as e:
            raise RunNotFound(f"{path / 'run.json'} is damaged: {e}") from None
        return Run(path, info)

    def list(self) -> list[Run]:
        if not self.root.exists():
            return []
        runs = []
        for p in sorted(self.root.iterdir()):
            if (p / "run.json").exists():
                try:
                    runs.append(self.open(p.name))
                except RunNotFound:
                    continue
        return runs
