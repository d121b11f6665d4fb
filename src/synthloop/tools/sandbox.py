"""The `Sandbox` seam: run a command confined, with limits; the program's own failures are data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from subprocess import Popen
from typing import IO, Protocol, runtime_checkable


class SandboxUnavailable(RuntimeError):
    """The backend cannot run here (bwrap not installed, no docker daemon, image missing); says what to install."""


@dataclass
class ExecResult:
    stdout: str
    stderr: str
    returncode: int
    timed_out: bool = False
    oom: bool = False
    duration_s: float = 0.0

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out and not self.oom


@dataclass(frozen=True)
class Limits:
    timeout_s: float = 30.0
    memory_mb: int = 1024
    max_processes: int = 64
    max_file_mb: int = 64
    max_open_files: int = 256


@runtime_checkable
class Sandbox(Protocol):
    """Runs `argv` inside the sandbox with `workdir` (host path) mounted read-write as the working directory.

    `argv[0] == "python"` means the sandbox's own Python interpreter. `files` are written into `workdir` first.
    Only infrastructure failures raise; a crash, timeout or OOM of the program is reported in ExecResult.
    """

    name: str

    def run(
        self,
        argv: Sequence[str],
        *,
        workdir: Path,
        files: Mapping[str, str | bytes] | None = None,
        stdin: str | None = None,
        limits: Limits | None = None,
        env: Mapping[str, str] | None = None,
    ) -> ExecResult: ...

    def spawn(
        self,
        argv: Sequence[str],
        *,
        workdir: Path,
        limits: Limits | None = None,
        env: Mapping[str, str] | None = None,
        stderr: int | IO[bytes] | None = None,
    ) -> Popen[bytes]:
        """Start `argv` confined with stdin/stdout pipes (binary) for an interactive child; the caller owns it.

        limits.timeout_s bounds the child's CPU seconds (the caller keeps the wall clock); `proc.kill()` stops the
        child and everything it started. stderr: a file/fd (default: discarded).
        """
        ...
