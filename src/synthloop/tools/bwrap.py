"""The default sandbox: bubblewrap namespaces + rlimits, started as an unprivileged uid.

Each program runs in fresh user/pid/net/ipc/uts/mount namespaces (no network), sees read-only /usr and the few /etc
files Python needs, a private writable /work (the caller's host dir), a small tmpfs /tmp, and a clean environment.
As root, bwrap itself is started as `uid` (65534) so RLIMIT_NPROC counts (it is ignored for uid 0). rlimits are set
by util-linux `prlimit` right before bwrap is exec'd (no preexec_fn, so threads in the host are safe). The wall clock
is enforced from the host: the process group is killed, bwrap's pid namespace dies with its init.
"""

from __future__ import annotations

import glob
import math
import os
import re
import secrets
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

from . import sweeper
from .outcome import cpu_exhausted, is_oom, reachable_by, read_capped, sandbox_env
from .sandbox import ExecResult, Limits, SandboxUnavailable
from .workdir import give_to, write_files

_MB = 1 << 20
_INFO_FD = "@INFO_FD@"  # replaced by the write end of a pipe on which bwrap reports its child's pid
# /etc entries Python and numpy need: the loader cache, BLAS alternatives, Debian's python config, the timezone.
_ETC = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives", "/etc/localtime")
_PROBE = (
    "import importlib.util, json, sys; "
    "print(json.dumps([m for m in ('numpy', 'pytest') if importlib.util.find_spec(m) is None]))"
)


