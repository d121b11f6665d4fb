"""The docker sandbox backend (docker SDK; imported only here): one throwaway container per run.

No network, memory/pids/CPU limits, read-only root, tmpfs /tmp, the work dir bind-mounted rw at /work, all capabilities
dropped, no-new-privileges, an unprivileged uid. stdin/stdout/stderr travel through a private host dir mounted at
/run/sio (so output is capped by RLIMIT_FSIZE and never floods the daemon's logs). On timeout the container is killed;
it is always removed. The image is built locally by scripts/build-sandbox-image.sh (`synthloop sandbox build-image`).
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from .outcome import cpu_exhausted, is_oom, read_capped, sandbox_env
from .sandbox import ExecResult, Limits, SandboxUnavailable
from .workdir import give_to, write_files

_MB = 1 << 20
_SIO = "/run/sio"
_REDIRECT = f'exec "$@" <{_SIO}/stdin >{_SIO}/stdout 2>{_SIO}/stderr'
LABEL = "synthloop-sandbox"


class DockerSandbox:
    """Sandbox backend on a local docker daemon. `argv[0]` "python"/"python3" means the image's /usr/bin/python3."""

    name = "docker"

    def __init__(
        self,
        image: str = "synthloop-sandbox:latest",
        uid: int = 65534,
        *,
        python: str = "/usr/bin/python3",
        max_output_bytes: int = 1 * _MB,
        tmp_mb: int = 64,
        cpus: float = 1.0,
    ) -> None:
        self.image = image
        self.uid = uid
        self.python = python
        self.max_output_bytes = max_output_bytes
        self.tmp_mb = tmp_mb
        self.cpus = cpus
        self._client: Any = None
        self._lock = threading.Lock()

    # ---- readiness --------------------------------------------------------------------------------------------

    def client(self) -> Any:
        """The docker client, after checking that a daemon answers and the image exists (else SandboxUnavailable)."""
        if self._client is not None:
            return self._client
        with self._lock:
            if self._client is None:
                self._client = self._connect()
        return self._client

    def _connect(self) -> Any:
        try:
            import docker
            from docker.errors import DockerException, ImageNotFound
        except ImportError as e:
            raise SandboxUnavailable("the docker SDK is not installed (pip install docker)") from e
        try:
            client = docker.from_env(timeout=30)
            client.ping()
        except DockerException as e:
            raise SandboxUnavailable(f"no docker daemon answers ({_first_line(e)}); start dockerd") from e
        try:
            client.images.get(self.image)
        except ImageNotFound as e:
            raise SandboxUnavailable(
                f"docker image {self.image} is missing: run `synthloop sandbox build-image`"
            ) from e
        return client

    def ensure_ready(self) -> None:
        self.client()

    # ---- run --------------------------------------------------------------------------------------------------

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
        """Run argv in a fresh container until it exits or limits.timeout_s passes; the container is removed."""
        import requests
        from docker.errors import APIError, NotFound
        from docker.types import Ulimit

        client = self.client()
        lim = limits or Limits()
        workdir = self._prepare(Path(workdir))
        if files:
            write_files(workdir, files)
            self._own(workdir)
        sio = Path(tempfile.mkdtemp(prefix="synthloop-sio-"))
        container = None
        try:
            (sio / "stdin").write_bytes((stdin or "").encode())
            for name in ("stdout", "stderr"):
                (sio / name).touch()
            self._own(sio)
            kwargs = self._create_kwargs(lim, env, cpu_s=lim.timeout_s + 1)
            kwargs["volumes"][str(sio)] = {"bind": _SIO, "mode": "rw"}
            kwargs["volumes"][str(workdir)] = {"bind": "/work", "mode": "rw"}
            kwargs["ulimits"] = [Ulimit(name=n, soft=v, hard=v) for n, v in self._ulimits(lim, lim.timeout_s + 1)]
            command = ["/bin/sh", "-c", _REDIRECT, "sh", *self._resolve_argv(argv)]
            try:
                container = client.containers.create(self.image, command=command, **kwargs)
                t0 = time.monotonic()
                container.start()
            except APIError as e:
                raise SandboxUnavailable(f"docker could not start the sandbox: {_first_line(e)}") from e
            timed_out = False
            try:
                rc = int(container.wait(timeout=lim.timeout_s)["StatusCode"])
            except (requests.exceptions.ReadTimeout, requests.exceptions.ConnectionError):
                timed_out = True
                try:
                    container.kill()
                except (APIError, NotFound):
                    pass
                rc = int(container.wait(timeout=30)["StatusCode"])
            duration = time.monotonic() - t0
            container.reload()
            killed_oom = bool(container.attrs.get("State", {}).get("OOMKilled"))
            with open(sio / "stdout", "rb") as fo, open(sio / "stderr", "rb") as fe:
                stdout = read_capped(fo, self.max_output_bytes)
                stderr = read_capped(fe, self.max_output_bytes)
        finally:
            if container is not None:
                try:
                    container.remove(force=True)
                except (APIError, NotFound):
                    pass
            shutil.rmtree(sio, ignore_errors=True)
        timed_out = timed_out or cpu_exhausted(rc)
        return ExecResult(
            stdout=stdout,
            stderr=stderr,
            returncode=rc,
            timed_out=timed_out,
            oom=killed_oom or is_oom(rc, stderr, timed_out),
            duration_s=duration,
        )

    # ---- spawn ------------------------------------------------------------------------------------------------

    def spawn(
        self,
        argv: Sequence[str],
        *,
        workdir: Path,
        limits: Limits | None = None,
        env: Mapping[str, str] | None = None,
        stderr: int | IO[bytes] | None = None,
    ) -> subprocess.Popen[bytes]:
        """Start argv in a container attached over stdin/stdout (`docker run -i`); kill() removes the container."""
        self.client()
        docker_cli = shutil.which("docker")
        if docker_cli is None:
            raise SandboxUnavailable("the docker CLI is not installed (apt install docker.io)")
        lim = limits or Limits()
        workdir = self._prepare(Path(workdir))
        name = f"synthloop-{uuid.uuid4().hex[:16]}"
        cmd = [docker_cli, "run", "-i", "--rm", "--name", name, "--label", LABEL]
        cmd += ["--network", "none", "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges"]
        cmd += ["--user", f"{self.uid}:{self.uid}", "--memory", f"{lim.memory_mb}m"]
        cmd += ["--memory-swap", f"{lim.memory_mb}m", "--pids-limit", str(lim.max_processes)]
        cmd += ["--cpus", str(self.cpus), "--tmpfs", f"/tmp:rw,size={self.tmp_mb}m,mode=1777"]
        cmd += ["-v", f"{workdir}:/work:rw", "-w", "/work", "--log-driver", "none"]
        for n, v in self._ulimits(lim, lim.timeout_s):
            cmd += ["--ulimit", f"{n}={v}:{v}"]
        for k, v in sandbox_env(env).items():
            cmd += ["-e", f"{k}={v}"]
        cmd += [self.image, *self._resolve_argv(argv)]
        return _ContainerProcess(
            name,
            docker_cli,
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL if stderr is None else stderr,
            start_new_session=True,
        )

    # ---- helpers ----------------------------------------------------------------------------------------------

    def _prepare(self, workdir: Path) -> Path:
        if not workdir.is_dir():
            raise SandboxUnavailable(f"work dir {workdir} does not exist")
        workdir = workdir.resolve()
        self._own(workdir)
        return workdir

    def _own(self, path: Path) -> None:
        if os.geteuid() == 0 and self.uid != 0:
            give_to(path, self.uid)

    def _resolve_argv(self, argv: Sequence[str]) -> list[str]:
        if not argv:
            raise ValueError("empty argv")
        args = [str(a) for a in argv]
        if args[0] in ("python", "python3"):
            args[0] = self.python
        return args

    @staticmethod
    def _ulimits(lim: Limits, cpu_s: float) -> list[tuple[str, int]]:
        return [
            ("cpu", max(1, math.ceil(cpu_s))),
            ("fsize", lim.max_file_mb * _MB),
            ("nofile", lim.max_open_files),
            ("data", lim.memory_mb * _MB),
            ("core", 0),
        ]

    def _create_kwargs(self, lim: Limits, env: Mapping[str, str] | None, cpu_s: float) -> dict[str, Any]:
        return {
            "user": f"{self.uid}:{self.uid}",
            "network_mode": "none",
            "network_disabled": True,
            "mem_limit": f"{lim.memory_mb}m",
            "memswap_limit": f"{lim.memory_mb}m",
            "pids_limit": lim.max_processes,
            "nano_cpus": int(self.cpus * 1e9),
            "read_only": True,
            "tmpfs": {"/tmp": f"rw,size={self.tmp_mb}m,mode=1777"},
            "volumes": {},
            "working_dir": "/work",
            "cap_drop": ["ALL"],
            "security_opt": ["no-new-privileges"],
            "environment": sandbox_env(env),
            "labels": {LABEL: "1"},
            "log_config": {"type": "none", "config": {}},
            "detach": True,
        }


class _ContainerProcess(subprocess.Popen):  # type: ignore[type-arg]
    """`docker run -i` whose kill()/terminate() also force-remove the container (killing the CLI alone would not)."""

    def __init__(self, name: str, docker_cli: str, cmd: list[str], **kw: Any) -> None:
        self.container_name = name
        self._docker_cli = docker_cli
        super().__init__(cmd, **kw)

    def _remove(self) -> None:
        subprocess.run(
            [self._docker_cli, "rm", "-f", self.container_name],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=60,
            check=False,
        )

    def kill(self) -> None:
        super().kill()
        self._remove()
        try:
            self.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        time.sleep(0.3)  # a create/start the CLI sent just before it died may land after the first removal
        self._remove()

    def terminate(self) -> None:
        self.kill()


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__
