"""Child-process entry: run xllamacpp's llama.cpp server for one GGUF until told to stop.

    python -m synthloop.agents.local.serve --model FILE.gguf --port N [--threads T --ctx C --batch B --alias NAME]

Prints "SYNTHLOOP_READY <url>" once the model is loaded and the server listens. Stops on SIGTERM, on EOF of stdin
(the parent is gone, however it died) and, with --parent-pid, when the parent process changes. Ignores SIGINT:
the parent decides when to stop, so a Ctrl-C meant for a run's graceful drain does not kill the model mid-call."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time

READY = "SYNTHLOOP_READY"
PR_SET_PDEATHSIG = 1


def _args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="synthloop.agents.local.serve")
    ap.add_argument("--model", required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--ctx", type=int, default=8192)
    ap.add_argument("--batch", type=int, default=512)
    ap.add_argument("--alias", default="")
    ap.add_argument("--parent-pid", type=int, default=0)
    ap.add_argument("--pdeathsig", action="store_true", help="get SIGTERM when the parent thread dies (prctl)")
    ap.add_argument("--watch-stdin", action="store_true", help="exit when stdin reaches EOF (parent gone)")
    return ap.parse_args(argv)


def _quit() -> None:
    """SIGTERM ourselves: fatal while the model loads, a graceful stop once the handler is installed."""
    os.kill(os.getpid(), signal.SIGTERM)


def _watch_stdin() -> None:
    try:
        while sys.stdin.buffer.read(1 << 12):
            pass
    except OSError:
        pass
    _quit()


def _watch_parent(pid: int) -> None:
    while os.getppid() == pid:
        time.sleep(1.0)
    _quit()


def _set_pdeathsig() -> None:
    """Ask the kernel to send us SIGTERM when the parent dies (Linux only; elsewhere the stdin watch covers it)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    except (OSError, AttributeError):
        pass


def main(argv: list[str] | None = None) -> int:
    a = _args(argv)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if a.pdeathsig:
        _set_pdeathsig()
    if a.parent_pid and os.getppid() != a.parent_pid:
        return 1  # the parent died before we got here
    if a.watch_stdin:
        threading.Thread(target=_watch_stdin, daemon=True).start()
    if a.parent_pid:
        threading.Thread(target=_watch_parent, args=(a.parent_pid,), daemon=True).start()

    import xllamacpp

    p = xllamacpp.CommonParams()
    p.model.path = a.model
    p.hostnames = [a.host]
    p.port = a.port
    p.n_ctx = a.ctx
    p.n_batch = a.batch
    p.n_ubatch = min(a.batch, 512)
    p.n_parallel = 1
    p.cpuparams.n_threads = a.threads
    p.cpuparams_batch.n_threads = a.threads
    p.endpoint_metrics = True
    if a.alias:
        p.model_alias = {a.alias}
    try:
        server = xllamacpp.Server(p)
    except RuntimeError as e:
        print(f"synthloop serve: {e}", file=sys.stderr, flush=True)
        return 2
    # Exit at once on SIGTERM: joining llama.cpp's loop could wait for a long generation in flight.
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    print(f"{READY} {server.listening_address}", flush=True)
    while True:
        time.sleep(0.5)


if __name__ == "__main__":
    sys.exit(main())
