"""The Hypothesis Search graph for one task: propose → filter → implement → verify → revise → (predict).

State holds only plain data (hypotheses, program texts, outputs as lists); the model, pool and task are closed over.
Every model call goes through the run's MeteredModel (budget, cache, events), so a re-run node costs nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypedDict

from pydantic import BaseModel

from ...agents.model import ModelError
from ..grid import ArcTask
from .text import extract_code, messages, task_text
from .verify import verify_programs

Chooser = Callable[[list[str], int], list[int]]  # (hypotheses, k) -> chosen indices (interactive filter)


@dataclass
class Settings:
    mode: str = "hypothesis"          # hypothesis | program (program-only baseline)
    n_hypotheses: int = 8
    k_filtered: int = 4
    m_programs: int = 2
    r_revisions: int = 2
    revise_width: int = 4             # failing programs revised per round
    t_hypothesis: float = 1.0
    t_code: float = 0.7
    max_tokens: int = 1024
    program_timeout_s: float = 2.0
    filter: str = "llm"               # llm | interactive | none
    hints: list[str] = field(default_factory=list)  # e.g. the symbolic proposer's NL descriptions


class State(TypedDict, total=False):
    hypotheses: list[str]
    selected: list[str]
    programs: list[dict[str, Any]]
    round: int
    failures: list[str]


class Chosen(BaseModel):
    hypotheses: list[str]


def build_graph(task: ArcTask, model: Any, pool: Any, s: Settings, deadline: float,
                chooser: Chooser | None = None, log: Callable[..., None] | None = None) -> Any:
    """An uncompiled StateGraph for `task`."""
    from langgraph.graph import END, START, StateGraph

    text = task_text(task)
    note = log or (lambda kind, **kw: None)

    def late() -> bool:
        return time.monotonic() > deadline

    def propose(state: State) -> State:
        if s.mode == "program":
            return {"hypotheses": [""], "failures": []}
        failures: list[str] = []
        hyps: list[str] = []
        for i, ch in enumerate(model.sample(messages("hypothesis", task=text), s.n_hypotheses, s.t_hypothesis,
                                            max_tokens=s.max_tokens)):
            content = (ch.content or "").strip()
            if ch.finish_reason == "length" or not content:
                failures.append(f"hypothesis {i}: {'truncated' if content else 'empty reply'}")
                continue
            hyps.append(content)
        hyps += [h for h in s.hints if h not in hyps]
        note("arc_hypotheses", task=task.id, n=len(hyps), failures=failures)
        return {"hypotheses": hyps, "failures": failures}

    def filter_(state: State) -> State:
        hyps = list(dict.fromkeys(state["hypotheses"]))
        if len(hyps) <= s.k_filtered or s.filter == "none" or s.mode == "program":
            return {"selected": hyps[: s.k_filtered] if s.filter == "none" else hyps}
        if s.filter == "interactive" and chooser is not None:
            return {"selected": [hyps[i] for i in chooser(hyps, s.k_filtered) if 0 <= i < len(hyps)]}
        from ...agents.structured import complete_json

        listing = "\n".join(f"{i + 1}. {h}" for i, h in enumerate(hyps))
        failures = list(state.get("failures", []))
        try:
            chosen = complete_json(model, messages("summarise", task=text, hypotheses=listing, k=str(s.k_filtered)),
                                   Chosen, max_tokens=s.max_tokens).hypotheses
            selected = [h.strip() for h in chosen if h.strip()][: s.k_filtered]
        except ModelError as e:
            selected = []
            failures.append(f"summarisation failed ({e}); kept the first {s.k_filtered}")
        return {"selected": selected or hyps[: s.k_filtered], "failures": failures}

    def implement(state: State) -> State:
        programs: list[dict[str, Any]] = []
        failures = list(state.get("failures", []))
        k = s.m_programs * (s.k_filtered if s.mode == "program" else 1)
        for h, hyp in enumerate(state["selected"]):
            if late():
                failures.append("deadline reached while implementing")
                break
            msgs = messages("program_only", task=text) if s.mode == "program" else \
                messages("implement", task=text, hypothesis=hyp)
            for ch in model.sample(msgs, k, s.t_code, max_tokens=s.max_tokens):
                code = extract_code(ch.content or "") if ch.finish_reason != "length" else None
                programs.append(_program(len(programs), h, code, 0, None,
                                         "" if code else "no usable transform() in the reply"))
        return {"programs": programs, "round": 0, "failures": failures}

    def verify(state: State) -> State:
        programs = [dict(p) for p in state["programs"]]
        todo = [p for p in programs if p["code"] and p["outputs"] is None]
        verdicts = verify_programs(pool, task, [p["code"] for p in todo], s.program_timeout_s)
        seen = {p["sig"] for p in programs if p["sig"]}
        for p, v in zip(todo, verdicts, strict=True):
            p.update(outputs=v.outputs, train_ok=v.train_ok, feedback=v.feedback, sig=v.signature,
                     duplicate=v.signature in seen)
            seen.add(v.signature)
        for p in programs:
            if not p["code"]:
                p["outputs"] = []
        note("arc_verify", task=task.id, round=state["round"], checked=len(todo),
             passed=sum(p["train_ok"] == len(task.train) for p in todo))
        return {"programs": programs}

    def revise(state: State) -> State:
        programs = list(state["programs"])
        failing = sorted((p for p in programs if p["code"] and not p["duplicate"] and p["train_ok"] < len(task.train)
                          and not p["revised"]), key=lambda p: -p["train_ok"])[: s.revise_width]
        for p in failing:
            hyp = state["selected"][p["hyp"]] if s.mode != "program" else "(infer it from the examples)"
            reply = model.complete(messages("revise", task=text, hypothesis=hyp, code=p["code"], feedback=p["feedback"]),
                                   temperature=s.t_code, max_tokens=s.max_tokens).choices[0]
            code = extract_code(reply.content or "") if reply.finish_reason != "length" else None
            programs = [dict(q, revised=True) if q["pid"] == p["pid"] else q for q in programs]
            programs.append(_program(len(programs), p["hyp"], code, state["round"] + 1, p["pid"],
                                     "" if code else "no usable transform() in the revision"))
        return {"programs": programs, "round": state["round"] + 1}

    def route(state: State) -> str:
        solved = any(p["train_ok"] == len(task.train) for p in state["programs"])
        return END if solved or state["round"] >= s.r_revisions or late() else "revise"

    g = StateGraph(State)
    for name, fn in [("propose", propose), ("filter", filter_), ("implement", implement),
                     ("verify", verify), ("revise", revise)]:
        g.add_node(name, fn)
    g.add_edge(START, "propose")
    g.add_edge("propose", "filter")
    g.add_edge("filter", "implement")
    g.add_edge("implement", "verify")
    g.add_conditional_edges("verify", route, ["revise", END])
    g.add_edge("revise", "verify")
    return g


def _program(pid: int, hyp: int, code: str | None, rnd: int, parent: int | None, feedback: str) -> dict[str, Any]:
    return {"pid": pid, "hyp": hyp, "code": code or "", "round": rnd, "parent": parent, "outputs": None,
            "train_ok": 0, "feedback": feedback, "sig": "", "duplicate": False, "revised": False}
