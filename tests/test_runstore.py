"""Run store: runs/<id>/ directories, events.jsonl, run.json totals, lookup by prefix."""

from __future__ import annotations

import json
import threading

import pytest

from synthloop.memory.runstore import RunNotFound, RunStore


@pytest.fixture
def store(tmp_path):
    return RunStore(tmp_path / "runs")


def test_create_writes_config_run_json_and_first_event(store):
    run = store.create("arc-eval", 'runs_dir = "x"\n', argv=["arc", "eval"], params={"n": 3})
    assert run.path.parent == store.root and run.id.split("-")[2] == "arc"
    assert (run.path / "config.toml").read_text() == 'runs_dir = "x"\n'
    info = json.loads((run.path / "run.json").read_text())
    assert info["kind"] == "arc-eval" and info["status"] == "running" and info["params"] == {"n": 3}
    (ev,) = list(run.events())
    assert ev["kind"] == "run_started" and ev["argv"] == ["arc", "eval"]


def test_events_append_in_order_and_survive_a_cut_line(store):
    run = store.create("t", "")
    for i in range(5):
        run.event("step", i=i)
    with open(run.events_path, "a") as fh:
        fh.write('{"kind": "step", "i": ')  # a write cut short by kill -9
    resumed = RunStore(run.path.parent).open(run.id)  # a resumed process appends after the damage
    resumed.event("after", ok=True)
    kinds = [e["kind"] for e in run.events()]
    assert kinds == ["run_started", "step", "step", "step", "step", "step", "after"]
    assert [e["i"] for e in run.events() if e["kind"] == "step"] == [0, 1, 2, 3, 4]


def test_concurrent_usage_and_events_are_consistent(store):
    run = store.create("t", "")

    def work():
        for _ in range(50):
            run.add_usage(3, 2, 0.01)
            run.event("call")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    again = store.open(run.id)
    assert (again.info.prompt_tokens, again.info.completion_tokens) == (600, 400)
    assert again.info.cost == pytest.approx(2.0)
    assert sum(1 for e in run.events() if e["kind"] == "call") == 200


def test_finish_reopen_and_bad_status(store):
    run = store.create("t", "")
    run.finish("budget_exceeded", error="token budget of 5 reached")
    info = store.open(run.id).info
    assert info.status == "budget_exceeded" and info.finished and "token budget" in info.error
    run.reopen()
    assert store.open(run.id).info.status == "running" and store.open(run.id).info.finished is None
    run.finish("done", result={"accuracy": 0.5})
    assert store.open(run.id).info.result == {"accuracy": 0.5}
    with pytest.raises(ValueError):
        run.finish("exploded")


def test_open_by_prefix_ambiguity_and_damage(store):
    a = store.create("alpha", "")
    b = store.create("beta", "")
    assert store.open(a.id).id == a.id
    assert store.open(a.id[:-2]).id == a.id  # unique prefix
    with pytest.raises(RunNotFound, match="no run"):
        store.open("nope")
    common = ""
    for x, y in zip(a.id, b.id, strict=False):
        if x != y:
            break
        common += x
    with pytest.raises(RunNotFound, match="ambiguous"):
        store.open(common)
    (b.path / "run.json").write_text("{broken")
    with pytest.raises(RunNotFound, match="damaged"):
        store.open(b.id)
    assert [r.id for r in store.list()] == [a.id]  # damaged runs are left out of the list


def test_list_on_missing_root_is_empty(tmp_path):
    assert RunStore(tmp_path / "nothing").list() == []


def test_shared_objects_are_made_once_per_run(store):
    run = store.create("t", "")
    made = []

    def factory():
        made.append(1)
        return object()

    results = []
    threads = [threading.Thread(target=lambda: results.append(run.shared("budget", factory))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(made) == 1 and len({id(r) for r in results}) == 1
