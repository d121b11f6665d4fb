"""Run one design on one item in the sandbox, serving its model calls over the JSON-lines channel.

The item's timeout counts the design's own time only: time the host spends answering its model calls is added
back to the deadline, so a slow model does not time designs out, while a design that loops is killed. Every
failure (exception, timeout, crash, garbage on the channel) is recorded with its message, never swallowed.
"""

from __future__ import annotations

import json
import queue
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..tools.sandbox import Limits
from .channel import ModelChannel

FRAMEWORK_FILE = Path(__file__).resolve().parent / "framework.py"
MAX_LINE = 8_000_000  # bytes in one channel message (an answer, a request)
STDERR_TAIL = 2000


@dataclass
class ItemOutcome:
    """What happened when a design ran on one item."""

    item_id: str
    repeat: int = 0
    ok: bool = False
    answer: Any = None
    error: str = ""
    traceback: str = ""
    timed_out: bool = False
    calls: int = 0
    refused: int = 0
    budget_exceeded: str = ""
    design_s: float = 0.0
    model_s: float = 0.0
    stderr_tail: str = ""
    score: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


def prepare_design_dir(workdir: Path, code: str, helper_files: dict[str, str]) -> Path:
    """Write framework.py, the domain's helper modules and design.py into workdir (readable by the sandbox)."""
    workdir.mkdir(parents=True, exist_ok=True)
    files = {"framework.py": FRAMEWORK_FILE.read_text(), **helper_files, "design.py": code}
    for name, text in files.items():
        p = workdir / name
        p.write_text(text)
        p.chmod(0o644)
    workdir.chmod(0o755)
    return workdir


def _reader(stream: Any, out: queue.Queue[bytes | None]) -> None:
    try:
        while True:
            line = stream.readline(MAX_LINE)
            if not line:
                break
            out.put(line)
    except (OSError, ValueError):
        pass
    finally:
        out.put(None)


def _tail(path: Path) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(0, 2)
            size = fh.tell()
            fh.seek(max(0, size - STDERR_TAIL))
            return fh.read().decode("utf-8", "replace")
    except OSError:
        return ""


def run_item(sandbox: Any, design_dir: Path, helper_module: str, item_id: str, payload: dict[str, Any], *,
             channel: ModelChannel, timeout_s: float, limits: Limits, log_dir: Path, repeat: int = 0) -> ItemOutcome:
    """Spawn the design on one item and serve it until it answers, fails, or runs past its own time."""
    outcome = ItemOutcome(item_id=item_id, repeat=repeat)
    log_dir.mkdir(parents=True, exist_ok=True)
    err_path = log_dir / f"{_safe(item_id)}.r{repeat}.stderr"
    t0 = time.monotonic()
    with open(err_path, "wb") as err:
        proc = sandbox.spawn(["python", "-u", "framework.py", "design.py", helper_module], workdir=design_dir,
                             limits=limits, stderr=err)
        lines: queue.Queue[bytes | None] = queue.Queue()
        reader = threading.Thread(target=_reader, args=(proc.stdout, lines), daemon=True)
        reader.start()
        try:
            _serve(proc, lines, payload, channel, timeout_s, outcome, t0)
        finally:
            if proc.poll() is None:
                proc.kill()
            try:
                proc.wait(timeout=10)
            except Exception:  # noqa: BLE001 - a child that will not die is reported, not raised
                outcome.extra["unreaped"] = True
            for s in (proc.stdin, proc.stdout):
                try:
                    if s is not None:
                        s.close()
                except OSError:
                    pass
            reader.join(timeout=5)
    outcome.design_s = round(time.monotonic() - t0 - outcome.model_s, 3)
    outcome.model_s = round(outcome.model_s, 3)
    outcome.calls, outcome.refused = channel.calls, channel.refused
    outcome.budget_exceeded = channel.budget_exceeded
    outcome.stderr_tail = _tail(err_path)
    if not outcome.ok and not outcome.error:
        outcome.error = "the design failed without a message"
    return outcome


def _send(proc: Any, msg: dict[str, Any]) -> bool:
    try:
        proc.stdin.write((json.dumps(msg) + "\n").encode())
        proc.stdin.flush()
        return True
    except (BrokenPipeError, OSError, ValueError):
        return False


def _serve(proc: Any, lines: queue.Queue[bytes | None], payload: dict[str, Any], channel: ModelChannel,
           timeout_s: float, outcome: ItemOutcome, t0: float) -> None:
    if not _send(proc, {"op": "item", "payload": payload}):
        outcome.error = "the design process did not start (its stdin closed at once)"
        return
    while True:
        remaining = t0 + timeout_s + outcome.model_s - time.monotonic()
        try:
            line = lines.get(timeout=max(0.0, remaining))
        except queue.Empty:
            outcome.timed_out = True
            outcome.error = f"timed out: the design ran longer than {timeout_s:g} s (not counting model calls)"
            return
        if line is None:
            code = proc.wait(timeout=10)
            outcome.error = f"the design process exited (status {code}) without an answer"
            return
        if not line.endswith(b"\n"):
            outcome.error = f"the design sent a message longer than {MAX_LINE} bytes"
            return
        try:
            msg = json.loads(line)
            op = msg["op"]
        except (json.JSONDecodeError, KeyError, TypeError):
            outcome.error = f"garbage on the design's channel: {line[:200]!r}"
            return
        if op == "done":
            outcome.ok, outcome.answer = True, msg.get("answer")
            return
        if op == "error":
            outcome.error = str(msg.get("error") or "error")
            outcome.traceback = str(msg.get("traceback") or "")
            return
        if op != "ask":
            outcome.error = f"unknown request {op!r} on the design's channel"
            return
        m0 = time.monotonic()
        reply = channel.handle(msg)
        outcome.model_s += time.monotonic() - m0
        if not _send(proc, reply):
            outcome.error = "the design process closed its channel while a model call was answered"
            return


def _safe(item_id: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in item_id)
