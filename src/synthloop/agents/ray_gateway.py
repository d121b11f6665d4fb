"""ModelGateway: one budget, cache and accounting authority for model calls made from Ray workers.

A Ray actor, placed on the driver's node, owns the run's MeteredModel (built by `make_model` from the run's
config: the same budget, started from what the run has spent, the same SQLite response cache, and model_call
events appended to the run's events.jsonl). Workers hold a `GatewayModel` — a small proxy that implements the
Model protocol (`complete`, `sample`, `with_role`) and pickles with its actor handle — so every call, from any
worker, is checked against the one budget and answered from the one cache. Requests and replies cross as JSON
text. The driver alone writes run.json: the gateway keeps the tokens and dollars it charged until
`Gateway.sync()` (every few seconds in the background, and on close) adds them to the driver's Run.

`ray` is imported inside functions only; importing this module does not import it.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..memory.runstore import Run, RunStore
from .model import (
    BudgetExceeded,
    Capabilities,
    Choice,
    Completion,
    InvalidOutput,
    Message,
    ModelError,
    TruncatedOutput,
)
from .ray_map import import_ray, ray_session

ERRORS: dict[str, type[Exception]] = {
    "BudgetExceeded": BudgetExceeded, "TruncatedOutput": TruncatedOutput, "InvalidOutput": InvalidOutput,
    "ModelError": ModelError,
}


class _GatewayRun(Run):
    """The run as the gateway actor sees it: events go to its events.jsonl; usage is held for the driver."""

    def __init__(self, path: Path, info: Any):
        super().__init__(path, info)
        self._pending = {"prompt_tokens": 0, "completion_tokens": 0, "cost": 0.0}

    def add_usage(self, prompt_tokens: int, completion_tokens: int, cost: float) -> None:
        with self._lock:
            self.info.prompt_tokens += prompt_tokens
            self.info.completion_tokens += completion_tokens
            self.info.cost += cost
            self._pending["prompt_tokens"] += prompt_tokens
            self._pending["completion_tokens"] += completion_tokens
            self._pending["cost"] += cost

    def save(self) -> None:  # run.json belongs to the driver
        return None

    def take_usage(self) -> dict[str, Any]:
        with self._lock:
            out, self._pending = self._pending, {"prompt_tokens": 0, "completion_tokens": 0, "cost": 0.0}
        return out


def _completion_json(c: Completion) -> dict[str, Any]:
    return asdict(c)


def _completion_from(d: dict[str, Any]) -> Completion:
    from .cache import completion_from_json

    return completion_from_json(json.dumps(d))


class ModelGateway:
    """The actor's body (wrapped by `ray.remote` in `open_gateway`): a MeteredModel for `cfg_data` and the run."""

    def __init__(self, cfg_data: dict[str, Any], run_dir: str | None, role: str = "model"):
        from ..config import Config
        from .factory import make_model

        cfg = Config.model_validate(cfg_data)
        self._stack = contextlib.ExitStack()
        self._run: _GatewayRun | None = None
        if run_dir:
            opened = RunStore(Path(run_dir).parent).open(Path(run_dir).name)
            self._run = _GatewayRun(opened.path, opened.info)
        self._model = make_model(cfg, self._run, self._stack, role=role)
        self._roles: dict[str, Any] = {role: self._model}
        self._lock = threading.Lock()
        self._calls = {"requests": 0, "errors": 0}

    def _for(self, role: str | None) -> Any:
        if not role:
            return self._model
        with self._lock:
            if role not in self._roles:
                self._roles[role] = self._model.with_role(role)
            return self._roles[role]

    def info(self) -> dict[str, Any]:
        """What the proxy needs to look like the model: name, context size, capabilities."""
        return {"name": self._model.name, "context_size": self._model.context_size,
                "capabilities": asdict(self._model.capabilities)}

    def _call(self, fn: Any) -> str:
        with self._lock:
            self._calls["requests"] += 1
        try:
            return json.dumps({"ok": True, "value": fn()})
        except (BudgetExceeded, ModelError) as e:
            with self._lock:
                self._calls["errors"] += 1
            kind = next((k for k, cls in ERRORS.items() if type(e) is cls), "ModelError")
            return json.dumps({"ok": False, "error": kind, "message": str(e)})

    def complete(self, request: str) -> str:
        """request: JSON {"messages", "kwargs", "role"}; reply: JSON {"ok", "value": completion} or an error."""
        req = json.loads(request)
        model = self._for(req.get("role"))
        return self._call(lambda: _completion_json(model.complete(req["messages"], **req.get("kwargs", {}))))

    def sample(self, request: str) -> str:
        """request: JSON {"messages", "k", "temperature", "kwargs", "role"}; reply: JSON list of choices."""
        req = json.loads(request)
        model = self._for(req.get("role"))
        return self._call(lambda: [asdict(c) for c in model.sample(req["messages"], int(req["k"]),
                                                                   float(req["temperature"]), **req.get("kwargs", {}))])

    def take_usage(self) -> dict[str, Any]:
        """Tokens and dollars charged since the last call (for the driver's run.json), plus budget and cache."""
        usage = self._run.take_usage() if self._run is not None else {}
        budget = self._model.budget.snapshot() if self._model.budget is not None else {}
        cache = self._model.cache
        with self._lock:
            calls = dict(self._calls)
        return {"usage": usage, "budget": budget, "calls": calls,
                "cache": {"hits": cache.hits, "misses": cache.misses} if cache is not None else {}}

    def close(self) -> None:
        self._stack.close()


