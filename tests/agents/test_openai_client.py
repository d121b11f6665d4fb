"""OpenAIModel and complete_json through the real openai SDK against a local OpenAI-compatible server."""

from __future__ import annotations

import json
import socket

import pytest
from pydantic import BaseModel

from synthloop.agents.fake_server import FakeOpenAIServer
from synthloop.agents.model import Capabilities, InvalidOutput, ModelError, TruncatedOutput
from synthloop.agents.openai_model import DUMMY_KEY, OpenAIModel, resolve_api_key
from synthloop.agents.structured import complete_json, extract_json
from synthloop.config import load_config

USER = [{"role": "user", "content": "Say something useful about lists."}]


class Answer(BaseModel):
    answer: int
    why: str = ""


class Sleeps:
    """Records the backoff waits instead of sleeping (the retry logic itself stays real)."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, s: float) -> None:
        self.waits.append(s)


def model(srv: FakeOpenAIServer, **kw) -> OpenAIModel:
    kw.setdefault("sleep", Sleeps())
    kw.setdefault("backoff_s", 0.01)
    return OpenAIModel(srv.base_url, "fake-model", **kw)


def test_chat_text_usage_and_request_body():
    with FakeOpenAIServer(["Lists are ordered."]) as srv:
        out = model(srv).complete(USER, temperature=0.3, max_tokens=50)
    assert out.text == "Lists are ordered."
    assert out.choices[0].finish_reason == "stop"
    assert out.usage.prompt_tokens > 0 and out.usage.completion_tokens > 0
    assert out.model == "fake-model" and out.latency_s > 0
    body = srv.requests[0]
    assert body["model"] == "fake-model" and body["messages"] == USER
    assert body["temperature"] == 0.3 and body["max_tokens"] == 50
    assert "n" not in body and "tools" not in body
    assert srv.headers[0]["authorization"] == f"Bearer {DUMMY_KEY}"


def test_extra_body_from_the_preset_reaches_the_server_and_the_cache_key():
    cfg = load_config(overrides={"model.preset": "llama.cpp"}, environ={})
    cfg.model.presets["llama.cpp"].extra_body = {"dry_multiplier": 0.8, "repeat_penalty": 1.05}
    with FakeOpenAIServer(["ok", "ok"]) as srv:
        cfg.model.base_url = srv.base_url
        m = OpenAIModel.from_config(cfg.model, environ={})
        m.complete(USER, max_tokens=20)
        plain = OpenAIModel(srv.base_url, "local")
        plain.complete(USER, max_tokens=20)
    assert srv.requests[0]["dry_multiplier"] == 0.8 and srv.requests[0]["repeat_penalty"] == 1.05
    assert "dry_multiplier" not in srv.requests[1]
    assert m.endpoint != plain.endpoint and "dry_multiplier" in m.endpoint  # cached replies are kept apart


def test_tool_calls_are_converted_and_round_trip_as_messages():
    tools = [{"type": "function", "function": {"name": "write_file", "parameters": {
        "type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]}}}]
    reply = {"content": None, "tool_calls": [{"id": "c1", "name": "write_file", "arguments": {"path": "a.py"}}]}
    with FakeOpenAIServer([reply]) as srv:
        out = model(srv).complete(USER, tools=tools)
    assert srv.requests[0]["tools"] == tools
    ch = out.choices[0]
    assert ch.finish_reason == "tool_calls"
    assert [(t.id, t.name, json.loads(t.arguments)) for t in ch.tool_calls] == [("c1", "write_file", {"path": "a.py"})]
    msg = ch.to_message()
    assert msg["tool_calls"][0]["function"] == {"name": "write_file", "arguments": '{"path": "a.py"}'}


def test_json_schema_structured_output():
    with FakeOpenAIServer(['{"answer": 42, "why": "it is"}']) as srv:
        got = complete_json(model(srv, capabilities=Capabilities(json_schema=True)), USER, Answer)
    assert got == Answer(answer=42, why="it is")
    fmt = srv.requests[0]["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["name"] == "Answer"
    assert fmt["json_schema"]["schema"]["required"] == ["answer"]
    assert srv.requests[0]["messages"] == USER  # native mode: the prompt is untouched


def test_500_then_200_is_retried():
    sleeps = Sleeps()
    with FakeOpenAIServer([{"status": 500}, {"status": 503}, "ok now"]) as srv:
        out = model(srv, sleep=sleeps, backoff_s=0.1).complete(USER)
    assert out.text == "ok now" and len(srv.requests) == 3
    assert len(sleeps.waits) == 2
    # exponential with jitter: attempt k waits within [b*2^k/2, b*2^k]
    assert 0.05 <= sleeps.waits[0] <= 0.1 and 0.1 <= sleeps.waits[1] <= 0.2


def test_429_honours_small_retry_after():
    sleeps = Sleeps()
    with FakeOpenAIServer([{"status": 429, "retry_after": 0.25}, "fine"]) as srv:
        out = model(srv, sleep=sleeps).complete(USER)
    assert out.text == "fine" and len(srv.requests) == 2
    assert sleeps.waits == [0.25]


def test_429_with_huge_retry_after_falls_back_to_backoff():
    sleeps = Sleeps()
    with FakeOpenAIServer([{"status": 429, "retry_after": 86400}, "fine"]) as srv:
        model(srv, sleep=sleeps, backoff_s=0.01).complete(USER)
    assert sleeps.waits and sleeps.waits[0] <= 0.01


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_client_errors_are_not_retried(status):
    with FakeOpenAIServer([{"status": status}, "never served"]) as srv:
        with pytest.raises(ModelError) as ei:
            model(srv).complete(USER)
    assert len(srv.requests) == 1
    assert f"HTTP {status}" in str(ei.value) and "\n" not in str(ei.value)


def test_retries_exhausted_give_one_line_model_error():
    with FakeOpenAIServer([{"status": 500}] * 3) as srv:
        with pytest.raises(ModelError) as ei:
            model(srv, max_retries=2).complete(USER)
    assert len(srv.requests) == 3
    assert "failed after 3 attempts" in str(ei.value) and "HTTP 500" in str(ei.value)
    assert "\n" not in str(ei.value)


def test_timeout_is_retried_then_model_error():
    with FakeOpenAIServer([{"delay": 1.0, "content": "late"}, {"delay": 1.0, "content": "late"}]) as srv:
        with pytest.raises(ModelError, match="timed out"):
            model(srv, timeout_s=0.2, max_retries=1).complete(USER)
        assert len(srv.requests) == 2


def test_timeout_then_success():
    with FakeOpenAIServer([{"delay": 1.0, "content": "late"}, "quick"]) as srv:
        assert model(srv, timeout_s=0.3, max_retries=1).complete(USER).text == "quick"


def test_connection_refused_is_retried_then_model_error():
    with socket.socket() as s:  # a port with nobody listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sleeps = Sleeps()
    m = OpenAIModel(f"http://127.0.0.1:{port}/v1", "m", sleep=sleeps, backoff_s=0.01, max_retries=2)
    with pytest.raises(ModelError, match="connection error"):
        m.complete(USER)
    assert len(sleeps.waits) == 2


def test_truncated_json_raises_truncated_output_without_repair():
    with FakeOpenAIServer([{"content": '{"answer": 4', "finish_reason": "length"}, '{"answer": 4}']) as srv:
        with pytest.raises(TruncatedOutput):
            complete_json(model(srv), USER, Answer, max_tokens=5)
    assert len(srv.requests) == 1


@pytest.mark.parametrize("raw", [
    {"raw": "this is not json"},
    {"raw": '{"id": "x", "object": "chat.completion"}'},  # no choices
    {"raw": '{"choices": [{"index": 0}]}'},  # a choice without a message
    {"raw": "<html>oops</html>", "content_type": "text/html"},
    {"raw": "[1, 2, 3]"},
    {"raw": '{"choices": [{"index": 0, "message": {"role": "assistant", "tool_calls": ["bad"]}}]}'},
    {"raw": '{"choices": [{"index": 0, "message": {"content": "x"}}], "usage": {"prompt_tokens": "lots"}}'},
])
def test_garbage_body_is_model_error_not_crash(raw):
    with FakeOpenAIServer([raw, "never"]) as srv:
        with pytest.raises(ModelError):
            model(srv).complete(USER)
    assert len(srv.requests) == 1


def test_json_object_fallback_and_one_repair_round():
    replies = ["Sure! The answer is four.", 'Here you go:\n```json\n{"answer": 4, "why": "2+2"}\n```']
    with FakeOpenAIServer(replies) as srv:
        got = complete_json(model(srv, capabilities=Capabilities(json_schema=False)), USER, Answer)
    assert got == Answer(answer=4, why="2+2")
    first, second = srv.requests
    assert first["response_format"] == {"type": "json_object"}
    assert '"answer"' in first["messages"][-1]["content"]  # the schema is in the prompt
    assert second["messages"][-2] == {"role": "assistant", "content": "Sure! The answer is four."}
    assert "no JSON object found" in second["messages"][-1]["content"]


def test_still_invalid_after_repair_is_invalid_output():
    with FakeOpenAIServer(['{"answer": "many"}', '{"why": "no answer"}', "unused"]) as srv:
        with pytest.raises(InvalidOutput, match="answer"):
            complete_json(model(srv, capabilities=Capabilities(json_schema=False)), USER, Answer)
    assert len(srv.requests) == 2
    assert "answer: Input should be a valid integer" in srv.requests[1]["messages"][-1]["content"]


def test_n_samples_native_and_emulated():
    with FakeOpenAIServer(["a", "b", "c"]) as srv:
        out = model(srv, capabilities=Capabilities(n=True)).complete(USER, n=3, temperature=1.0)
    assert out.texts == ["a", "b", "c"] and len(srv.requests) == 1 and srv.requests[0]["n"] == 3
    with FakeOpenAIServer(["a", "b", "c"]) as srv:
        out = model(srv, capabilities=Capabilities(n=False)).complete(USER, n=3, temperature=1.0)
    assert out.texts == ["a", "b", "c"] and len(srv.requests) == 3
    assert all("n" not in r for r in srv.requests)
    assert out.usage.prompt_tokens == 3 * (out.usage.prompt_tokens // 3)


def test_from_config_uses_preset_overrides_and_key_env(monkeypatch):
    monkeypatch.setenv("VLLM_API_KEY", "sk-test-123")
    with FakeOpenAIServer(["hi"]) as srv:
        cfg = load_config(overrides={"model.preset": "vllm", "model.base_url": srv.base_url,
                                     "model.name": "my-model"}, environ={})
        m = OpenAIModel.from_config(cfg.model)
        assert m.name == "my-model" and m.capabilities.n is True and m.context_size == 32768
        assert m.complete(USER).text == "hi"
    assert srv.headers[0]["authorization"] == "Bearer sk-test-123"
    assert srv.requests[0]["model"] == "my-model"


def test_api_key_resolution():
    with pytest.raises(ModelError, match="OPENAI_API_KEY"):
        resolve_api_key("openai", "OPENAI_API_KEY", environ={})
    assert resolve_api_key("openai", "OPENAI_API_KEY", environ={"OPENAI_API_KEY": "sk-x"}) == "sk-x"
    assert resolve_api_key("ollama", "OLLAMA_API_KEY", environ={}) == DUMMY_KEY
    assert resolve_api_key("llama.cpp", "", environ={"OPENAI_API_KEY": "sk-x"}) == DUMMY_KEY
    with pytest.raises(ModelError, match="base_url"):
        OpenAIModel("", "m")


def test_models_route_and_exhaustion():
    import urllib.request

    with FakeOpenAIServer([], model="fm") as srv:
        data = json.loads(urllib.request.urlopen(srv.base_url + "/models", timeout=5).read())
        assert data["data"][0]["id"] == "fm"
        with pytest.raises(ModelError, match="exhausted"):
            model(srv).complete(USER)


def test_callable_reply_sees_request_body():
    def echo(body):
        return "you said: " + body["messages"][-1]["content"]

    with FakeOpenAIServer([echo]) as srv:
        assert model(srv).complete(USER).text == "you said: " + USER[0]["content"]


@pytest.mark.parametrize("text,expected", [
    ('{"a": 1}', {"a": 1}),
    ('  [1, 2]  ', [1, 2]),
    ('Here it is:\n```json\n{"a": {"b": [1]}}\n```\nThanks', {"a": {"b": [1]}}),
    ('```\n{"a": 2}\n```', {"a": 2}),
    ('The result [see below]: {"a": 3} -- done', {"a": 3}),
    ('prose {not json} then {"ok": true}', {"ok": True}),
])
def test_extract_json(text, expected):
    assert extract_json(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "no json here", '{"a": '])
def test_extract_json_rejects(text):
    with pytest.raises(ValueError):
        extract_json(text)


def test_json_schema_request_downgrades_where_unsupported():
    fmt = {"type": "json_schema", "json_schema": {"name": "A", "schema": {"type": "object"}}}
    with FakeOpenAIServer(["{}", "{}"]) as srv:
        model(srv, capabilities=Capabilities(json_schema=False)).complete(USER, response_format=fmt)
        model(srv, capabilities=Capabilities(json_schema=True)).complete(USER, response_format=fmt)
    assert [r["response_format"] for r in srv.requests] == [{"type": "json_object"}, fmt]
