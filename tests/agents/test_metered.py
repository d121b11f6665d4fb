"""MeteredModel, Budget, ResponseCache, PriceTable and make_model: real files, real HTTP; only the model is fake."""

from __future__ import annotations

import contextlib
import json
import logging
import threading

import pytest

from synthloop.agents.budget import Budget
from synthloop.agents.cache import ResponseCache, cache_key
from synthloop.agents.factory import make_model
from synthloop.agents.fake_server import FakeOpenAIServer
from synthloop.agents.metered import MeteredModel
from synthloop.agents.model import BudgetExceeded, Capabilities, ModelError
from synthloop.agents.pricing import PriceTable
from synthloop.agents.scripted import ReplayModel, ScriptedModel
from synthloop.config import load_config, to_toml
from synthloop.memory.runstore import RunStore

MSG = [{"role": "user", "content": "x" * 40}]  # ~10 prompt tokens for ScriptedModel


@pytest.fixture
def run(tmp_path):
    cfg = load_config(environ={})
    return RunStore(tmp_path / "runs").create("test", to_toml(cfg))


def model_calls(run):
    return [e for e in run.events() if e["kind"] == "model_call"]


def test_token_budget_stops_before_the_call():
    inner = ScriptedModel(["first reply", "second reply"])
    m = MeteredModel(inner, budget=Budget(max_tokens=10))
    m.complete(MSG)
    with pytest.raises(BudgetExceeded, match="token budget of 10 reached"):
        m.complete(MSG)
    assert inner.remaining == 1  # the second call never reached the model


def test_dollar_budget_stops():
    prices = PriceTable({"scripted": (1000.0, 1000.0)})  # $0.001 per token
    m = MeteredModel(ScriptedModel(["a" * 40, "b"]), budget=Budget(max_dollars=0.015), prices=prices)
    first = m.complete(MSG)
    assert first.cost == pytest.approx((10 + 10) * 0.001)
    with pytest.raises(BudgetExceeded, match=r"dollar budget of \$0.015"):
        m.complete(MSG)


def test_wall_time_budget_stops():
    now = [100.0]
    budget = Budget(max_wall_s=5.0, clock=lambda: now[0])
    m = MeteredModel(ScriptedModel(["a", "b"]), budget=budget)
    m.complete(MSG)
    now[0] += 5.5
    with pytest.raises(BudgetExceeded, match="wall-time budget of 5 s"):
        m.complete(MSG)


def test_budget_resumes_from_run_totals(run):
    run.add_usage(100, 50, 0.25)
    cfg = load_config(overrides={"budget.max_tokens": 200}, environ={})
    b = Budget.from_config(cfg.budget, run)
    assert b.tokens == 150 and b.dollars == pytest.approx(0.25)
    b.check()
    b.charge(50)
    with pytest.raises(BudgetExceeded, match="token budget of 200"):
        b.check()


def test_budget_wall_time_counts_earlier_sessions_not_idle_gaps(run):
    lines = run.events_path.read_text().splitlines()
    t0 = json.loads(lines[0])["ts"]
    with open(run.events_path, "w") as fh:  # a run that worked 30 s, lay killed for an hour, worked 10 s more
        for ts, kind in [(t0, "run_started"), (t0 + 30, "model_call"), (t0 + 3630, "run_resumed"),
                         (t0 + 3640, "model_call")]:
            fh.write(json.dumps({"ts": ts, "kind": kind}) + "\n")
    cfg = load_config(overrides={"budget.max_wall_s": 45.0}, environ={})
    now = [0.0]
    b = Budget.from_config(cfg.budget, run, clock=lambda: now[0])
    assert b.wall_s == pytest.approx(40.0)
    b.check()
    now[0] = 5.0
    with pytest.raises(BudgetExceeded, match="wall-time budget of 45 s"):
        b.check()