class BwrapSandbox:
    """Sandbox backend on bubblewrap. `argv[0]` "python"/"python3" means the sandbox interpreter (`python`)."""

    name = "bwrap"

    def __init__(
        self,
        python: str = "/usr/bin/python3",
        uid: int = 65534,
        *,
        ro_binds: Sequence[str] = (),
        max_output_bytes: int = 1 * _MB,
        tmp_mb: int = 64,
    ) -> None:
        self.python = python
        self.uid = uid
        self.ro_binds = tuple(ro_binds)
        self.max_output_bytes = max_output_bytes
        self.tmp_mb = tmp_mb
        self._ready = False
        self._lock = threading.Lock()
        # every bwrap command line carries this mark; the sweeper ends the marked sandboxes once this host is gone
        self._mark = f"{os.getpid()}-{secrets.token_hex(8)}"
        self._sweeper: subprocess.Popen[bytes] | None = None
        self._sweeper_lock = threading.Lock()  # not _lock: ensure_ready holds that while its probe starts a sandbox

    # ---- public API -------------------------------------------------------------------------------------------

    def run(
        self,
        argv: Sequence[str],
        *,
        workdir: Path,
        files: Mapping[str, str | bytes] | None = None,
        stdin: str | None = None,
        limits: Limits | None = None,
        env: Mapping[str, str] | None = None,
    ) -> ExecResult:
        """Run argv to completion (or until limits.timeout_s of wall time), capturing capped stdout/stderr."""
        self.ensure_ready()
        lim = limits or Limits()
        workdir = Path(workdir)
        if not workdir.is_dir():
            raise SandboxUnavailable(f"work dir {workdir} does not exist")
        if files:
            write_files(workdir, files)
        cmd = self._command(argv, workdir, lim, env, cpu_s=lim.timeout_s + 1)
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as inp:
            if stdin is not None:
                inp.write(stdin.encode())
                inp.seek(0)
            t0 = time.monotonic()
            proc = self._popen(cmd, stdin=inp, stdout=out, stderr=err)
            timed_out = False
            try:
                proc.wait(timeout=lim.timeout_s)
            except subprocess.TimeoutExpired:
                timed_out = True
            finally:
                kill_group(proc)
            duration = time.monotonic() - t0
            stdout = read_capped(out, self.max_output_bytes)
            stderr = read_capped(err, self.max_output_bytes)
        rc = proc.returncode
        if rc == 1 and stderr.startswith(("bwrap: ", "prlimit: ")) and not timed_out:
            raise SandboxUnavailable(f"the sandbox could not start: {stderr.strip().splitlines()[0]}")
        timed_out = timed_out or cpu_exhausted(rc)
        return ExecResult(
            stdout=stdout,
            stderr=stderr,
            returncode=rc,
            timed_out=timed_out,
            oom=is_oom(rc, stderr, timed_out),
            duration_s=duration,
        )

    def spawn(
        self,
        argv: Sequence[str],
        *,
        workdir: Path,
        limits: Limits | None = None,
        env: Mapping[str, str] | None = None,
        stderr: int | IO[bytes] | None = None,
    ) -> subprocess.Popen[bytes]:
        """Start argv with stdin/stdout pipes; limits.timeout_s is its CPU-seconds budget. proc.kill() ends it all.

        The child also dies when the calling *thread* exits (--die-with-parent): spawn from a long-lived thread.
        """
        self.ensure_ready()
        lim = limits or Limits()
        cmd = self._command(argv, Path(workdir), lim, env, cpu_s=lim.timeout_s)
        return self._popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL if stderr is None else stderr,
        )

    def ensure_ready(self) -> None:
        """Check once that bwrap, prlimit and the interpreter work here; raise SandboxUnavailable saying what to install."""
        if self._ready:
            return
        with self._lock:
            if not self._ready:
                self._preflight()
                self._ready = True

    # ---- internals --------------------------------------------------------------------------------------------

    def _drops_privileges(self) -> bool:
        return os.geteuid() == 0 and self.uid != 0

    def _popen(self, cmd: list[str], **kw: object) -> SandboxProcess:
        drop = self._drops_privileges()
        with self._sweeper_lock:
            if self._sweeper is None:  # see tools/sweeper.py: --die-with-parent alone misses a host killed early
                self._sweeper = sweeper.start(self.uid if drop else os.getuid(), self._mark)
        info_r, info_w = os.pipe()
        cmd = [str(info_w) if a == _INFO_FD else a for a in cmd]
        try:
            proc = SandboxProcess(  # type: ignore[call-overload]
                cmd,
                env={"PATH": "/usr/bin:/bin"},
                cwd="/",
                close_fds=True,
                pass_fds=(info_w,),
                start_new_session=True,
                user=self.uid if drop else None,
                group=self.uid if drop else None,
                extra_groups=[] if drop else None,
                **kw,
            )
        except BaseException:
            os.close(info_r)
            raise
        finally:
            os.close(info_w)
        proc.attach_info(info_r, self.uid if drop else os.getuid())
        return proc

    def _resolve_argv(self, argv: Sequence[str]) -> list[str]:
        if not argv:
            raise ValueError("empty argv")
        args = [str(a) for a in argv]
        if args[0] in ("python", "python3"):
            args[0] = self.python
        return args

    def _command(
        self, argv: Sequence[str], workdir: Path, lim: Limits, env: Mapping[str, str] | None, cpu_s: float
    ) -> list[str]:
        if not workdir.is_dir():
            raise SandboxUnavailable(f"work dir {workdir} does not exist")
        if self._drops_privileges():
            reachable_by(workdir, self.uid)
            give_to(workdir, self.uid)
        prlimit = shutil.which("prlimit", path="/usr/bin:/bin")
        bwrap = shutil.which("bwrap", path="/usr/bin:/bin:/usr/local/bin")
        assert prlimit and bwrap  # checked by ensure_ready
        mem = lim.memory_mb * _MB
        cmd = [
            prlimit,
            f"--cpu={max(1, math.ceil(cpu_s))}",
            f"--as={mem}",
            f"--fsize={lim.max_file_mb * _MB}",
            f"--nproc={lim.max_processes + processes_of(self.uid if self._drops_privileges() else os.getuid())}",
            f"--nofile={lim.max_open_files}",
            "--core=0",
            "--",
            bwrap,
            "--info-fd",
            _INFO_FD,
            "--unshare-all",
            "--unshare-user",
            "--disable-userns",
            "--die-with-parent",
            "--new-session",
            "--ro-bind-try",  # a no-op unless the path exists: it names this sandbox's mark for the sweeper
            f"{sweeper.MARK_DIR}/{self._mark}",
            f"{sweeper.MARK_DIR}/{self._mark}",
            "--hostname",
            "sandbox",
            "--ro-bind",
            "/usr",
            "/usr",
        ]
        for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
            if os.path.islink(top):
                cmd += ["--symlink", os.readlink(top), top]
            elif os.path.isdir(top):
                cmd += ["--ro-bind", top, top]
        for path in [*_ETC, *sorted(glob.glob("/etc/python3*"))]:
            cmd += ["--ro-bind-try", path, path]
        cmd += [
            "--bind",
            str(workdir.resolve()),
            "/work",
            "--chdir",
            "/work",
            "--size",
            str(self.tmp_mb * _MB),
            "--tmpfs",
            "/tmp",
            "--proc",
            "/proc",
            "--dev",
            "/dev",
        ]
        for path in self._extra_ro_binds():  # after /tmp, so a bind under /tmp is not hidden by the tmpfs
            cmd += ["--ro-bind", path, path]
        cmd += ["--remount-ro", "/", "--clearenv"]
        for k, v in sandbox_env(env).items():
            cmd += ["--setenv", k, v]
        return [*cmd, "--", *self._resolve_argv(argv)]

    def _extra_ro_binds(self) -> list[str]:
        extra = list(self.ro_binds)
        py = os.path.abspath(self.python)
        if not py.startswith(("/usr/", "/bin/")):
            extra.append(str(Path(py).parent.parent))  # e.g. a world-readable venv or prefix: bind it whole
        return extra

    def _preflight(self) -> None:
        if not shutil.which("bwrap", path="/usr/bin:/bin:/usr/local/bin"):
            raise SandboxUnavailable("bwrap is not installed: install the package `bubblewrap` (apt install bubblewrap)")
        if not shutil.which("prlimit", path="/usr/bin:/bin"):
            raise SandboxUnavailable("prlimit is not installed: install the package `util-linux`")
        if not os.path.exists(self.python):
            raise SandboxUnavailable(
                f"sandbox python {self.python} does not exist (apt install python3 python3-numpy python3-pytest)"
            )
        if self._drops_privileges():
            reachable_by(
                Path(self.python),
                self.uid,
                what="sandbox python",
                hint="use Debian's /usr/bin/python3 (apt install python3 python3-numpy python3-pytest)",
            )
        with tempfile.TemporaryDirectory(prefix="synthloop-probe-") as tmp:
            os.chmod(tmp, 0o755)
            lim = Limits(timeout_s=30, memory_mb=1024)
            cmd = self._command([self.python, "-I", "-c", _PROBE], Path(tmp), lim, None, cpu_s=30)
            proc = self._popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            try:
                out, err = proc.communicate(timeout=30)
            except subprocess.TimeoutExpired as e:
                kill_group(proc)
                raise SandboxUnavailable("the bwrap sandbox did not start within 30 s") from e
        text = err.decode(errors="replace").strip()
        if proc.returncode != 0:
            first = text.splitlines()[-1] if text else f"exit code {proc.returncode}"
            if text.startswith("bwrap:"):
                raise SandboxUnavailable(
                    f"bwrap cannot create a sandbox here ({first}); unprivileged user namespaces must be enabled "
                    "(sysctl kernel.unprivileged_userns_clone=1 / user.max_user_namespaces > 0)"
                )
            raise SandboxUnavailable(
                f"sandbox python {self.python} does not run as uid {self.uid} ({first}); it must be readable by that "
                "user: use Debian's /usr/bin/python3 (apt install python3 python3-numpy python3-pytest)"
            )
        missing = [m.strip('"[] ') for m in out.decode().strip().strip("[]").split(",") if m.strip('"[] ')]
        if missing:
            pkgs = " ".join(f"python3-{m}" for m in missing)
            raise SandboxUnavailable(f"sandbox python {self.python} lacks {', '.join(missing)}: apt install {pkgs}")


