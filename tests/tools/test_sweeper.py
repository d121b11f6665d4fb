"""The orphan sweeper ends the marked processes of the sandbox uid once its host's pipe closes, and nothing else."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fsdirs import reachable_dirs
from synthloop.tools import sweeper
from synthloop.tools.bwrap import BwrapSandbox

UID = 65534
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="starting processes as another uid needs root")


def _sleeper(mark: str, uid: int | None) -> subprocess.Popen[bytes]:
    """`sleep 60` under sh, with `mark` in its command line, as uid (None: as we are)."""
    return subprocess.Popen(["sh", "-c", "sleep 60", mark], user=uid, group=uid, extra_groups=[] if uid else None,
                            start_new_session=True)


def _gone(proc: subprocess.Popen[bytes], within_s: float) -> bool:
    try:
        proc.wait(timeout=within_s)
        return True
    except subprocess.TimeoutExpired:
        return False


@needs_root
def test_sweeper_kills_only_the_marked_processes_of_its_uid_when_the_pipe_closes() -> None:
    mark = f"test-{os.getpid()}-{time.time_ns()}"
    target, other_mark, other_uid = _sleeper(mark, UID), _sleeper(f"other-{time.time_ns()}-{os.getpid()}", UID), _sleeper(mark, None)
    sw = sweeper.start(UID, mark)
    try:
        time.sleep(0.3)
        assert target.poll() is None  # nothing happens while the host holds the pipe
        assert sw.stdin is not None
        sw.stdin.close()  # what the kernel does when the host dies
        assert _gone(target, 5.0), "the marked sandbox process outlived its host"
        assert sw.wait(timeout=sweeper.SWEEP_S + 5) == 0
        assert other_mark.poll() is None and other_uid.poll() is None  # other marks, other uids: left alone
    finally:
        for p in (target, other_mark, other_uid, sw):
            p.kill()
            p.wait()


def test_sweeper_refuses_a_short_mark() -> None:
    res = subprocess.run([sys.executable, str(Path(sweeper.__file__)), str(UID), "short"], input=b"", timeout=30)
    assert res.returncode == 2


@needs_root
def test_a_killed_host_leaves_no_marked_sandbox() -> None:
    """A host process spawns a sandbox and is SIGKILLed: its sweeper runs and no process with its mark is left."""
    made = reachable_dirs("synthloop-sweeper-test-")
    work = next(made)()  # world-searchable (pytest's tmp_path is private to root)
    code = (
        "import sys, time; from pathlib import Path; from synthloop.tools.bwrap import BwrapSandbox\n"
        f"sb = BwrapSandbox(); p = sb.spawn(['python', '-c', 'import time; time.sleep(60)'], workdir=Path({str(work)!r}))\n"
        "print(sb._mark, sb._sweeper.pid, flush=True); time.sleep(60)\n"
    )
    host = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, env={**os.environ,
                            "PYTHONPATH": os.pathsep.join(sys.path)})
    try:
        assert host.stdout is not None
        mark, sw_pid = host.stdout.readline().decode().split()
        deadline = time.monotonic() + 10
        while not sweeper.marked(UID, mark) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert sweeper.marked(UID, mark), "the sandbox did not start"
    finally:
        host.kill()
        host.wait()
    deadline = time.monotonic() + sweeper.SWEEP_S + 5
    while sweeper.marked(UID, mark) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert sweeper.marked(UID, mark) == []
    assert BwrapSandbox()._mark != BwrapSandbox()._mark  # each sandbox object has its own mark
    made.close()  # removes the dir
