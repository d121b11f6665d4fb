"""MeteredModel: budget check, response cache, cost and events.jsonl accounting around any Model."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .budget import Budget
from .cache import ResponseCache, cache_key
from .model import Capabilities, Choice, Completion, Message, ModelError
from .pricing import PriceTable

MAX_PARALLEL_SAMPLES = 8


def _replies(c: Completion) -> list[dict[str, Any]]:
    """Each choice as a ScriptedModel reply dict (what ReplayModel.from_run reads back)."""
    out = []
    for ch in c.choices:
        r: dict[str, Any] = {"content": ch.content, "finish_reason": ch.finish_reason}
        r["tool_calls"] = [{"id": t.id, "name": t.name, "arguments": t.arguments} for t in ch.tool_calls]
        out.append(r)
    return out


class MeteredModel:
    """Wraps a Model. Before a real call: the budget is checked. After it: cost from the price table, the budget
    and the run are charged, the reply is cached, and a `model_call` event is written. A cache hit costs nothing
    (0 tokens, $0, flagged cached) and makes no request; it is not budget-checked, so a rerun replays freely.
    At temperature > 0 the n-th identical call of this process is cached as the n-th sample, so repeating a
    question still samples anew while a rerun replays the same answers in the same order."""

    def __init__(self, inner: Any, run: Any = None, budget: Budget | None = None,
                 cache: ResponseCache | None = None, prices: PriceTable | None = None, *,
                 role: str = "model", endpoint: str | None = None):
        self.inner = inner
        self.run = run
        self.budget = budget
        self.cache = cache
        self.prices = prices or PriceTable()
        self.role = role
        self.endpoint = endpoint if endpoint is not None else str(getattr(inner, "endpoint", "") or "")

    @property
    def name(self) -> str:
        return str(self.inner.name)

    @property
    def capabilities(self) -> Capabilities:
        return self.inner.capabilities

    @property
    def context_size(self) -> int:
        return int(self.inner.context_size)

    def with_role(self, role: str) -> MeteredModel:
        """The same model, budget, cache and run, with events labelled by another role."""
        return MeteredModel(self.inner, self.run, self.budget, self.cache, self.prices, role=role,
                            endpoint=self.endpoint)

    def complete(self, messages: list[Message], *, tools: list[dict[str, Any]] | None = None,
                 response_format: dict[str, Any] | None = None, n: int = 1, temperature: float = 0.0,
                 max_tokens: int | None = None, sample_index: int = 0) -> Completion:
        key = None
        if self.cache is not None:
            key = cache_key(endpoint=self.endpoint, model=self.name, messages=messages, tools=tools,
                            response_format=response_format, n=n, temperature=temperature,
                            max_tokens=max_tokens, sample_index=sample_index)
            if temperature > 0:
                occurrence = self.cache.occurrence(key)
                key = f"{key}#{occurrence}" if occurrence else key
            hit = self.cache.get(key)
            if hit is not None:
                hit.cached, hit.cost, hit.latency_s = True, 0.0, 0.0
                hit.usage.prompt_tokens = hit.usage.completion_tokens = 0
                self._record(hit, n=n, sample_index=sample_index)
                return hit
        if self.budget is not None:
            self.budget.check()
        t0 = time.monotonic()
        try:
            out = self.inner.complete(messages, tools=tools, response_format=response_format, n=n,
                                      temperature=temperature, max_tokens=max_tokens)
        except ModelError as e:
            if self.run is not None:
                self.run.event("model_error", role=self.role, model=self.name, error=str(e),
                               latency_s=round(time.monotonic() - t0, 3))
            raise
        out.latency_s = out.latency_s or (time.monotonic() - t0)
        out.cached = False
        out.cost = self.prices.cost(out.model or self.name, out.usage.prompt_tokens, out.usage.completion_tokens)
        if self.budget is not None:
            self.budget.charge(out.usage.total, out.cost)
        if self.run is not None:
            self.run.add_usage(out.usage.prompt_tokens, out.usage.completion_tokens, out.cost)
        if self.cache is not None and key is not None:
            self.cache.put(key, out)
        self._record(out, n=n, sample_index=sample_index)
        return out

    def sample(self, messages: list[Message], k: int, temperature: float, **kw: Any) -> list[Choice]:
        """k independent choices: one n=k request where the endpoint supports it, else k parallel requests
        (each cached under its own sample index)."""
        if k <= 0:
            return []
        if k == 1 or self.capabilities.n:
            return list(self.complete(messages, n=k, temperature=temperature, **kw).choices)

        def one(i: int) -> list[Choice]:
            return list(self.complete(messages, n=1, temperature=temperature, sample_index=i, **kw).choices)

        with ThreadPoolExecutor(max_workers=min(k, MAX_PARALLEL_SAMPLES), thread_name_prefix="sample") as ex:
            return [c for part in ex.map(one, range(k)) for c in part]

    def _record(self, c: Completion, *, n: int, sample_index: int) -> None:
        if self.run is None:
            return
        self.run.event("model_call", role=self.role, model=c.model or self.name,
                       prompt_tokens=c.usage.prompt_tokens, completion_tokens=c.usage.completion_tokens,
                       cost=round(c.cost, 8), latency_s=round(c.latency_s, 3), cached=c.cached,
                       finish_reason=c.choices[0].finish_reason if c.choices else "",
                       n=n, sample_index=sample_index, replies=_replies(c))