class GatewayModel:
    """A Model that forwards to a ModelGateway actor (usable in any Ray worker; pickles with the handle)."""

    def __init__(self, actor: Any, info: dict[str, Any], role: str = ""):
        self._actor = actor
        self.name = str(info["name"])
        self.context_size = int(info["context_size"])
        self.capabilities = Capabilities(**info["capabilities"])
        self._info = info
        self.role = role

    def with_role(self, role: str) -> GatewayModel:
        """The same gateway, with events labelled by another role."""
        return GatewayModel(self._actor, self._info, role)

    def _ask(self, method: str, request: dict[str, Any]) -> Any:
        ray = import_ray()
        reply = json.loads(ray.get(getattr(self._actor, method).remote(json.dumps({**request, "role": self.role}))))
        if not reply["ok"]:
            raise ERRORS.get(reply["error"], ModelError)(reply["message"])
        return reply["value"]

    def complete(self, messages: list[Message], *, tools: list[dict[str, Any]] | None = None,
                 response_format: dict[str, Any] | None = None, n: int = 1, temperature: float = 0.0,
                 max_tokens: int | None = None, sample_index: int = 0) -> Completion:
        kwargs = {"tools": tools, "response_format": response_format, "n": n, "temperature": temperature,
                  "max_tokens": max_tokens, "sample_index": sample_index}
        return _completion_from(self._ask("complete", {"messages": messages, "kwargs": kwargs}))

    def sample(self, messages: list[Message], k: int, temperature: float, **kw: Any) -> list[Choice]:
        data = self._ask("sample", {"messages": messages, "k": k, "temperature": temperature, "kwargs": kw})
        return _completion_from({"choices": data}).choices


class Gateway:
    """The driver's side of an open gateway: `.model` for workers, `sync()` to bring usage into run.json (also
    every `sync_s` seconds in a background thread, so a killed run loses at most that much accounting)."""

    def __init__(self, actor: Any, model: GatewayModel, run: Run | None, sync_s: float = 5.0):
        self.actor = actor
        self.model = model
        self.run = run
        self.stats: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if run is not None and sync_s > 0:
            self._thread = threading.Thread(target=self._loop, args=(sync_s,), daemon=True, name="gateway-sync")
            self._thread.start()

    def _loop(self, every: float) -> None:
        while not self._stop.wait(every):
            try:
                self.sync()
            except Exception:  # noqa: BLE001 - the final sync on close reports a dead gateway
                return

    def sync(self) -> dict[str, Any]:
        """Add what the gateway charged since the last sync to the driver's run; returns the gateway's stats."""
        ray = import_ray()
        with self._lock:
            self.stats = ray.get(self.actor.take_usage.remote())
            u = self.stats.get("usage") or {}
            if self.run is not None and any(u.values()):
                self.run.add_usage(int(u["prompt_tokens"]), int(u["completion_tokens"]), float(u["cost"]))
            return self.stats

    def stop(self) -> None:
        """Stop the background sync (the caller syncs once more)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)


@contextlib.contextmanager
def open_gateway(cfg: Any, run: Run | None, *, role: str = "model", max_concurrency: int = 8,
                 address: str | None = None, local_cpus: int = 2, sync_s: float = 5.0) -> Iterator[Gateway]:
    """Start a ModelGateway actor for `cfg` (a Config) and `run` on this node; yield a Gateway whose `.model`
    is the proxy to hand to workers. On exit: sync usage into the run, close the model, kill the actor.

    `max_concurrency` calls are served at once; the budget is checked before each, so at most that many calls
    already in flight when the limit is reached can finish past it (1 = stop exactly at the limit)."""
    with ray_session(address, num_cpus=local_cpus) as ray:
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        here = NodeAffinitySchedulingStrategy(node_id=ray.get_runtime_context().get_node_id(), soft=False)
        actor_cls = ray.remote(ModelGateway).options(num_cpus=0, max_concurrency=max(1, max_concurrency),
                                                     max_restarts=0, scheduling_strategy=here)
        actor = actor_cls.remote(cfg.model_dump(mode="json"), str(run.path) if run is not None else None, role)
        try:
            info = ray.get(actor.info.remote())
        except ray.exceptions.RayActorError as e:
            ray.kill(actor)
            raise ModelError(f"the model gateway did not start: {e}") from None
        gw = Gateway(actor, GatewayModel(actor, info), run, sync_s=sync_s)
        try:
            yield gw
        finally:
            try:
                gw.stop()
                gw.sync()
                ray.get(actor.close.remote())
            finally:
                ray.kill(actor)
