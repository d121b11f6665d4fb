"""OpenAIModel: any OpenAI-compatible Chat Completions endpoint through the official `openai` SDK.

This is the only module that imports `openai`; import it lazily (the factory does)."""

from __future__ import annotations

import email.utils
import json
import os
import random
import time
from collections.abc import Callable, Mapping
from typing import Any

import openai

from .model import Capabilities, Choice, Completion, Message, ModelError, ToolCall, Usage

DUMMY_KEY = "sk-no-key-needed"
RETRY_AFTER_MAX_S = 60.0  # honour a server's Retry-After up to this long; longer waits fall back to our backoff


def resolve_api_key(preset_name: str, api_key_env: str, environ: Mapping[str, str] | None = None) -> str:
    """The key from the preset's env var; a dummy for local servers; a clear error for preset openai."""
    env = os.environ if environ is None else environ
    key = env.get(api_key_env, "").strip() if api_key_env else ""
    if key:
        return key
    if preset_name == "openai":
        var = api_key_env or "OPENAI_API_KEY"
        raise ModelError(f"model.preset is 'openai' but {var} is not set: export {var}=sk-... "
                         "or pick a local preset (model.preset = local | ollama | vllm | llama.cpp)")
    return DUMMY_KEY


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _retry_after(headers: Mapping[str, str] | None) -> float | None:
    if not headers:
        return None
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return float(ms) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        when = email.utils.parsedate_to_datetime(value) if value else None
        return max(0.0, when.timestamp() - time.time()) if when else None


def _to_completion(data: Any, fallback_model: str) -> Completion:
    """Our Completion from a parsed response body (dict); ModelError on anything malformed."""
    try:
        return _convert(data, fallback_model)
    except (AttributeError, TypeError, ValueError, KeyError) as e:
        raise ModelError(f"malformed chat completion from the endpoint ({type(e).__name__}: "
                         f"{_one_line(str(e), 120)})") from None


def _convert(data: Any, fallback_model: str) -> Completion:
    if not isinstance(data, dict):
        raise ModelError(f"endpoint returned a non-JSON or non-object body: {_one_line(repr(data), 120)}")
    raw_choices = data.get("choices")
    if not isinstance(raw_choices, list) or not raw_choices:
        raise ModelError(f"endpoint response has no choices: {_one_line(repr(data), 160)}")
    choices: list[Choice] = []
    for ch in raw_choices:
        msg = ch.get("message") if isinstance(ch, dict) else None
        if not isinstance(msg, dict):
            raise ModelError(f"endpoint response choice has no message: {_one_line(repr(ch), 160)}")
        calls = []
        for i, tc in enumerate(msg.get("tool_calls") or []):
            fn = (tc or {}).get("function") or {}
            if not fn.get("name"):
                raise ModelError(f"endpoint returned a tool call without a function name: {_one_line(repr(tc), 160)}")
            args = fn.get("arguments")
            calls.append(ToolCall(id=tc.get("id") or f"call_{i}", name=fn["name"],
                                  arguments=args if isinstance(args, str) else json.dumps(args or {})))
        content = msg.get("content")
        if content is not None and not isinstance(content, str):
            content = json.dumps(content)
        choices.append(Choice(content=content, finish_reason=ch.get("finish_reason") or "stop", tool_calls=calls))
    u = data.get("usage") or {}
    usage = Usage(int(u.get("prompt_tokens") or 0), int(u.get("completion_tokens") or 0))
    return Completion(choices=choices, usage=usage, model=str(data.get("model") or fallback_model))


