"""Shared pieces of the backends: the clean environment, capped output, and how an exit is classified."""

from __future__ import annotations

import os
import signal
from collections.abc import Mapping
from pathlib import Path
from typing import IO

from .sandbox import SandboxUnavailable

BASE_ENV: dict[str, str] = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "/work",
    "LANG": "C.UTF-8",
    "USER": "sandbox",
    "TMPDIR": "/tmp",
    "PYTHONDONTWRITEBYTECODE": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}

_OOM_MARKERS = ("MemoryError", "std::bad_alloc", "Cannot allocate memory", "out of memory", "Unable to allocate")
# A process that hits RLIMIT_AS in C code often dies by one of these instead of raising MemoryError.
_OOM_SIGNALS = {signal.SIGKILL, signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS}


def sandbox_env(extra: Mapping[str, str] | None) -> dict[str, str]:
    """The sandbox's whole environment: BASE_ENV plus the caller's variables (nothing from the host)."""
    env = dict(BASE_ENV)
    for k, v in (extra or {}).items():
        if not isinstance(k, str) or not k or "=" in k or "\x00" in k or "\x00" in str(v):
            raise ValueError(f"bad environment variable name {k!r}")
        env[k] = str(v)
    return env


def exit_signal(returncode: int) -> int | None:
    """The signal that ended the program: negative codes (direct child) or 128+N (reported by a wrapper)."""
    if returncode < 0:
        return -returncode
    if 128 < returncode < 128 + 65:
        return returncode - 128
    return None


def is_oom(returncode: int, stderr: str, timed_out: bool) -> bool:
    """Out of memory: a MemoryError-like message, or death by a signal typical of a failed allocation."""
    if timed_out or returncode == 0:
        return False
    tail = stderr[-4000:]
    if any(m in tail for m in _OOM_MARKERS):
        return True
    sig = exit_signal(returncode)
    return sig is not None and sig in _OOM_SIGNALS


def cpu_exhausted(returncode: int) -> bool:
    """Killed for exceeding RLIMIT_CPU (SIGXCPU): counts as a timeout."""
    return exit_signal(returncode) == signal.SIGXCPU


def read_capped(fh: IO[bytes], max_bytes: int) -> str:
    """Read a captured stream from the start; keep at most max_bytes (the tail is cut with a marker)."""
    fh.flush()
    fh.seek(0)
    data = fh.read(max_bytes + 1)
    text = data[:max_bytes].decode("utf-8", errors="replace")
    if len(data) > max_bytes:
        text += f"\n[... output cut at {max_bytes} bytes ...]"
    return text


def reachable_by(path: Path, uid: int, what: str = "work dir", hint: str = "") -> None:
    """Raise unless uid can search every ancestor of path (bwrap, running as uid, opens it by path)."""
    p = Path(os.path.abspath(path))
    for anc in reversed(p.parents):
        st = os.stat(anc)
        if not st.st_mode & (0o100 if st.st_uid == uid else 0o001):
            raise SandboxUnavailable(
                f"{what} {path} is not reachable by the sandbox user (uid {uid}): {anc} is not world-searchable"
                + (f"; {hint}" if hint else f" (put it elsewhere, e.g. under /tmp or the project, or chmod o+x {anc})")
            )