class SandboxProcess(subprocess.Popen):  # type: ignore[type-arg]
    """A bwrap child whose kill()/terminate() reach the whole sandbox.

    bwrap's inner init (pid 1 of the sandbox's pid namespace) arms --die-with-parent only a moment after it starts;
    a kill of the outer bwrap in that window would leave the sandbox running. So a kill also signals the outer
    process group and the inner init itself, whose host pid bwrap reports on --info-fd; killing a pid namespace's
    init kills everything in it.
    """

    _info_fd: int | None = None
    _info_buf: bytes = b""
    _inner_pid: int | None = None
    _uid: int = -1

    def attach_info(self, fd: int, uid: int) -> None:
        self._info_fd, self._uid = fd, uid

    def inner_pid(self, wait_s: float) -> int | None:
        """The host pid of the sandbox's init, read from bwrap's info fd (waiting up to wait_s for it)."""
        deadline = time.monotonic() + wait_s
        while self._inner_pid is None and self._info_fd is not None:
            m = re.search(rb'"child-pid"\s*:\s*(\d+)', self._info_buf)
            if m:
                self._inner_pid = int(m[1])
                break
            ready, _, _ = select.select([self._info_fd], [], [], max(0.0, deadline - time.monotonic()))
            chunk = os.read(self._info_fd, 4096) if ready else b""
            if not chunk:
                if ready:  # EOF: bwrap is gone or wrote no child
                    self._close_info()
                break
            self._info_buf += chunk
        if self._inner_pid is not None:
            self._close_info()
        return self._inner_pid

    def _close_info(self) -> None:
        if self._info_fd is not None:
            os.close(self._info_fd)
            self._info_fd = None

    def send_signal(self, sig: int) -> None:
        if self.returncode is None:  # not reaped yet, so neither its pid nor its group id can have been reused
            inner = self.inner_pid(wait_s=2.0)
            try:
                os.killpg(self.pid, sig)
            except (ProcessLookupError, PermissionError):
                pass
            if inner is not None and _is_sandbox_init(inner, self._uid):
                try:
                    os.kill(inner, sig)
                except (ProcessLookupError, PermissionError):
                    pass
        super().send_signal(sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def __del__(self, *args: object, **kwargs: object) -> None:
        self._close_info()
        super().__del__(*args, **kwargs)  # type: ignore[misc]


def _is_sandbox_init(pid: int, uid: int) -> bool:
    """pid is still a pid-namespace init (NSpid ends in 1) owned by uid: the process bwrap reported, not a reuse."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            fields = dict(line.split(":", 1) for line in fh if ":" in line)
    except OSError:
        return False
    nspid = fields.get("NSpid", "").split()
    owner = fields.get("Uid", "").split()
    return len(nspid) >= 2 and nspid[-1] == "1" and bool(owner) and int(owner[0]) == uid


def processes_of(uid: int) -> int:
    """How many processes uid runs now. RLIMIT_NPROC counts every process of the uid machine-wide, so each sandbox
    gets its own max_processes on top of this (else concurrent sandboxes of one uid would share one budget)."""
    n = 0
    with os.scandir("/proc") as it:
        for entry in it:
            if entry.name.isdigit():
                try:
                    n += entry.stat(follow_symlinks=False).st_uid == uid
                except OSError:
                    continue
    return n


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill the sandbox (see SandboxProcess.send_signal) unless it already exited, then reap proc."""
    if proc.returncode is None:
        proc.kill()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
