"""LLMSolver: the Hypothesis Search pipeline as a Solver; optionally fed by the symbolic proposer ("both")."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from ..grid import ArcTask, Candidate, as_grid
from .pipeline import Chooser, Settings, build_graph


def settings_from(arc_cfg: Any, mode: str = "hypothesis", **over: Any) -> Settings:
    """Pipeline sizes from the [arc] config section (N, K, M, R)."""
    return Settings(mode=mode, n_hypotheses=arc_cfg.n_hypotheses, k_filtered=arc_cfg.k_filtered,
                    m_programs=arc_cfg.m_programs, r_revisions=arc_cfg.r_revisions, filter=arc_cfg.filter,
                    t_hypothesis=arc_cfg.t_hypothesis, t_code=arc_cfg.t_code, **over)


class LLMSolver:
    """Implements the Solver protocol. `symbolic` (a Solver) adds its candidates and offers its descriptions as hints.

    Holds the run's single model (budget, cache) and sandbox pool, so the eval loop runs it in parent threads.
    Each task is its own checkpointed graph thread in `checkpoint_db` (default runs/<id>/arc_llm.sqlite).
    """

    in_parent = True

    def __init__(self, model: Any, pool: Any, arc_cfg: Any = None, run: Any = None, *, mode: str = "hypothesis",
                 settings: Settings | None = None, checkpoint_db: str | Path | None = None,
                 symbolic: Any = None, chooser: Chooser | None = None):
        self.model = model
        self.pool = pool
        self.settings = settings or settings_from(arc_cfg, mode)
        if checkpoint_db is None and run is None:
            raise ValueError("LLMSolver needs a run or a checkpoint_db")
        self.checkpoint_db = Path(checkpoint_db) if checkpoint_db else Path(run.path) / "arc_llm.sqlite"
        self.symbolic = symbolic
        if chooser is None and self.settings.filter == "interactive":
            from .interactive import terminal_chooser as chooser
        self.chooser = chooser
        self.run = run
        self.name = "both" if symbolic is not None else ("llm" if self.settings.mode == "hypothesis" else "program-only")

    def _log(self, kind: str, **data: Any) -> None:
        if self.run is not None:
            self.run.event(kind, **data)

    def solve(self, task: ArcTask, deadline: float) -> list[Candidate]:
        from ...agents.graph_runner import checkpointed, invoke

        sym: list[Candidate] = []
        settings = self.settings
        if self.symbolic is not None:
            sym = self.symbolic.solve(task, min(deadline, time.monotonic() + max(1.0, (deadline - time.monotonic()) / 4)))
            if any(c.solves_train for c in sym):
                return sym
            hints = [c.description for c in sorted(sym, key=lambda c: -c.train_correct)[:2] if c.train_correct > 0]
            settings = Settings(**{**settings.__dict__, "hints": hints})
        graph = build_graph(task, self.model, self.pool, settings, deadline, self.chooser, self._log)
        with checkpointed(graph, self.checkpoint_db) as compiled:
            state = invoke(compiled, f"arc-{self.name}-{task.id}", {"hypotheses": []}, recursion_limit=200)
        return sym + self.candidates(task, state)

    def candidates(self, task: ArcTask, state: dict[str, Any]) -> list[Candidate]:
        """One Candidate per distinct verified program; the description is its hypothesis."""
        out = []
        n_train = len(task.train)
        for p in state.get("programs", []):
            if not p["code"] or p["duplicate"] or not p["outputs"]:
                continue
            preds = [as_grid(o) if o is not None else None for o in p["outputs"][n_train:]]
            hyp = state["selected"][p["hyp"]] if self.settings.mode == "hypothesis" else "program written from the examples"
            out.append(Candidate(program=p["code"], description=hyp or "program written from the examples",
                                 predictions=preds, train_correct=p["train_ok"], train_total=n_train,
                                 size=p["code"].count("\n") + 1, source="llm",
                                 meta={"round": p["round"], "parent": p["parent"], "pid": p["pid"]}))
        return out
