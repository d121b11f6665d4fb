"""The agent-design framework. This file runs INSIDE the sandbox (stdlib + numpy only; it imports nothing of
synthloop) as `python -u framework.py design.py HELPERS_MODULE`.

A design is Python source defining `forward(task) -> answer`. It runs with these names already defined:
`Agent`, `ask`, `Reply`, `ModelCallRefused`, `ModelCallFailed`, and whatever the domain's helper module exports
(its `__all__`). Model calls travel as JSON lines over the process's stdin/stdout to the host, which applies the
run's budget, cache and accounting and may refuse a call (the design sees ModelCallRefused).

Protocol (one JSON object per line):
  host -> child   {"op": "item", "payload": {...}}                       (first line)
  child -> host   {"op": "ask", "id": n, "messages": [...], "fields": [...], "k": k, "temperature": t}
  host -> child   {"id": n, "replies": [{field: text, ...}, ...]}  or  {"id": n, "error": "...", "refused": bool}
  child -> host   {"op": "done", "answer": ...}  or  {"op": "error", "error": "...", "traceback": "..."}
The design's own prints go to stderr, never into the channel.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import threading
import traceback
from typing import Any

__all__ = ["Agent", "ask", "Reply", "ModelCallRefused", "ModelCallFailed", "render"]

MAX_K = 16


class ModelCallRefused(RuntimeError):
    """The host refused a model call: the run's budget or this item's call limit is spent."""


class ModelCallFailed(RuntimeError):
    """The model call failed on the host (endpoint error, or a reply that was not the asked-for JSON)."""


class Reply(dict):
    """A model reply: the asked-for fields as strings, readable as reply["answer"] or reply.answer."""

    def __getattr__(self, name: str) -> str:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"this reply has no field {name!r}; it has {sorted(self)}") from None


class _Channel:
    """The JSON-lines pipe to the host. Calls from several threads are served one at a time."""

    def __init__(self, rfile: Any, wfile: Any):
        self._r = rfile
        self._w = wfile
        self._next_id = 0
        self._lock = threading.Lock()

    def send(self, msg: dict[str, Any]) -> None:
        self._w.write(json.dumps(msg, default=_jsonable) + "\n")
        self._w.flush()

    def receive(self) -> dict[str, Any]:
        line = self._r.readline()
        if not line:
            raise SystemExit("host closed the channel")
        return json.loads(line)

    def request(self, op: str, **data: Any) -> dict[str, Any]:
        with self._lock:
            self._next_id += 1
            self.send({"op": op, "id": self._next_id, **data})
            reply = self.receive()
        if "error" in reply:
            raise (ModelCallRefused if reply.get("refused") else ModelCallFailed)(reply["error"])
        return reply


class _Runtime:
    """Holds the channel for this process (set once by main())."""

    channel: _Channel | None = None


def _jsonable(obj: Any) -> Any:
    """numpy arrays/scalars and tuples become plain JSON data."""
    if hasattr(obj, "tolist"):
        return obj.tolist()
    if isinstance(obj, set | frozenset | tuple):
        return list(obj)
    raise TypeError(f"the answer holds a {type(obj).__name__}, which is not JSON data")


def render(item: Any) -> str:
    """Text for one context item: a Reply (its fields), a task (its .text), a (label, value) pair, or str()."""
    if isinstance(item, Reply):
        return "\n".join(f"### {k}\n{v}" for k, v in item.items())
    if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
        return f"### {item[0]}\n{render(item[1])}"
    text = getattr(item, "text", None)
    if isinstance(text, str):
        return text
    return str(item)


def _messages(instruction: str, context: Any, fields: list[str], role: str) -> list[dict[str, str]]:
    keys = ", ".join(f'"{f}"' for f in fields)
    system = (f"You are {role}. Reply with ONE JSON object and nothing else. Its keys are exactly: {keys}; "
              "every value is a string.")
    items = [context] if isinstance(context, str | Reply) else list(context or [])
    parts = [render(c) for c in items]
    parts.append(f"### Instruction\n{instruction}")
    return [{"role": "system", "content": system}, {"role": "user", "content": "\n\n".join(parts)}]


def ask(instruction: str, context: Any = (), *, fields: list[str] | tuple[str, ...] = ("thinking", "answer"),
        role: str = "a helpful assistant", temperature: float = 0.5, k: int = 1) -> Reply | list[Reply]:
    """Ask the model for the named fields. k == 1 gives one Reply; k > 1 gives a list of k independent Replies."""
    fields = [str(f) for f in fields]
    if not fields or len(set(fields)) != len(fields):
        raise ValueError("fields must be a non-empty list of distinct names")
    if not 1 <= int(k) <= MAX_K:
        raise ValueError(f"k must be between 1 and {MAX_K}")
    if _Runtime.channel is None:
        raise RuntimeError("no host channel: this framework only makes model calls when run by the host")
    reply = _Runtime.channel.request("ask", messages=_messages(instruction, context, fields, role), fields=fields,
                                     k=int(k), temperature=float(temperature))
    replies = [Reply(r) for r in reply["replies"]]
    return replies[0] if k == 1 else replies


class Agent:
    """A reusable model role: Agent(["thinking", "code"], role="an expert programmer", temperature=0.7)."""

    def __init__(self, fields: list[str] | tuple[str, ...] = ("thinking", "answer"), role: str = "a helpful assistant",
                 temperature: float = 0.5):
        self.fields = list(fields)
        self.role = role
        self.temperature = temperature

    def __call__(self, instruction: str, context: Any = ()) -> Reply:
        return ask(instruction, context, fields=self.fields, role=self.role, temperature=self.temperature)

    def sample(self, instruction: str, context: Any = (), k: int = 3) -> list[Reply]:
        out = ask(instruction, context, fields=self.fields, role=self.role, temperature=self.temperature, k=k)
        return out if isinstance(out, list) else [out]


def _short_traceback(exc: BaseException, limit_chars: int = 3000) -> str:
    """The traceback frames inside the design (and the helpers), not the framework's own."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.endswith("framework.py")]
    text = "".join(traceback.format_list(frames)) + "".join(traceback.format_exception_only(type(exc), exc))
    return text[-limit_chars:]


