"""A scripted model for whole-build tests: replies chosen by which instruction is asking (parallel workers
consume replies concurrently, so a single ordered list would race)."""

from __future__ import annotations

import copy
import json
import re
import threading
from collections.abc import Callable
from typing import Any

from synthloop.agents.scripted import ScriptedModel

_INSTR = re.compile(r"# Your instruction \(([^)]+)\)")


def call(name: str, **args: Any) -> dict[str, Any]:
    """A reply with one tool call."""
    return {"tool_calls": [{"name": name, "arguments": args}]}


def plan_reply(steps: list[dict[str, Any]]) -> str:
    return json.dumps({"steps": steps})


class Director:
    """Routes each model call: the plan request gets `plan`, each replan request the next of `replan` (then empty plans),
    an instruction's conversation gets the next reply of `scripts[instruction_id]`, the overflow summary request
    gets `note`. Records which instruction asked (`asked`)."""

    def __init__(self, plan: str, scripts: dict[str, list[Any]], *, note: str = "progress note",
                 replan: list[str] | None = None, on_call: Callable[[str], None] | None = None):
        self.plan = plan
        self.scripts = {k: list(v) for k, v in scripts.items()}
        self.note = note
        self.replan = list(replan or [])
        self.on_call = on_call
        self.asked: list[str] = []
        self.seen: dict[str, list[list[dict[str, Any]]]] = {}
        self._lock = threading.Lock()

    def __call__(self, messages: list[dict[str, Any]]) -> Any:
        text = "\n".join(str(m.get("content") or "") for m in messages)
        last = str(messages[-1].get("content") or "")
        with self._lock:
            if "too long for the context window" in last:
                self.asked.append("summary")
                return self.note
            if "# Acceptance report" in text:
                self.asked.append("replan")
                return self.replan.pop(0) if self.replan else plan_reply([])
            m = _INSTR.search(text)
            if m is None:
                self.asked.append("plan")
                return self.plan
            iid = m.group(1)
            self.asked.append(iid)
            self.seen.setdefault(iid, []).append(messages)
            script = self.scripts.get(iid)
            if not script:
                raise AssertionError(f"no scripted reply left for instruction {iid!r}")
            reply = script.pop(0)
        if self.on_call is not None:
            self.on_call(iid)
        return reply(messages) if callable(reply) else reply

    def replies(self, n: int = 200) -> list[Any]:
        """The reply list for ScriptedModel: this router, n times."""
        return [self] * n


class RecordingModel(ScriptedModel):
    """ScriptedModel that records a copy of each call's messages and its temperature."""

    def __init__(self, *a: Any, **kw: Any):
        super().__init__(*a, **kw)
        self.temperatures: list[float] = []

    def complete(self, messages: Any, **kw: Any) -> Any:
        self.temperatures.append(kw.get("temperature", 0.0))
        return super().complete(copy.deepcopy(messages), **kw)