class OpenAIModel:
    """Chat Completions over HTTP with our own retry loop (429, 5xx, timeouts, connection errors only)."""

    def __init__(self, base_url: str, model: str, api_key: str = DUMMY_KEY, *,
                 capabilities: Capabilities | None = None, context_size: int = 8192, timeout_s: float = 120.0,
                 max_retries: int = 4, backoff_s: float = 1.0, backoff_max_s: float = 30.0,
                 sleep: Callable[[float], None] = time.sleep, http_client: Any = None,
                 endpoint_id: str | None = None, extra_body: dict[str, Any] | None = None):
        if not base_url:
            raise ModelError(f"no base_url for model {model!r}: set model.base_url (e.g. http://127.0.0.1:8080/v1)")
        self.name = model
        self.base_url = base_url.rstrip("/")
        self._endpoint_id = endpoint_id  # a stable name for cache keys when the URL is not (random local ports)
        self.extra_body = dict(extra_body or {})  # server-specific sampling fields, sent with every request
        self.capabilities = capabilities or Capabilities()
        self.context_size = context_size
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        self.backoff_s = backoff_s
        self.backoff_max_s = backoff_max_s
        self._sleep = sleep
        self._client = openai.OpenAI(base_url=self.base_url, api_key=api_key or DUMMY_KEY, timeout=timeout_s,
                                     max_retries=0, http_client=http_client)

    @classmethod
    def from_config(cls, model_cfg: Any, environ: Mapping[str, str] | None = None) -> OpenAIModel:
        """From a ModelConfig: its preset with the section's overrides (name, base_url, api_key_env)."""
        ep = model_cfg.endpoint()
        key = resolve_api_key(model_cfg.preset, ep.api_key_env, environ)
        return cls(ep.base_url, ep.name, key,
                   capabilities=Capabilities(json_schema=ep.json_schema, tools=ep.tools, n=ep.n),
                   context_size=ep.context_size, timeout_s=model_cfg.timeout_s, max_retries=model_cfg.max_retries,
                   backoff_s=getattr(model_cfg, "retry_backoff_s", 1.0), extra_body=ep.extra_body)

    @property
    def endpoint(self) -> str:
        """What identifies this endpoint (and its extra request fields) in cache keys."""
        base = self._endpoint_id or self.base_url
        return base + (" " + json.dumps(self.extra_body, sort_keys=True) if self.extra_body else "")

    def close(self) -> None:
        self._client.close()

    def complete(self, messages: list[Message], *, tools: list[dict[str, Any]] | None = None,
                 response_format: dict[str, Any] | None = None, n: int = 1, temperature: float = 0.0,
                 max_tokens: int | None = None) -> Completion:
        """One chat completion; an endpoint without n>1 support gets n sequential requests, merged."""
        if n > 1 and not self.capabilities.n:
            parts = [self.complete(messages, tools=tools, response_format=response_format, n=1,
                                   temperature=temperature, max_tokens=max_tokens) for _ in range(n)]
            return Completion(choices=[c for p in parts for c in p.choices],
                              usage=Usage(sum(p.usage.prompt_tokens for p in parts),
                                          sum(p.usage.completion_tokens for p in parts)),
                              model=parts[0].model, latency_s=sum(p.latency_s for p in parts))
        kwargs: dict[str, Any] = {"model": self.name, "messages": messages, "temperature": temperature}
        if n > 1:
            kwargs["n"] = n
        if tools:
            kwargs["tools"] = tools
        if response_format:
            if response_format.get("type") == "json_schema" and not self.capabilities.json_schema:
                response_format = {"type": "json_object"}  # the endpoint cannot enforce a schema
            kwargs["response_format"] = response_format
        if self.extra_body:
            kwargs["extra_body"] = self.extra_body
        if max_tokens:  # api.openai.com's newer models accept only max_completion_tokens; other servers max_tokens
            kwargs["max_completion_tokens" if "api.openai.com" in self.base_url else "max_tokens"] = max_tokens
        t0 = time.monotonic()
        data = self._request(kwargs)
        out = _to_completion(data, self.name)
        out.latency_s = time.monotonic() - t0
        return out

    def _request(self, kwargs: dict[str, Any]) -> Any:
        attempts = self.max_retries + 1
        last = ""
        for attempt in range(attempts):
            wait: float | None = None
            try:
                resp = self._client.chat.completions.create(**kwargs)
            except openai.APIStatusError as e:
                status = e.status_code
                last = f"HTTP {status}: {_one_line(getattr(e, 'message', '') or str(e), 200)}"
                if not (status == 429 or status == 408 or status >= 500):
                    raise ModelError(f"{self.name} at {self.base_url} refused the request ({last})") from None
                wait = _retry_after(e.response.headers if e.response is not None else None)
            except openai.APITimeoutError:
                last = "request timed out"
            except openai.APIConnectionError as e:
                last = f"connection error: {_one_line(str(e.__cause__ or e), 200)}"
            except openai.OpenAIError as e:
                raise ModelError(f"{self.name} at {self.base_url}: {_one_line(str(e), 200)}") from None
            except ValueError as e:  # the SDK could not decode the body (JSONDecodeError)
                raise ModelError(f"{self.name} at {self.base_url} returned a body that is not JSON: "
                                 f"{_one_line(str(e), 120)}") from None
            else:
                if hasattr(resp, "model_dump"):
                    return resp.model_dump(warnings=False)
                raise ModelError(f"{self.name} at {self.base_url} returned something that is not a chat completion: "
                                 f"{_one_line(repr(resp), 120)}")
            if attempt + 1 < attempts:
                self._sleep(self._backoff(attempt, wait))
        raise ModelError(f"{self.name} at {self.base_url} failed after {attempts} attempts ({last})")

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        """Exponential backoff with jitter; a small Retry-After from the server wins."""
        if retry_after is not None and 0 <= retry_after <= RETRY_AFTER_MAX_S:
            return retry_after
        cap = min(self.backoff_max_s, self.backoff_s * (2 ** attempt))
        return cap / 2 + random.uniform(0, cap / 2)