def main(argv: list[str]) -> int:
    """Run one item: read it, load the design, call forward(task), report the answer or the error."""
    design_path, helpers_name = argv[1], argv[2]
    chan_out = os.fdopen(os.dup(1), "w", buffering=1)
    chan_in = os.fdopen(os.dup(0), "r")
    os.dup2(2, 1)  # the design's prints go to stderr
    sys.stdout = sys.stderr
    sys.stdin = open(os.devnull)  # noqa: SIM115 - the design must not read the channel
    channel = _Channel(chan_in, chan_out)
    _Runtime.channel = channel
    sys.modules.setdefault("framework", sys.modules[__name__])  # `from framework import Agent` shares this runtime
    first = channel.receive()
    try:
        sys.path.insert(0, os.getcwd())
        helpers = importlib.import_module(helpers_name)
        task = helpers.make_task(first["payload"])
        namespace: dict[str, Any] = {"__name__": "design"}
        namespace.update({k: globals()[k] for k in __all__})
        namespace.update({k: getattr(helpers, k) for k in getattr(helpers, "__all__", [])})
        with open(design_path) as fh:
            source = fh.read()
        exec(compile(source, "design.py", "exec"), namespace)  # noqa: S102 - the sandbox is the boundary
        forward = namespace.get("forward")
        if not callable(forward):
            raise NameError("the design defines no function forward(task)")
        answer = forward(task)
        try:
            channel.send({"op": "done", "answer": answer})
        except (TypeError, ValueError) as e:
            raise TypeError(f"forward returned something that is not JSON data: {e}") from None
    except BaseException as e:  # noqa: BLE001 - every failure of the design is reported to the host
        if isinstance(e, SystemExit) and str(e) == "host closed the channel":
            return 3
        channel.send({"op": "error", "error": f"{type(e).__name__}: {e}"[:2000], "traceback": _short_traceback(e)})
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
