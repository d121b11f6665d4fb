"""Host side of the design's model channel: answers `ask` requests through the run's MeteredModel.

The run's budget, response cache and accounting apply to every call (the MeteredModel does that); on top, one
item may make at most `max_calls` calls. A refused call (budget spent or call limit reached) and a failed call
come back to the design as an error it sees; `budget_exceeded` tells the evaluator the run's budget is spent.
"""

from __future__ import annotations

import inspect
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, create_model

from ..agents.model import BudgetExceeded, ModelError
from ..agents.structured import complete_json, extract_json

MAX_K = 16
MAX_FIELDS = 12
_SAMPLE_STRIDE = 100_000  # sample indices: repeat * stride + occurrence * 2 * MAX_K + i (distinct cache keys)


def _as_text(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    return json.dumps(v)


Text = Annotated[str, BeforeValidator(_as_text)]


@cache
def fields_schema(fields: tuple[str, ...]) -> type[BaseModel]:
    """A pydantic model with one string field per name (non-string JSON values are kept as JSON text)."""
    spec: dict[str, Any] = {f: (Text, ...) for f in fields}
    return create_model("DesignReply", __config__=ConfigDict(extra="ignore"), **spec)


class ChannelError(ValueError):
    """A malformed request from the design."""


class ModelChannel:
    """Serves one item's model calls (thread-safe: a design may call from several threads)."""

    def __init__(self, model: Any, *, max_calls: int = 40, repeat: int = 0, temperature_cap: float = 2.0,
                 max_tokens: int | None = None):
        self.model = model
        self.max_tokens = max_tokens
        self.max_calls = max_calls
        self.repeat = repeat
        self.temperature_cap = temperature_cap
        self.calls = 0
        self.refused = 0
        self.failed = 0
        self.budget_exceeded: str = ""
        self._seen: dict[str, int] = {}
        self._lock = threading.Lock()
        # a MeteredModel caches each sample under its own index; a bare model takes no such argument
        self._indexed = "sample_index" in inspect.signature(model.complete).parameters

    def handle(self, msg: dict[str, Any]) -> dict[str, Any]:
        """Answer one request: {"id", "replies": [...]} or {"id", "error", "refused"}."""
        rid = msg.get("id")
        try:
            messages, fields, k, temperature = self._validate(msg)
        except ChannelError as e:
            self.failed += 1
            return {"id": rid, "error": f"bad model request: {e}", "refused": False}
        with self._lock:
            if self.calls + k > self.max_calls:
                self.refused += 1
                return {"id": rid, "refused": True,
                        "error": f"model call refused: this item's limit of {self.max_calls} calls is reached"}
            if self.budget_exceeded:
                self.refused += 1
                return {"id": rid, "refused": True, "error": f"model call refused: {self.budget_exceeded}"}
            self.calls += k
            key = json.dumps([messages, fields, temperature], sort_keys=True)
            occurrence = self._seen.get(key, 0)
            self._seen[key] = occurrence + 1
        base = self.repeat * _SAMPLE_STRIDE + occurrence * 2 * MAX_K  # room for k samples and k re-asks
        try:
            replies = self._sample(messages, fields_schema(tuple(fields)), k, temperature, base)
        except BudgetExceeded as e:
            with self._lock:
                self.budget_exceeded = str(e)
                self.refused += 1
            return {"id": rid, "refused": True, "error": f"model call refused: {e}"}
        except ModelError as e:
            self.failed += 1
            return {"id": rid, "refused": False, "error": f"model call failed: {e}"}
        return {"id": rid, "replies": replies}

    def _validate(self, msg: dict[str, Any]) -> tuple[list[dict[str, str]], list[str], int, float]:
        messages = msg.get("messages")
        if not isinstance(messages, list) or not messages or not all(
                isinstance(m, dict) and m.get("role") in ("system", "user", "assistant")
                and isinstance(m.get("content"), str) for m in messages):
            raise ChannelError("messages must be a non-empty list of {role, content} with string content")
        fields = msg.get("fields")
        if (not isinstance(fields, list) or not 0 < len(fields) <= MAX_FIELDS
                or not all(isinstance(f, str) and f.isidentifier() for f in fields) or len(set(fields)) != len(fields)):
            raise ChannelError(f"fields must be 1..{MAX_FIELDS} distinct identifier names")
        k = msg.get("k", 1)
        if not isinstance(k, int) or not 1 <= k <= MAX_K:
            raise ChannelError(f"k must be an integer 1..{MAX_K}")
        t = msg.get("temperature", 0.5)
        if not isinstance(t, int | float) or not 0 <= t <= self.temperature_cap:
            raise ChannelError(f"temperature must be a number in [0, {self.temperature_cap}]")
        clean = [{"role": m["role"], "content": m["content"]} for m in messages]
        return clean, fields, k, float(t)

    def _sample(self, messages: list[dict[str, str]], schema: type[BaseModel], k: int, temperature: float,
                base: int) -> list[dict[str, str]]:
        """k validated replies: one n=k request where the endpoint takes n and json_schema, else k calls."""
        caps = self.model.capabilities
        if k > 1 and caps.n and caps.json_schema and self._indexed:
            from ..agents.structured import response_format_for

            out = self.model.complete(messages, response_format=response_format_for(schema, True), n=k,
                                      temperature=temperature, max_tokens=self.max_tokens, sample_index=base)
            parsed: list[dict[str, str] | None] = []
            for ch in out.choices:
                try:
                    parsed.append(schema.model_validate(extract_json(ch.content)).model_dump())
                except ValueError:
                    parsed.append(None)
            missing = [i for i, p in enumerate(parsed) if p is None]
            for i in missing:  # an invalid choice gets its own call (with complete_json's repair round)
                parsed[i] = self._one(messages, schema, temperature, base + k + i)
            return [p for p in parsed if p is not None]
        if k == 1:
            return [self._one(messages, schema, temperature, base)]
        with ThreadPoolExecutor(max_workers=min(k, 8), thread_name_prefix="design-sample") as ex:
            return list(ex.map(lambda i: self._one(messages, schema, temperature, base + i), range(k)))

    def _one(self, messages: list[dict[str, str]], schema: type[BaseModel], temperature: float,
             index: int) -> dict[str, str]:
        kw: dict[str, Any] = {"temperature": temperature, "max_tokens": self.max_tokens}
        if index and self._indexed:
            kw["sample_index"] = index
        return complete_json(self.model, messages, schema, **kw).model_dump()
