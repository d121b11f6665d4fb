"""LocalServer: llama.cpp (xllamacpp) serving one GGUF in a child process on 127.0.0.1, OpenAI-compatible at /v1.

    with LocalServer(cfg.local) as srv:          # the model named by [local].model, from the cache
        OpenAIModel(srv.base_url, srv.model_name, context_size=srv.context_size)

The child gets SIGTERM if the parent thread dies (prctl PR_SET_PDEATHSIG), exits when its stdin closes (the parent
process is gone, however it died), and ignores Ctrl-C: the parent stops it on exit (terminate, then kill)."""

from __future__ import annotations

import collections
import http.client
import importlib.util
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..model import ModelError
from .catalog import cache_dir
from .pull import resolve
from .serve import READY

BIND_FAILED = "couldn't bind HTTP server socket"
STOP_GRACE_S = 10.0
LOG_LINES = 400
_READY_RE = re.compile(re.escape(READY) + r" (http://\S+)")


class LocalServerError(ModelError):
    """The local model server could not start (bad GGUF, timeout, crash); the message carries its log tail."""


class _PortTaken(Exception):
    pass


def free_port(host: str = "127.0.0.1") -> int:
    """A port that was free a moment ago (another process may still take it: start() retries)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def _get_json(url: str, timeout: float = 5.0) -> Any:
    """GET a JSON document from our own loopback server: straight http.client, no proxy from the environment."""
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname or "127.0.0.1", u.port or 80, timeout=timeout)
    try:
        conn.request("GET", u.path or "/")
        resp = conn.getresponse()
        body = resp.read()
        if resp.status != 200:
            raise OSError(f"GET {u.path} answered HTTP {resp.status}: {body[:200]!r}")
        return json.loads(body)
    finally:
        conn.close()


class LocalServer:
    """Context manager around a llama.cpp server child process for one GGUF."""

    def __init__(self, local_cfg: Any, model_path: str | None = None, *, name: str | None = None,
                 host: str = "127.0.0.1", port_picker: Callable[[], int] | None = None,
                 echo: Callable[[str], None] | None = None, port_tries: int = 3):
        self.cfg = local_cfg
        self._model_path = model_path
        self.model_name = name or (Path(model_path).stem if model_path else local_cfg.model)
        self.host = host
        self._pick = port_picker or (lambda: free_port(host))
        self._echo = echo
        self._port_tries = port_tries
        self._proc: subprocess.Popen[bytes] | None = None
        self._reader: threading.Thread | None = None
        self._log: collections.deque[str] = collections.deque(maxlen=LOG_LINES)
        self._ready_url: str | None = None
        self._ready = threading.Event()
        self.port = 0
        self.base_url = ""
        self.context_size = int(local_cfg.context_size)
        self.load_s = 0.0
        self.attempts: list[int] = []  # ports tried, in order

    # -- lifecycle ---------------------------------------------------------------------------------------------
    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def alive(self) -> bool:
        """The child is still running."""
        return self._proc is not None and self._proc.poll() is None

    @property
    def model_path(self) -> str:
        if self._model_path is None:
            self._model_path = resolve(self.cfg.model, cache_dir(self.cfg.cache_dir)).path
        return self._model_path

    def start(self) -> LocalServer:
        """Start the child and wait until /v1/models answers; retry on another port if the port was taken."""
        if self.alive():
            return self
        if importlib.util.find_spec("xllamacpp") is None:
            raise LocalServerError("the local model runtime is not installed: pip install 'synthloop[local]' "
                                   "(xllamacpp), or use another model.preset / set model.base_url")
        path = self.model_path
        if not Path(path).is_file():
            raise LocalServerError(f"GGUF file not found: {path}")
        t0 = time.monotonic()
        try:
            for _ in range(self._port_tries):
                port = self._pick()
                self.attempts.append(port)
                try:
                    self._launch(path, port)
                    self._wait_ready(t0 + float(self.cfg.startup_timeout_s))
                except _PortTaken:
                    self._terminate()
                    continue
                self.load_s = time.monotonic() - t0
                return self
        except BaseException:
            self._terminate()
            raise
        raise LocalServerError(f"could not bind a port for the local model server after {self._port_tries} tries "
                               f"(ports {self.attempts})")

    def stop(self) -> None:
        """Terminate the child (SIGTERM, then SIGKILL after a grace period) and reap it."""
        self._terminate()
        self.base_url = ""

    # -- internals ---------------------------------------------------------------------------------------------
    def _launch(self, path: str, port: int) -> None:
        self._log.clear()
        self._ready.clear()
        self._ready_url = None
        cmd = [sys.executable, "-m", "synthloop.agents.local.serve", "--model", path, "--host", self.host,
               "--port", str(port), "--threads", str(self.cfg.threads), "--ctx", str(self.cfg.context_size),
               "--batch", str(self.cfg.batch_size), "--alias", self.model_name, "--parent-pid", str(os.getpid()),
               "--watch-stdin"]
        if threading.current_thread() is threading.main_thread():
            cmd.append("--pdeathsig")  # PDEATHSIG follows the creating thread: only safe from the main thread
        src_root = str(Path(__file__).resolve().parents[3])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (src_root, os.environ.get("PYTHONPATH")) if p),
               "PYTHONUNBUFFERED": "1"}
        self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                      env=env, close_fds=True)
        self.port = port
        self._reader = threading.Thread(target=self._read_log, args=(self._proc,), daemon=True,
                                        name=f"local-model-log-{self._proc.pid}")
        self._reader.start()

    def _read_log(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip()
            self._log.append(line)
            # llama.cpp's log thread may have written a timestamp prefix just before our line: search, not match
            ready = _READY_RE.search(line)
            if ready:
                self._ready_url = ready.group(1)
                self._ready.set()
            if self._echo:
                self._echo(line)

    def _wait_ready(self, deadline: float) -> None:
        proc = self._proc
        assert proc is not None
        probe_error = "no answer yet"
        while True:
            rc = proc.poll()
            if rc is not None:
                if self._reader:
                    self._reader.join(timeout=2)
                if any(BIND_FAILED in ln for ln in self._log):
                    raise _PortTaken()
                raise LocalServerError(f"local model server exited with code {rc} while starting "
                                       f"({self.model_path}): {self.log_tail(6)}")
            if self._ready.is_set() and self._ready_url:
                try:
                    _get_json(self._ready_url + "/v1/models")
                    self.base_url = self._ready_url.rstrip("/") + "/v1"
                    self.context_size = self._query_context_size()
                    return
                except (OSError, ValueError) as e:
                    probe_error = f"{type(e).__name__}: {e}"
            if time.monotonic() > deadline:
                raise LocalServerError(f"local model server not ready after {self.cfg.startup_timeout_s:g} s "
                                       f"([local].startup_timeout_s; last probe of {self._ready_url}: "
                                       f"{probe_error}): {self.log_tail(6)}")
            time.sleep(0.1)

    def _query_context_size(self) -> int:
        """The server's real per-slot context size from /props, else what we asked for."""
        try:
            props = _get_json(self._ready_url + "/props")  # type: ignore[operator]
            n = (props.get("default_generation_settings") or {}).get("n_ctx") or props.get("n_ctx")
            return int(n) if n else int(self.cfg.context_size)
        except (OSError, ValueError, TypeError, AttributeError):
            return int(self.cfg.context_size)

    def _terminate(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=STOP_GRACE_S)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        finally:
            if proc.stdin:
                try:
                    proc.stdin.close()
                except OSError:
                    pass
            if self._reader:
                self._reader.join(timeout=2)
            if proc.stdout:
                proc.stdout.close()

    def log_tail(self, n: int = 20) -> str:
        """The last `n` lines the server printed, joined with ' | ' (for one-line errors)."""
        lines = [ln for ln in list(self._log) if ln.strip()][-n:]
        return " | ".join(lines) if lines else "(no output)"

    def props(self) -> dict[str, Any]:
        """The server's /props (model path, context size, chat template, ...)."""
        if not self.base_url:
            raise LocalServerError("local model server is not running")
        return _get_json(self.base_url.removesuffix("/v1") + "/props")
