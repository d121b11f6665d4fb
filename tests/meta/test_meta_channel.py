"""The sandbox channel: designs run in bwrap, their model calls go to the host, which enforces the budget and
the per-item call limit; failures of the design come back as recorded errors."""

from __future__ import annotations

import json

import pytest
from scripted_meta import ROT180, design_reply

from synthloop.agents.budget import Budget
from synthloop.agents.metered import MeteredModel
from synthloop.agents.model import BudgetExceeded
from synthloop.agents.scripted import ScriptedModel
from synthloop.meta_search.channel import ModelChannel
from synthloop.meta_search.domains.arc import ArcDomain
from synthloop.meta_search.evaluate import EvalSettings, evaluate_design
from synthloop.meta_search.runner import prepare_design_dir, run_item
from synthloop.tools.sandbox import Limits

CALLER = '''
from framework import ModelCallRefused, ask


def forward(task):
    answered, refused = 0, []
    for i in range(5):
        try:
            reply = ask(f"Attempt {i}: solve.", [task], fields=["thinking", "code"])
            answered += 1
        except ModelCallRefused as e:
            refused.append(str(e))
    return {"answered": answered, "refused": refused, "code": reply.code if answered else ""}
'''


@pytest.fixture(scope="module")
def item():
    return ArcDomain(split_file="adas_arc_split.json", limit=1).tasks("validation")[0]


def _run(sandbox, reachable_dir, code, item, channel, timeout_s=10.0):
    d = prepare_design_dir(reachable_dir() / "design", code, ArcDomain().helper_files())
    return run_item(sandbox, d, "arc_task", item.id, item.payload, channel=channel, timeout_s=timeout_s,
                    limits=Limits(timeout_s=20, memory_mb=512), log_dir=d.parent / "logs")


def test_calls_beyond_the_item_limit_are_refused(sandbox, reachable_dir, item):
    model = MeteredModel(ScriptedModel([design_reply] * 10))
    out = _run(sandbox, reachable_dir, CALLER, item, ModelChannel(model, max_calls=3))
    assert out.ok, out.error
    assert out.answer["answered"] == 3 and out.answer["code"] == ROT180
    assert len(out.answer["refused"]) == 2
    assert all("limit of 3 calls" in r for r in out.answer["refused"])
    assert (out.calls, out.refused) == (3, 2)
    assert model.inner.remaining == 7  # refused calls never reached the model


def test_calls_beyond_the_run_budget_are_refused(sandbox, reachable_dir, item):
    budget = Budget(max_tokens=1)  # the first call is allowed (nothing spent yet); it spends more than 1 token
    model = MeteredModel(ScriptedModel([design_reply] * 10), budget=budget)
    out = _run(sandbox, reachable_dir, CALLER, item, ModelChannel(model, max_calls=40))
    assert out.ok, out.error
    assert out.answer["answered"] == 1 and len(out.answer["refused"]) == 4
    assert all("token budget of 1 reached" in r for r in out.answer["refused"])
    assert "token budget" in out.budget_exceeded


def test_evaluation_stops_with_budget_exceeded(sandbox, reachable_dir, item):
    model = MeteredModel(ScriptedModel([design_reply] * 10), budget=Budget(max_tokens=1))
    with pytest.raises(BudgetExceeded, match="token budget"):
        evaluate_design(CALLER, ArcDomain(), [item], sandbox=sandbox, model=model, workdir=reachable_dir(),
                        settings=EvalSettings(timeout_s=10, workers=1))


def test_design_errors_are_recorded_not_swallowed(sandbox, reachable_dir, item):
    model = MeteredModel(ScriptedModel([design_reply] * 10))
    cases = {
        "def forward(task):\n    return {'x': task.nope}\n": "AttributeError",
        "import os\n\ndef forward(task):\n    os._exit(0)\n": "exited (status 0) without an answer",
        "def forward(task):\n    return object()\n": "TypeError: forward returned something that is not JSON data",
        "def forward(task):\n    print('chatter on stdout')\n    return ask('x', [task], fields=['code', 'code'])\n":
            "ValueError: fields must be a non-empty list of distinct names",
        "def helper(task):\n    return 1\n": "no top-level function forward",
    }
    for code, expected in cases.items():
        res = evaluate_design(code, ArcDomain(), [item], sandbox=sandbox, model=model, workdir=reachable_dir(),
                              settings=EvalSettings(timeout_s=10, workers=1))
        assert res.scores == [0.0]
        assert expected in res.errors[item.id], (code, res.errors)


