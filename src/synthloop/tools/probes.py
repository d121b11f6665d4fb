"""Containment probes: try each escape against a real sandbox and say whether it was stopped (for `sandbox check`)."""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .sandbox import ExecResult, Limits, Sandbox, SandboxUnavailable


@dataclass
class ProbeResult:
    name: str
    contained: bool
    detail: str
    seconds: float


@contextmanager
def _scratch() -> Iterator[Path]:
    d = Path(tempfile.mkdtemp(prefix="synthloop-probe-"))
    os.chmod(d, 0o755)
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


def _pids_of_uid(uid: int) -> list[int]:
    """Live pids of uid (zombies are dead, only waiting for their parent to reap them)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/status") as fh:
                    fields = dict(line.split(":", 1) for line in fh if ":" in line)
            except OSError:
                continue
            if int(fields.get("Uid", "-1 ").split()[0]) == uid and not fields.get("State", "").strip().startswith("Z"):
                pids.append(int(entry))
    return pids


def _sandbox_uid(sb: Sandbox) -> int | None:
    """The host uid the sandboxed processes run as (the configured uid only when we are root)."""
    uid = getattr(sb, "uid", None)
    return uid if os.geteuid() == 0 else os.getuid()


def _leftovers(uid: int | None, baseline: set[int]) -> list[int]:
    if uid is None:
        return []
    deadline = time.monotonic() + 5
    while True:
        left = [p for p in _pids_of_uid(uid) if p not in baseline]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)


def _py(sb: Sandbox, code: str, wd: Path, **lim: float) -> ExecResult:
    return sb.run(["python", "-c", code], workdir=wd, limits=Limits(**lim))


def probe_network(sb: Sandbox, wd: Path) -> tuple[bool, str]:
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    srv.setblocking(False)
    try:
        code = (
            "import socket\ns = socket.socket(); s.settimeout(2)\n"
            f"try:\n    s.connect(('127.0.0.1', {srv.getsockname()[1]})); print('CONNECTED')\n"
            "except OSError as e:\n    print('blocked:', e)\n"
        )
        res = _py(sb, code, wd, timeout_s=20)
        try:
            srv.accept()
            accepted = True
        except BlockingIOError:
            accepted = False
    finally:
        srv.close()
    ok = "blocked" in res.stdout and not accepted
    return ok, res.stdout.strip() or res.stderr.strip()[-200:]


def probe_write_outside(sb: Sandbox, wd: Path) -> tuple[bool, str]:
    with _scratch() as outside:
        os.chmod(outside, 0o777)
        targets = [f"{outside}/x", "/usr/x", "/etc/x", "/root/x"]
        code = (
            f"for p in {targets!r}:\n    try:\n        open(p, 'w').write('x'); print('WROTE', p)\n"
            "    except OSError as e:\n        print('denied', p)\n"
        )
        res = _py(sb, code, wd, timeout_s=20)
        landed = os.listdir(outside) or [p for p in targets[1:] if os.path.exists(p)]
    ok = "WROTE" not in res.stdout and res.stdout.count("denied") == len(targets) and not landed
    return ok, f"{res.stdout.count('denied')}/{len(targets)} writes denied"


def probe_read_secret(sb: Sandbox, wd: Path) -> tuple[bool, str]:
    with _scratch() as d:
        secret = d / "secret.txt"
        secret.write_text("TOPSECRET")
        os.chmod(secret, 0o600)
        code = f"try:\n    print(open({str(secret)!r}).read())\nexcept OSError as e:\n    print('denied:', type(e).__name__)\n"
        res = _py(sb, code, wd, timeout_s=20)
    return "TOPSECRET" not in res.stdout and "denied" in res.stdout, res.stdout.strip()


def probe_fork_bomb(sb: Sandbox, wd: Path) -> tuple[bool, str]:
    uid = _sandbox_uid(sb)
    baseline = set(_pids_of_uid(uid)) if uid is not None else set()
    code = "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
    t0 = time.monotonic()
    res = _py(sb, code, wd, timeout_s=3, max_processes=32)
    took = time.monotonic() - t0
    left = _leftovers(uid, baseline)
    return res.timed_out and took < 20 and not left, f"stopped after {took:.1f}s, {len(left)} processes left"


def probe_infinite_loop(sb: Sandbox, wd: Path) -> tuple[bool, str]:
    res = _py(sb, "while True:\n    pass\n", wd, timeout_s=1)
    return res.timed_out, f"timed_out={res.timed_out} after {res.duration_s:.1f}s"


def probe_allocation(sb: Sandbox, wd: Path) -> tuple[bool, str]:
    res = _py(sb, "x = bytearray(10 * 1024 ** 3)\nprint('ALLOCATED')\n", wd, timeout_s=30, memory_mb=512)
    return res.oom and "ALLOCATED" not in res.stdout, f"oom={res.oom}"


def probe_escape(sb: Sandbox, wd: Path) -> tuple[bool, str]:
    """A setsid'd double-forked grandchild keeps writing a heartbeat; after the run returns the beat must stop."""
    uid = _sandbox_uid(sb)
    baseline = set(_pids_of_uid(uid)) if uid is not None else set()
    code = (
        "import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
        "        for i in range(600):\n            open('/work/beat.tmp', 'w').write(str(i))\n"
        "            os.replace('/work/beat.tmp', '/work/beat')\n            time.sleep(0.1)\n"
        "        os._exit(0)\n    os._exit(0)\ntime.sleep(0.5)\n"
    )
    _py(sb, code, wd, timeout_s=5)
    beat = wd / "beat"
    first = beat.read_text() if beat.exists() else None
    time.sleep(1.0)
    alive = first is not None and beat.read_text() != first
    left = _leftovers(uid, baseline)
    if first is None:
        return False, "the grandchild never started (probe inconclusive)"
    return not alive and not left, "grandchild still running" if alive else f"{len(left)} processes left"


PROBES: dict[str, Callable[[Sandbox, Path], tuple[bool, str]]] = {
    "network to a loopback listener": probe_network,
    "write outside the work dir": probe_write_outside,
    "read a root-only file": probe_read_secret,
    "fork bomb": probe_fork_bomb,
    "infinite loop": probe_infinite_loop,
    "10 GB allocation": probe_allocation,
    "setsid/double-fork escape": probe_escape,
}


# Probes run as their own uid, so the fork bomb never starves other sandboxes (RLIMIT_NPROC counts per uid) and the
# leftover-process scan only sees the probe's processes.
PROBE_UID = 61230


def run_probes(sb: Sandbox) -> list[ProbeResult]:
    """Run every probe in a fresh work dir; exceptions count as not contained (with the message).

    Build `sb` with uid=PROBE_UID (as `synthloop sandbox check` does) when other sandboxes run on this machine.
    """
    out = []
    for name, probe in PROBES.items():
        t0 = time.monotonic()
        with _scratch() as wd:
            try:
                ok, detail = probe(sb, wd)
            except SandboxUnavailable:
                raise
            except Exception as e:  # noqa: BLE001 - a probe that breaks is reported, not raised
                ok, detail = False, f"{type(e).__name__}: {e}"
        out.append(ProbeResult(name, ok, detail, time.monotonic() - t0))
    return out


def latency(sb: Sandbox, n: int = 15) -> float:
    """Median seconds to run a tiny python program (`pass`) in the sandbox."""
    with _scratch() as wd:
        times = []
        for _ in range(n):
            t0 = time.perf_counter()
            sb.run(["python", "-c", "pass"], workdir=wd, limits=Limits(timeout_s=30))
            times.append(time.perf_counter() - t0)
    return statistics.median(times)