def test_budget_is_thread_safe():
    b = Budget()

    def spend():
        for _ in range(2000):
            b.charge(1, 0.5)

    threads = [threading.Thread(target=spend) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert b.tokens == 16000 and b.dollars == pytest.approx(8000.0)


def test_events_and_run_usage(run):
    prices = PriceTable({"scripted": (2.0, 4.0)})
    m = MeteredModel(ScriptedModel(["hello", {"tool_calls": [{"name": "f", "arguments": {"x": 1}}]}]),
                     run=run, prices=prices, role="planner")
    a = m.complete(MSG)
    m.complete(MSG, tools=[{"type": "function", "function": {"name": "f"}}])
    evs = model_calls(run)
    assert len(evs) == 2
    e = evs[0]
    assert e["role"] == "planner" and e["model"] == "scripted" and e["cached"] is False
    assert e["prompt_tokens"] == a.usage.prompt_tokens and e["completion_tokens"] == a.usage.completion_tokens
    assert e["cost"] == pytest.approx(a.cost) and e["finish_reason"] == "stop" and "latency_s" in e
    assert e["replies"] == [{"content": "hello", "finish_reason": "stop", "tool_calls": []}]
    assert evs[1]["replies"][0]["tool_calls"][0]["name"] == "f"
    reopened = RunStore(run.path.parent).open(run.id)  # run.json on disk carries the totals
    assert reopened.info.prompt_tokens == sum(e["prompt_tokens"] for e in evs)
    assert reopened.info.cost == pytest.approx(sum(e["cost"] for e in evs))


def test_model_error_is_recorded_and_raised(run):
    m = MeteredModel(ScriptedModel([]), run=run)
    with pytest.raises(ModelError, match="exhausted"):
        m.complete(MSG)
    assert [e["kind"] for e in run.events()][-1] == "model_error"


def test_cache_hit_on_rerun_costs_nothing_and_sends_no_request(run):
    from synthloop.agents.openai_model import OpenAIModel

    prices = PriceTable({"fake-model": (1.0, 1.0)})
    with FakeOpenAIServer(["an answer"]) as srv:
        first = MeteredModel(OpenAIModel(srv.base_url, "fake-model"), run=run,
                             cache=ResponseCache(run.path / "cache.sqlite"), prices=prices)
        a = first.complete(MSG, temperature=0.0, max_tokens=20)
        tokens_after_first = run.info.prompt_tokens + run.info.completion_tokens
        # a "rerun": new model, new cache object on the same file, a budget that is already spent
        rerun = MeteredModel(OpenAIModel(srv.base_url, "fake-model"), run=run,
                             cache=ResponseCache(run.path / "cache.sqlite"), prices=prices,
                             budget=Budget(max_tokens=1, spent_tokens=5))
        b = rerun.complete(MSG, temperature=0.0, max_tokens=20)
        assert len(srv.requests) == 1
        # a different request is a miss (and here the spent budget stops it before any request)
        with pytest.raises(BudgetExceeded):
            rerun.complete(MSG, temperature=0.0, max_tokens=21)
        assert len(srv.requests) == 1
    assert a.cached is False and a.cost > 0
    assert b.cached is True and b.text == "an answer" and b.cost == 0 and b.usage.total == 0
    assert run.info.prompt_tokens + run.info.completion_tokens == tokens_after_first
    evs = model_calls(run)
    assert [e["cached"] for e in evs] == [False, True] and evs[1]["cost"] == 0 and evs[1]["prompt_tokens"] == 0


def test_cache_key_covers_every_input():
    base = dict(endpoint="e", model="m", messages=MSG, tools=None, response_format=None, n=1,
                temperature=0.0, max_tokens=10, sample_index=0)
    k = cache_key(**base)
    for field, other in [("endpoint", "e2"), ("model", "m2"), ("messages", [{"role": "user", "content": "y"}]),
                         ("tools", [{"type": "function"}]), ("response_format", {"type": "json_object"}),
                         ("n", 2), ("temperature", 0.5), ("max_tokens", 11), ("sample_index", 1)]:
        assert cache_key(**{**base, field: other}) != k, field
    assert cache_key(**dict(reversed(list(base.items())))) == k


def test_cache_is_thread_safe(tmp_path):
    cache = ResponseCache(tmp_path / "c.sqlite")
    m = MeteredModel(ScriptedModel([f"r{i}" for i in range(40)]), cache=cache)

    def work(i):
        m.complete([{"role": "user", "content": f"q{i}"}])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(cache) == 40
    cache.close()
    assert len(ResponseCache(tmp_path / "c.sqlite")) == 40


def test_unknown_model_price_warns_once(caplog):
    m = MeteredModel(ScriptedModel(["a", "b", "c"], name="mystery-model"), prices=PriceTable({"gpt-4o": (1, 1)}))
    with caplog.at_level(logging.WARNING, logger="synthloop.agents.pricing"):
        costs = [m.complete(MSG).cost for _ in range(3)]
    assert costs == [0.0, 0.0, 0.0]
    warnings = [r for r in caplog.records if "mystery-model" in r.getMessage()]
    assert len(warnings) == 1


def test_price_lookup_prefers_longest_prefix():
    p = PriceTable({"gpt-4o": (2.5, 10.0), "gpt-4o-mini": (0.15, 0.6)})
    assert p.lookup("gpt-4o-mini-2024-07-18") == (0.15, 0.6)
    assert p.lookup("gpt-4o-2024-08-06") == (2.5, 10.0)
    assert p.cost("gpt-4o", 1_000_000, 1_000_000) == pytest.approx(12.5)


def test_replay_model_replays_a_recorded_run(run):
    replies = ["plan: two steps", {"tool_calls": [{"id": "t1", "name": "write", "arguments": {"p": "a"}}]},
               {"content": "cut", "finish_reason": "length"}]
    m = MeteredModel(ScriptedModel(replies), run=run)
    originals = [m.complete(MSG) for _ in range(3)]
    replay = ReplayModel.from_run(run.path)
    again = [replay.complete(MSG) for _ in range(3)]
    assert [c.choices for c in again] == [c.choices for c in originals]
    with pytest.raises(ModelError):
        replay.complete(MSG)


def test_sample_uses_n_where_supported():
    inner = ScriptedModel(["a", "b", "c"], capabilities=Capabilities(n=True))
    out = MeteredModel(inner).sample(MSG, 3, temperature=1.0)
    assert [c.content for c in out] == ["a", "b", "c"] and len(inner.calls) == 1 and inner.calls[0]["n"] == 3


def test_sample_emulates_n_with_parallel_cached_calls(tmp_path):
    cache = ResponseCache(tmp_path / "c.sqlite")
    inner = ScriptedModel(["a", "b", "c"], capabilities=Capabilities(n=False))
    m = MeteredModel(inner, cache=cache)
    out = m.sample(MSG, 3, temperature=1.0)
    assert sorted(c.content for c in out) == ["a", "b", "c"]
    assert len(inner.calls) == 3 and all(c["n"] == 1 for c in inner.calls)
    rerun = MeteredModel(inner, cache=ResponseCache(tmp_path / "c.sqlite"))
    again = rerun.sample(MSG, 3, temperature=1.0)  # every sample index is cached: no more calls
    assert [c.content for c in again] == [c.content for c in out] and len(inner.calls) == 3
    inner.replies.extend(["d", "e", "f"])
    fresh = m.sample(MSG, 3, temperature=1.0)  # asking again in the same session samples anew
    assert sorted(c.content for c in fresh) == ["d", "e", "f"] and len(inner.calls) == 6


def test_repeated_sampling_call_is_a_new_sample_but_replays_on_rerun(tmp_path):
    inner = ScriptedModel(["first", "second", "greedy"])
    m = MeteredModel(inner, cache=ResponseCache(tmp_path / "c.sqlite"))
    assert [m.complete(MSG, temperature=0.8).text for _ in range(2)] == ["first", "second"]
    assert m.complete(MSG, temperature=0.0).text == "greedy"
    assert m.complete(MSG, temperature=0.0).cached is True  # greedy calls are answered from the cache
    rerun = MeteredModel(ScriptedModel([]), cache=ResponseCache(tmp_path / "c.sqlite"))
    assert [rerun.complete(MSG, temperature=0.8).text for _ in range(2)] == ["first", "second"]


def test_make_model_scripted_shares_budget_and_cache(tmp_path, run):
    script = tmp_path / "replies.json"
    script.write_text(json.dumps(["one", "two"]))
    cfg = load_config(overrides={"model.preset": "scripted", "model.script": str(script),
                                 "budget.max_tokens": 1000}, environ={})
    with contextlib.ExitStack() as stack:
        a = make_model(cfg, run, stack, role="proposer")
        b = make_model(cfg, run, stack, role="coder")
        assert isinstance(a, MeteredModel) and a.budget is b.budget and a.name == "scripted"
        assert a.context_size == 8192 and a.capabilities.n is True
        assert a.complete(MSG).text == "one"
        assert a.complete(MSG).text == "one"  # cached
    assert (run.path / "cache.sqlite").exists()
    assert [e["role"] for e in model_calls(run)] == ["proposer", "proposer"]


def test_make_model_errors_are_clear(tmp_path, run, monkeypatch):
    with contextlib.ExitStack() as stack:
        with pytest.raises(ModelError, match="model.script is empty"):
            make_model(load_config(overrides={"model.preset": "scripted"}, environ={}), run, stack)
        empty = tmp_path / "empty.json"
        empty.write_text("[]")
        with pytest.raises(ModelError, match="no replies"):
            make_model(load_config(overrides={"model.preset": "scripted", "model.script": str(empty)},
                                   environ={}), run, stack)
        monkeypatch.delenv("OPENAI_API_KEY", raising=False)
        with pytest.raises(ModelError, match="OPENAI_API_KEY"):
            make_model(load_config(overrides={"model.preset": "openai"}, environ={}), run, stack)


def test_make_model_endpoint_end_to_end(run):
    with FakeOpenAIServer(["served"]) as srv:
        cfg = load_config(overrides={"model.preset": "llama.cpp", "model.base_url": srv.base_url}, environ={})
        with contextlib.ExitStack() as stack:
            m = make_model(cfg, run, stack)
            assert m.capabilities.n is False and m.name == "local"
            assert m.complete(MSG).text == "served"
            assert m.complete(MSG).cached is True
    assert len(srv.requests) == 1
    assert run.info.prompt_tokens > 0 and run.info.cost == 0.0


def test_make_model_remote_unknown_model_warns_local_does_not(run, caplog, monkeypatch):
    monkeypatch.setenv("VLLM_API_KEY", "k")
    with FakeOpenAIServer(["a", "b"]) as srv, contextlib.ExitStack() as stack:
        host = srv.base_url.replace("127.0.0.1", "localhost")
        local = make_model(load_config(overrides={"model.preset": "vllm", "model.base_url": host,
                                                  "model.name": "free-model"}, environ={}), run, stack)
        with caplog.at_level(logging.WARNING, logger="synthloop.agents.pricing"):
            local.complete(MSG)
        assert not caplog.records
        remote = MeteredModel(local.inner, prices=PriceTable({}))  # the same model seen as a paid endpoint
        with caplog.at_level(logging.WARNING, logger="synthloop.agents.pricing"):
            remote.complete(MSG)
        assert len(caplog.records) == 1 and "free-model" in caplog.records[0].getMessage()
