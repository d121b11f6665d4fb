"""Fakes at the model boundary: ScriptedModel (replies in order) and ReplayModel (replies from a recorded run)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .model import Capabilities, Choice, Completion, Message, ModelError, ToolCall, Usage

Reply = str | dict[str, Any] | Callable[[list[Message]], "str | dict[str, Any]"]


def _approx_tokens(text: str) -> int:
    return max(1, len(text) // 4)


def _choice(reply: str | dict[str, Any]) -> Choice:
    """A reply is text, or {"content"?, "tool_calls"?: [{"name", "arguments"}], "finish_reason"?}."""
    if isinstance(reply, str):
        return Choice(content=reply)
    calls = [
        ToolCall(id=c.get("id", f"call_{i}"), name=c["name"],
                 arguments=c["arguments"] if isinstance(c["arguments"], str) else json.dumps(c["arguments"]))
        for i, c in enumerate(reply.get("tool_calls", []))
    ]
    return Choice(content=reply.get("content"), finish_reason=reply.get("finish_reason", "tool_calls" if calls else "stop"),
                  tool_calls=calls)


class ScriptedModel:
    """Returns scripted replies in order; a callable reply sees the messages. Fails loudly when exhausted."""

    def __init__(self, replies: Iterable[Reply], name: str = "scripted", context_size: int = 8192,
                 capabilities: Capabilities | None = None):
        self.replies = list(replies)
        self.name = name
        self.context_size = context_size
        self.capabilities = capabilities or Capabilities()
        self.calls: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    @classmethod
    def from_file(cls, path: str | Path, **kw: Any) -> ScriptedModel:
        """A JSON list of replies (strings or reply dicts)."""
        try:
            data = json.loads(Path(path).read_text())
        except (OSError, json.JSONDecodeError) as e:
            raise ModelError(f"cannot read scripted replies from {path}: {e}") from None
        if not isinstance(data, list):
            raise ModelError(f"{path}: scripted replies must be a JSON list")
        return cls(data, **kw)

    @property
    def remaining(self) -> int:
        return len(self.replies)

    def complete(self, messages: list[Message], *, tools: list[dict[str, Any]] | None = None,
                 response_format: dict[str, Any] | None = None, n: int = 1, temperature: float = 0.0,
                 max_tokens: int | None = None) -> Completion:
        choices = []
        with self._lock:
            self.calls.append({"messages": messages, "tools": tools, "response_format": response_format, "n": n})
            for _ in range(n):
                if not self.replies:
                    raise ModelError(f"scripted model exhausted after {len(self.calls)} calls")
                reply = self.replies.pop(0)
                if callable(reply):
                    reply = reply(messages)
                choices.append(_choice(reply))
        prompt = sum(_approx_tokens(str(m.get("content") or "")) for m in messages)
        completion = sum(_approx_tokens((c.content or "") + "".join(t.arguments for t in c.tool_calls)) for c in choices)
        return Completion(choices=choices, usage=Usage(prompt, completion), model=self.name)


class ReplayModel(ScriptedModel):
    """Replays the replies recorded in a run's events.jsonl (events of kind "model_call" with a "replies" list)."""

    @classmethod
    def from_run(cls, run_dir: str | Path, **kw: Any) -> ReplayModel:
        replies: list[Reply] = []
        path = Path(run_dir) / "events.jsonl"
        if not path.exists():
            raise ModelError(f"no recorded events in {run_dir}")
        for line in path.read_text().splitlines():
            try:
                ev = json.loads(line)
            except json.JSONDecodeError:
                continue
            if ev.get("kind") == "model_call" and not ev.get("cached"):
                replies.extend(ev.get("replies", []))
        return cls(replies, name=kw.pop("name", "replay"), **kw)
