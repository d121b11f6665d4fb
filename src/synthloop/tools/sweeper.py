"""The orphan sweeper: a small process that outlives its host and ends the host's sandboxes when the host goes.

bwrap's --die-with-parent arms PR_SET_PDEATHSIG only once bwrap (and, for the sandbox's pid-namespace init, its
clone) is running, and never checks whether the parent already died; a host killed in that moment (kill -9 of a
run while it starts a sandbox) leaves a sandbox init that nothing ends. So each `BwrapSandbox` starts one sweeper
(`start`) and keeps the write end of a pipe to it. The kernel closes that pipe however the host ends (or when the
sandbox object is dropped); the sweeper then, for `SWEEP_S` seconds, kills every process of the sandbox uid whose
command line carries the sandbox's mark (prlimit, the outer bwrap and its clones; the programs inside die with
their pid namespace's init). Run as a script: `python sweeper.py UID MARK`; standard library only.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

SWEEP_S = 5.0  # how long after the host goes the sweeper keeps looking (a sandbox mid-start needs a moment)
MARK_DIR = "/run/synthloop-sandbox"  # marks are bound from here with --ro-bind-try: a path that need not exist


def start(uid: int, mark: str) -> subprocess.Popen[bytes]:
    """Start the sweeper for the sandboxes of `uid` marked `mark`; it sweeps once its stdin closes."""
    return subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), str(uid), mark],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd="/",
        start_new_session=True,  # a Ctrl-C to the host's process group is not meant for it
    )


def marked(uid: int, mark: str) -> list[int]:
    """The pids of the processes whose real uid is `uid` and whose command line contains `mark` (the owner of
    /proc/PID is no guide: bwrap makes itself non-dumpable, which gives it to root)."""
    needle = mark.encode()
    pids = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/cmdline", "rb") as fh:
                if needle not in fh.read():
                    continue
            with open(f"/proc/{entry.name}/status") as fh:
                real = next((line.split()[1] for line in fh if line.startswith("Uid:")), None)
        except (OSError, StopIteration):
            continue
        if real is not None and int(real) == uid:
            pids.append(int(entry.name))
    return pids


def sweep(uid: int, mark: str, seconds: float = SWEEP_S) -> int:
    """Kill the marked processes of `uid` again and again for `seconds`; how many kills were sent."""
    kills = 0
    end = time.monotonic() + seconds
    while True:
        for pid in marked(uid, mark):
            try:
                os.kill(pid, signal.SIGKILL)
                kills += 1
            except OSError:
                pass
        if time.monotonic() >= end:
            return kills
        time.sleep(0.1)


def main(argv: list[str]) -> int:
    uid, mark = int(argv[1]), argv[2]
    if len(mark) < 16:  # never sweep with a short (or empty) mark: it could match unrelated processes
        return 2
    try:
        sys.stdin.buffer.read()  # returns at end of file: the host closed the pipe, or died
    except (OSError, KeyboardInterrupt):
        pass
    sweep(uid, mark)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