def test_prints_go_to_stderr_and_the_answer_is_scored(sandbox, reachable_dir, item):
    model = MeteredModel(ScriptedModel([design_reply] * 10))
    code = "def forward(task):\n    print('hello from the design')\n    return task.finish(task.train and " \
           "'def transform(g):\\n    return g\\n')\n"
    log = reachable_dir() / "log.jsonl"
    res = evaluate_design(code, ArcDomain(), [item], sandbox=sandbox, model=model, workdir=reachable_dir(),
                          settings=EvalSettings(timeout_s=10, workers=1), log_path=log)
    assert res.errors == {} and res.scores == [0.0]  # identity is not the rule of this task, but it ran
    line = json.loads(log.read_text())
    assert "hello from the design" in line["stderr_tail"]
    assert line["answer"] == item.payload["test_inputs"]


def test_a_design_that_loops_is_killed_at_its_timeout(sandbox, reachable_dir, item):
    import time

    model = MeteredModel(ScriptedModel([design_reply] * 10))
    t0 = time.monotonic()
    out = _run(sandbox, reachable_dir, "def forward(task):\n    while True:\n        pass\n", item,
               ModelChannel(model), timeout_s=1.5)
    assert out.timed_out and not out.ok and out.error.startswith("timed out")
    assert time.monotonic() - t0 < 10


def test_calls_from_threads_get_their_own_replies(sandbox, reachable_dir, item):
    def echo(messages):
        return json.dumps({"answer": messages[-1]["content"].rsplit("\n", 1)[-1]})

    code = '''from concurrent.futures import ThreadPoolExecutor


def forward(task):
    with ThreadPoolExecutor(4) as ex:
        return list(ex.map(lambda i: ask(f"echo {i}", fields=["answer"]).answer, range(8)))
'''
    out = _run(sandbox, reachable_dir, code, item, ModelChannel(MeteredModel(ScriptedModel([echo] * 8))))
    assert out.ok, out.error
    assert out.answer == [f"echo {i}" for i in range(8)]


def _ask_msg(k: int = 1, fields=("answer",)) -> dict:
    return {"op": "ask", "id": 1, "messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}],
            "fields": list(fields), "k": k, "temperature": 0.7}


def test_samples_without_n_support_and_cache_replay(tmp_path):
    from synthloop.agents.cache import ResponseCache
    from synthloop.agents.model import Capabilities

    inner = ScriptedModel([json.dumps({"answer": str(i)}) for i in range(20)], capabilities=Capabilities(n=False))
    cache = ResponseCache(tmp_path / "cache.sqlite")
    model = MeteredModel(inner, cache=cache)
    first = ModelChannel(model).handle(_ask_msg(k=3))
    assert sorted(r["answer"] for r in first["replies"]) == ["0", "1", "2"]
    # a re-run of the same item by a new process (a resume; a fresh cache object): all from the cache
    replay_cache = ResponseCache(tmp_path / "cache.sqlite")
    again = ModelChannel(MeteredModel(inner, cache=replay_cache)).handle(_ask_msg(k=3))
    assert again == first and inner.remaining == 17
    replay_cache.close()
    ch = ModelChannel(model)
    assert ch.handle(_ask_msg())["replies"][0]["answer"] == "3"  # asked again in this process: a fresh sample
    assert ch.handle(_ask_msg())["replies"][0]["answer"] == "4"  # the same prompt twice within an item: fresh
    repeat = ModelChannel(model, repeat=1).handle(_ask_msg())  # another repeat: fresh samples too
    assert repeat["replies"][0]["answer"] == "5"
    cache.close()


def test_bad_requests_and_invalid_replies_are_errors_for_the_design():
    model = MeteredModel(ScriptedModel(["not json", "still not json", json.dumps({"other": 1})] * 3))
    ch = ModelChannel(model)
    bad = ch.handle({**_ask_msg(), "fields": ["not an identifier"]})
    assert bad["refused"] is False and "bad model request" in bad["error"]
    assert "k must be" in ch.handle(_ask_msg(k=99))["error"]
    failed = ch.handle(_ask_msg())
    assert failed["refused"] is False and failed["error"].startswith("model call failed")
    ok = ch.handle(_ask_msg(fields=("other",)))  # non-string JSON values come back as JSON text
    assert ok["replies"] == [{"other": "1"}]
