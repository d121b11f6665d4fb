"""make_model: the configured model (OpenAI-compatible endpoint, scripted fake, embedded local server) wrapped
in a MeteredModel with the run's budget, response cache and price table."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from ..config import Config
from .budget import Budget
from .cache import ResponseCache
from .metered import MeteredModel
from .model import Capabilities, ModelError
from .pricing import PriceTable


def _capabilities(cfg: Config) -> Capabilities:
    ep = cfg.model.endpoint()
    return Capabilities(json_schema=ep.json_schema, tools=ep.tools, n=ep.n)


def make_inner_model(cfg: Config, stack: contextlib.ExitStack) -> Any:
    """The bare model for cfg.model.preset (no budget, cache or accounting)."""
    ep = cfg.model.endpoint()
    preset = cfg.model.preset
    if preset == "scripted":
        from .scripted import ScriptedModel

        if not cfg.model.script:
            raise ModelError("model.preset is 'scripted' but model.script is empty: "
                             "set model.script to a JSON file with a list of replies")
        model = ScriptedModel.from_file(cfg.model.script, name=ep.name or "scripted",
                                        context_size=ep.context_size, capabilities=_capabilities(cfg))
        if not model.replies:
            raise ModelError(f"model.script {cfg.model.script} holds no replies (an empty JSON list)")
        return model
    from .openai_model import OpenAIModel  # imports openai: only when a real endpoint is used

    if preset == "local" and not cfg.model.base_url:
        try:
            from .local.server import LocalServer
        except ImportError as e:
            raise ModelError(f"the embedded local model server is not available ({e}); "
                             "use another model.preset or set model.base_url to a running server") from None
        server = stack.enter_context(LocalServer(cfg.local))
        model = OpenAIModel(server.base_url, server.model_name, capabilities=_capabilities(cfg),
                            context_size=server.context_size, timeout_s=cfg.local.request_timeout_s,
                            max_retries=cfg.model.max_retries, backoff_s=cfg.model.retry_backoff_s,
                            endpoint_id=f"local:{server.model_name}",  # its port changes every start
                            extra_body=cfg.model.endpoint().extra_body)
    else:
        model = OpenAIModel.from_config(cfg.model)
    stack.callback(model.close)
    return model


def _runs_locally(cfg: Config, inner: Any) -> bool:
    if cfg.model.preset in ("local", "scripted"):
        return True
    host = urlparse(str(getattr(inner, "base_url", ""))).hostname or ""
    return host in ("127.0.0.1", "localhost", "::1")


def response_cache(cfg: Config, run: Any, stack: contextlib.ExitStack) -> ResponseCache | None:
    if not cfg.model.cache:
        return None
    if cfg.model.cache_path:
        path = Path(cfg.model.cache_path).expanduser()
    elif run is not None:
        path = run.path / "cache.sqlite"
    else:
        return None
    cache = run.shared(f"cache:{path}", lambda: ResponseCache(path)) if run is not None else ResponseCache(path)
    stack.callback(cache.close)  # it reopens on the next use if another model of this run still needs it
    return cache


def make_model(cfg: Config, run: Any, stack: contextlib.ExitStack, *, role: str = "model") -> MeteredModel:
    """A MeteredModel (budget + SQLite response cache + events.jsonl accounting) for cfg.model.

    Every model made for the same run shares one Budget (started from the run's spent totals, so a resumed run
    keeps counting) and one cache. Resources (the local server, HTTP clients, the cache) close with `stack`."""
    inner = make_inner_model(cfg, stack)
    table = dict(cfg.prices)
    if _runs_locally(cfg, inner) and inner.name not in table:
        table[inner.name] = (0.0, 0.0)  # your own hardware: free, and no "unknown price" warning
    if run is not None:
        budget = run.shared("budget", lambda: Budget.from_config(cfg.budget, run))
        prices = run.shared(f"prices:{inner.name}", lambda: PriceTable(table))
    else:
        budget, prices = Budget.from_config(cfg.budget), PriceTable(table)
    return MeteredModel(inner, run=run, budget=budget, cache=response_cache(cfg, run, stack), prices=prices, role=role)
