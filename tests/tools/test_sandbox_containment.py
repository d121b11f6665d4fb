"""Containment probes against the real backends: every escape attempt is stopped and the host is unchanged."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from sandbox_helpers import make_backend, pids_of_uid

from synthloop.tools.sandbox import ExecResult, Limits, Sandbox

BACKENDS = ["bwrap", pytest.param("docker", marks=pytest.mark.docker)]
# Dedicated uids for the probes that spawn many processes, so RLIMIT_NPROC accounting and the leftover-process scan
# never mix with other sandboxes (uid 65534) running on this machine at the same time.
PROBE_UID = {"bwrap": 61234, "docker": 61235}


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def sandbox(backend: str) -> Sandbox:
    return make_backend(backend)


@pytest.fixture
def probe_sandbox(backend: str) -> Sandbox:
    return make_backend(backend, uid=PROBE_UID[backend])


def py(sandbox: Sandbox, code: str, workdir: Path, **limits: float) -> ExecResult:
    return sandbox.run(["python", "-c", code], workdir=workdir, limits=Limits(**limits) if limits else None)


def wait_no_pids(uid: int, within_s: float = 5.0) -> list[int]:
    deadline = time.monotonic() + within_s
    while (left := pids_of_uid(uid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def test_runs_a_program_as_the_unprivileged_user(sandbox: Sandbox, workdir: Path) -> None:
    res = sandbox.run(
        ["python", "-c", "import os, numpy; print(os.getuid(), os.getcwd(), open('in.txt').read())"],
        workdir=workdir,
        files={"in.txt": "hello"},
    )
    assert res.ok, res.stderr
    assert res.stdout.split() == ["65534", "/work", "hello"]


def test_network_is_unreachable(sandbox: Sandbox, workdir: Path) -> None:
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    srv.setblocking(False)
    port = srv.getsockname()[1]
    code = (
        "import socket\n"
        f"for addr in [('127.0.0.1', {port}), ('1.1.1.1', 53)]:\n"
        "    s = socket.socket(); s.settimeout(2)\n"
        "    try:\n"
        "        s.connect(addr); print('CONNECTED', addr)\n"
        "    except OSError as e:\n"
        "        print('blocked', addr, e)\n"
    )
    try:
        res = py(sandbox, code, workdir, timeout_s=20)
        assert res.returncode == 0, res.stderr
        assert "CONNECTED" not in res.stdout
        assert res.stdout.count("blocked") == 2
        with pytest.raises(BlockingIOError):
            srv.accept()
    finally:
        srv.close()


def test_cannot_write_outside_the_work_dir(sandbox: Sandbox, workdir: Path, new_dir) -> None:
    outside = new_dir()
    os.chmod(outside, 0o777)  # even a world-writable host dir must be out of reach
    leak = f"synthloop-leak-{uuid.uuid4().hex}"
    targets = [f"{outside}/x", "/usr/x", "/etc/x", "/x", "/root/x", f"/tmp/{leak}"]
    code = (
        "import sys\n"
        f"for p in {targets!r}:\n"
        "    try:\n"
        "        open(p, 'w').write('pwned'); print('wrote', p)\n"
        "    except OSError as e:\n"
        "        print('denied', p, type(e).__name__)\n"
        "open('/work/inside.txt', 'w').write('ok')\n"
    )
    res = py(sandbox, code, workdir)
    assert res.returncode == 0, res.stderr
    for p in targets[:5]:
        assert f"denied {p}" in res.stdout
    # writes that succeed inside land only in the sandbox's private tmpfs, never on the host
    assert not Path("/tmp", leak).exists()
    assert os.listdir(outside) == []
    for p in ("/usr/x", "/etc/x", "/x", "/root/x"):
        assert not os.path.exists(p)
    assert (workdir / "inside.txt").read_text() == "ok"


def test_cannot_read_a_root_only_file(sandbox: Sandbox, workdir: Path, new_dir) -> None:
    secret_dir = new_dir()
    secret = secret_dir / "secret.txt"
    secret.write_text("TOPSECRET")
    os.chmod(secret, 0o600)
    code = (
        f"for p in [{str(secret)!r}, '/etc/shadow', '/root/.bashrc']:\n"
        "    try:\n"
        "        print('READ', open(p).read())\n"
        "    except OSError as e:\n"
        "        print('denied', p, type(e).__name__)\n"
    )
    res = py(sandbox, code, workdir)
    assert res.returncode == 0, res.stderr
    assert "TOPSECRET" not in res.stdout and "READ" not in res.stdout
    assert res.stdout.count("denied") == 3


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to create a root-owned file")
def test_bwrap_uid_cannot_read_a_visible_root_only_file(workdir: Path, new_dir) -> None:
    """The file is bind-mounted into the sandbox: only the uid drop keeps it unreadable."""
    from synthloop.tools.bwrap import BwrapSandbox

    make_backend("bwrap")  # skips when bwrap is absent
    secret_dir = new_dir()
    (secret_dir / "secret.txt").write_text("TOPSECRET")
    os.chmod(secret_dir / "secret.txt", 0o600)
    sb = BwrapSandbox(ro_binds=[str(secret_dir)])
    res = py(sb, f"print(open({str(secret_dir / 'secret.txt')!r}).read())", workdir)
    assert res.returncode != 0
    assert "PermissionError" in res.stderr
    assert "TOPSECRET" not in res.stdout


def test_fork_bomb_is_bounded_and_cleaned_up(probe_sandbox: Sandbox, backend: str, workdir: Path) -> None:
    code = (
        "import os\n"
        "n = 0\n"
        "while True:\n"
        "    try:\n"
        "        os.fork(); n += 1\n"
        "    except OSError:\n"
        "        pass\n"
    )
    t0 = time.monotonic()
    res = py(probe_sandbox, code, workdir, timeout_s=3, max_processes=32)
    elapsed = time.monotonic() - t0
    assert res.timed_out
    assert elapsed < 20, f"the run took {elapsed:.1f}s"
    assert wait_no_pids(PROBE_UID[backend]) == []
    # the host is still responsive: it can start processes at once
    t1 = time.monotonic()
    subprocess.run(["true"], check=True)
    assert time.monotonic() - t1 < 2


def test_infinite_loop_times_out(sandbox: Sandbox, workdir: Path) -> None:
    res = py(sandbox, "while True:\n    pass\n", workdir, timeout_s=1)
    assert res.timed_out and not res.ok
    assert res.duration_s < 10


def test_huge_allocation_is_oom(sandbox: Sandbox, workdir: Path) -> None:
    res = py(sandbox, "x = bytearray(10 * 1024 ** 3)\nprint('allocated')\n", workdir, timeout_s=30, memory_mb=512)
    assert res.oom and not res.ok
    assert "allocated" not in res.stdout


@pytest.mark.parametrize("parent", ["exits", "hangs"])
def test_double_forked_grandchild_does_not_outlive_the_run(
    probe_sandbox: Sandbox, backend: str, workdir: Path, parent: str
) -> None:
    """A setsid'd, double-forked grandchild writes a heartbeat file every 0.1 s; once the run has returned, the
    heartbeat must stop (and no process of the sandbox uid may be left)."""
    code = (
        "import os, sys, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        "        for i in range(600):\n"
        "            with open('/work/beat.tmp', 'w') as fh:\n"
        "                fh.write(str(i))\n"
        "            os.replace('/work/beat.tmp', '/work/beat')\n"
        "            time.sleep(0.1)\n"
        "        os._exit(0)\n"
        "    os._exit(0)\n"
        "time.sleep(0.5)\n"
        + ("while True:\n    pass\n" if parent == "hangs" else "print('parent done')\n")
    )
    res = py(probe_sandbox, code, workdir, timeout_s=1.5)
    assert res.timed_out == (parent == "hangs"), res
    beat = workdir / "beat"
    first = beat.read_text() if beat.exists() else None
    assert first is not None, f"the grandchild never started: {res}"
    time.sleep(1.0)  # ten heartbeats' time
    assert beat.read_text() == first, "the grandchild is still alive after the run returned"
    left = wait_no_pids(PROBE_UID[backend])
    assert left == [], [Path(f"/proc/{p}/cmdline").read_bytes()[:200] for p in left if Path(f"/proc/{p}").exists()]


def test_environment_is_clean(sandbox: Sandbox, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNTHLOOP_SECRET_TOKEN", "s3cr3t")
    res = sandbox.run(
        ["python", "-c", "import os, json; print(json.dumps(dict(os.environ)))"],
        workdir=workdir,
        env={"EXTRA": "1"},
    )
    assert res.ok, res.stderr
    assert "s3cr3t" not in res.stdout
    assert '"EXTRA": "1"' in res.stdout and '"HOME": "/work"' in res.stdout


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root: only root hands the work dir to the sandbox uid")
def test_planted_symlinks_do_not_leak_ownership(sandbox: Sandbox, workdir: Path, new_dir) -> None:
    """A link the sandbox leaves in the work dir must not make the host chown (or write) its target next run."""
    host_dir = new_dir()
    target = host_dir / "host-file"
    target.write_text("host")
    res = py(sandbox, f"import os\nos.symlink({str(target)!r}, 'f')\nos.symlink({str(host_dir)!r}, 'd')\n", workdir)
    assert res.ok, res.stderr
    again = sandbox.run(["python", "-c", "print('second run')"], workdir=workdir, files={"f": "new"})
    assert again.ok
    assert target.read_text() == "host"
    assert os.stat(target).st_uid == 0 and os.stat(host_dir).st_uid == 0


def test_bwrap_spawn_killed_during_startup_leaves_nothing(workdir: Path) -> None:
    """A kill that lands while bwrap is still setting up (before its init arms --die-with-parent) must still end
    the sandbox: SandboxProcess also kills the init whose pid bwrap reports on --info-fd."""
    import random

    uid = 61236
    sb = make_backend("bwrap", uid=uid)
    rng = random.Random(1)
    for _ in range(30):
        proc = sb.spawn(["python", "-c", "import time; time.sleep(60)"], workdir=workdir)
        time.sleep(rng.uniform(0, 0.06))
        proc.kill()
        proc.wait(timeout=10)
        for f in (proc.stdin, proc.stdout):
            f.close()
    assert wait_no_pids(uid) == []
