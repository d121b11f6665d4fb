"""graph_runner: checkpoints in the run dir, Ctrl-C drains at a step boundary, budget stop, resume without redoing."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import TypedDict

import pytest

from synthloop.agents.graph_runner import has_checkpoint, run_graph
from synthloop.agents.model import BudgetExceeded
from synthloop.memory.runstore import RunStore


class S(TypedDict, total=False):
    log: list[str]


def _builder(marks: Path, on_first: str = ""):
    from langgraph.graph import END, START, StateGraph

    def step(name: str):
        def node(state: S) -> S:
            with open(marks, "a") as fh:
                fh.write(name + "\n")
            if name == "a" and on_first == "sigint":
                os.kill(os.getpid(), signal.SIGINT)
            if name == "b" and on_first == "budget" and marks.read_text().count("b") == 1:
                raise BudgetExceeded("token budget of 10 reached")
            return {"log": [*state.get("log", []), name]}
        return node

    g = StateGraph(S)
    for n in "abc":
        g.add_node(n, step(n))
    g.add_edge(START, "a")
    g.add_edge("a", "b")
    g.add_edge("b", "c")
    g.add_edge("c", END)
    return g


def test_ctrl_c_drains_after_the_current_step_and_resume_finishes(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    run = RunStore(tmp_path / "runs").create("test", "")
    marks = tmp_path / "marks"
    with pytest.raises(KeyboardInterrupt):
        run_graph(_builder(marks, "sigint"), run, {"log": []})
    assert marks.read_text().split() == ["a"]
    err = capsys.readouterr().err  # the user learns at once why nothing stops yet, and how to stop now
    assert "stopping when the running step ends; Ctrl-C again stops at once" in err
    assert f"synthloop runs resume {run.id}" in err
    assert RunStore(tmp_path / "runs").open(run.id).info.status == "interrupted"
    assert has_checkpoint(run)
    out = run_graph(_builder(marks), run, None)
    assert out["log"] == ["a", "b", "c"]
    assert marks.read_text().split() == ["a", "b", "c"]  # "a" was not redone


def test_budget_stop_marks_run_and_resume_reruns_only_the_failed_node(tmp_path: Path) -> None:
    run = RunStore(tmp_path / "runs").create("test", "")
    marks = tmp_path / "marks"
    with pytest.raises(BudgetExceeded):
        run_graph(_builder(marks, "budget"), run, {"log": []})
    info = RunStore(tmp_path / "runs").open(run.id).info
    assert info.status == "budget_exceeded" and "resume" in info.error
    out = run_graph(_builder(marks, "budget"), run, None)
    assert out["log"] == ["a", "b", "c"]
    assert marks.read_text().split() == ["a", "b", "b", "c"]


def test_fresh_run_has_no_checkpoint(tmp_path: Path) -> None:
    run = RunStore(tmp_path / "runs").create("test", "")
    assert not has_checkpoint(run)
