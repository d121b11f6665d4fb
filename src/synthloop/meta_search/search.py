"""Meta agent search (ADAS) as a checkpointed LangGraph: seeds -> (propose -> evaluate) x generations.

Graph state is one integer (the generation); everything else lives in the run directory: the append-only
archive (archive.jsonl), the proposals (proposals/*.json), per-item logs (evals/*.jsonl) and the sandbox work
dirs (work/<design id>/). Every node is idempotent, so a killed search resumes where it stopped (a node cut
short re-runs; the response cache replays its model calls).
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypedDict

from ..agents.model import InvalidOutput, TruncatedOutput
from ..config import Config
from ..memory.runstore import Run, atomic_write
from .archive import Archive, DesignRecord
from .domains import make_domain
from .domains.base import Domain, Item
from .evaluate import EvalResult, EvalSettings, evaluate_design
from .meta_agent import MetaAgent, Proposal
from .seed_designs import load_seeds

RUN_KIND = "meta-search"
NEAR_ZERO = 0.01  # a design scoring below this (or failing) gets debug tries

Progress = Callable[[str], None]


@dataclass
class SearchParams:
    """What a search was started with (kept in run.json params so `runs resume` can rebuild it)."""

    domain: str = "arc"
    domain_options: dict[str, Any] = field(default_factory=dict)
    generations: int = 5
    meta_preset: str = ""  # "" = the same model as the designs
    workers: int = 2
    timeout_s: float = 30.0
    max_calls_per_item: int = 40
    seeds: list[str] | None = None  # None = all seeds

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SearchParams:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


class SearchState(TypedDict, total=False):
    generation: int


def eval_settings(cfg: Config, params: SearchParams) -> EvalSettings:
    return EvalSettings(timeout_s=params.timeout_s, memory_mb=cfg.sandbox.memory_mb,
                        max_processes=cfg.sandbox.max_processes, workers=params.workers,
                        max_calls_per_item=params.max_calls_per_item, repeats=cfg.meta.repeats,
                        bootstrap_samples=cfg.meta.bootstrap_samples, max_tokens=cfg.model.max_tokens)


def problem_text(result: EvalResult) -> str:
    """What the debug prompt says went wrong."""
    n = len(result.item_ids)
    if result.errors:
        text = (f"It failed on {len(result.errors)} of {n} tasks (score {100 * result.fitness.mean:.1f}%). "
                f"Errors:\n{result.error_summary()}")
        if result.traceback:
            text += f"\n\nTraceback of the first failure:\n{result.traceback}"
        return text
    return (f"It ran on all {n} tasks without errors but scored {100 * result.fitness.mean:.1f}%: its answers "
            "are wrong. Check that it returns `task.finish(...)` of a real solution and uses the task's checks.")


@dataclass
class Search:
    """A live search over one run: the graph's nodes close over it (nothing large goes into graph state)."""

    run: Run
    cfg: Config
    params: SearchParams
    domain: Domain
    sandbox: Any
    model: Any
    meta: MetaAgent
    progress: Progress = lambda msg: None  # noqa: E731
    _items: dict[str, list[Item]] = field(default_factory=dict)
    item_executor: Any = None  # e.g. ray_items.RayItems: the items run elsewhere (meta.executor = "ray")

    @property
    def archive(self) -> Archive:
        return Archive(self.run.path / "archive.jsonl")

    def items(self, split: str) -> list[Item]:
        if split not in self._items:
            self._items[split] = self.domain.tasks(split)
        return self._items[split]

    def evaluate(self, design_id: str, code: str, split: str = "validation") -> EvalResult:
        items = self.items(split)
        done = [0]

        def on_item(out: Any) -> None:
            done[0] += 1
            status = "ok" if out.ok and not out.error else ("timeout" if out.timed_out else "error")
            why = f" ({out.error[:100]})" if out.error else ""
            self.progress(f"  {design_id} {split} {done[0]}/{len(items)} {out.item_id}: {status} "
                          f"score={out.score:g}{why}")

        result = evaluate_design(code, self.domain, items, sandbox=self.sandbox, model=self.model,
                                 workdir=self.run.path / "work" / f"{design_id}.{split}",
                                 settings=eval_settings(self.cfg, self.params),
                                 log_path=self.run.path / "evals" / f"{design_id}.{split}.jsonl", on_item=on_item,
                                 item_executor=self.item_executor)
        self.run.event("design_evaluated", design=design_id, split=split, **result.fitness.to_json(),
                       errors=len(result.errors), timeouts=result.timeouts, calls=result.calls)
        return result

    def _archive(self, rec: DesignRecord) -> DesignRecord:
        rec = self.archive.append_design(rec)
        r = rec.result
        self.progress(f"{rec.id} {rec.name!r}: validation {r.fitness if r else '-'}"
                      + (f", {len(r.errors)} error(s)" if r and r.errors else ""))
        return rec

    # -- nodes -------------------------------------------------------------------------------------------
    def seed_node(self, state: SearchState) -> SearchState:
        have = {r.id for r in self.archive.designs()}
        for seed in load_seeds(self.params.seeds):
            if seed.id in have:
                continue
            self.progress(f"evaluating seed {seed.name!r}")
            result = self.evaluate(seed.id, seed.code)
            self._archive(DesignRecord(id=seed.id, name=seed.name, thought=seed.thought, code=seed.code,
                                       generation=0, origin="seed", validation=result.to_json()))
        return {"generation": 1}

    def _proposal_path(self, generation: int, attempt: int = 0) -> Path:
        suffix = f".d{attempt}" if attempt else ""
        return self.run.path / "proposals" / f"gen{generation:03d}{suffix}.json"

    def propose_node(self, state: SearchState) -> SearchState:
        g = state["generation"]
        path = self._proposal_path(g)
        if path.exists() or any(r.generation == g for r in self.archive.designs()):
            return {}
        self.progress(f"generation {g}/{self.params.generations}: the meta agent proposes a design")
        try:
            proposal, conversation = self.meta.propose(self.archive.designs(), self.cfg.meta.reflections)
        except (InvalidOutput, TruncatedOutput) as e:
            # no usable design this generation (after the repair round and fresh samples): skip it, on record
            atomic_write(path, json.dumps({"error": str(e)}))
            self.run.event("proposal_failed", generation=g, error=str(e))
            self.progress(f"generation {g}: no usable proposal ({e}); skipped")
            return {}
        atomic_write(path, json.dumps({"proposal": proposal.model_dump(), "conversation": conversation}))
        self.run.event("design_proposed", generation=g, name=proposal.name)
        return {}

    def _parents(self, proposal: Proposal) -> list[str]:
        by_name: dict[str, str] = {}
        for r in self.archive.finals():
            by_name[r.name.strip().lower()] = r.id
        ids = [by_name[p.strip().lower()] for p in proposal.parents if p.strip().lower() in by_name]
        return list(dict.fromkeys(ids))

    def evaluate_node(self, state: SearchState) -> SearchState:
        """Evaluate the generation's design; while it fails (or scores near zero) and debug tries are left, get
        a fix from the meta agent first, then archive the try (final=False) and evaluate the fix."""
        g = state["generation"]
        saved = json.loads(self._proposal_path(g).read_text())
        if "proposal" not in saved:
            return {"generation": g + 1}
        conversation = saved["conversation"]
        proposal = Proposal.model_validate(saved["proposal"])
        parents = self._parents(proposal)
        debug_tries = self.cfg.meta.debug_tries
        for attempt in range(debug_tries + 1):
            design_id = f"g{g}" + (f".d{attempt}" if attempt else "")
            rec = self.archive.get(design_id)
            if rec is None:
                result = self.evaluate(design_id, proposal.code)
                works = result.fitness.mean >= NEAR_ZERO and not result.all_failed
                fixed = None if works or attempt == debug_tries else self._debug(g, attempt + 1, conversation,
                                                                                 proposal, result)
                rec = self._archive(DesignRecord(
                    id=design_id, name=proposal.name, thought=proposal.thought, code=proposal.code, generation=g,
                    origin="debug" if attempt else "meta", parents=parents, attempt=attempt, final=fixed is None,
                    validation=result.to_json()))
            else:
                fixed = None if rec.final else self._debug(g, attempt + 1, conversation, proposal, rec.result)
            if fixed is None:
                break
            proposal, parents = fixed, [design_id]
        return {"generation": g + 1}

    def _debug(self, g: int, attempt: int, conversation: list[dict[str, Any]], proposal: Proposal,
               result: EvalResult | None) -> Proposal | None:
        """The meta agent's fix for a failing design (saved, so a re-run reuses it); None when it gives none."""
        path = self._proposal_path(g, attempt)
        if path.exists():
            saved = json.loads(path.read_text())
            return Proposal.model_validate(saved["proposal"]) if "proposal" in saved else None
        problem = problem_text(result) if result else "it was not evaluated"
        self.progress(f"generation {g}: debug try {attempt}/{self.cfg.meta.debug_tries}")
        try:
            fixed = self.meta.debug(conversation, proposal, problem)
        except (InvalidOutput, TruncatedOutput) as e:
            atomic_write(path, json.dumps({"error": str(e), "problem": problem}))
            self.run.event("debug_failed", generation=g, attempt=attempt, error=str(e))
            return None
        atomic_write(path, json.dumps({"proposal": fixed.model_dump(), "problem": problem}))
        return fixed

    def _next(self, state: SearchState) -> str:
        from langgraph.graph import END

        return "propose" if state.get("generation", 1) <= self.params.generations else END

    def builder(self) -> Any:
        from langgraph.graph import END, START, StateGraph

        b = StateGraph(SearchState)
        b.add_node("seeds", self.seed_node)
        b.add_node("propose", self.propose_node)
        b.add_node("evaluate", self.evaluate_node)
        b.add_edge(START, "seeds")
        b.add_conditional_edges("seeds", self._next, ["propose", END])
        b.add_edge("propose", "evaluate")
        b.add_conditional_edges("evaluate", self._next, ["propose", END])
        return b

    def summary(self) -> dict[str, Any]:
        """The run's result: the design chosen on validation (never on test) and archive counts."""
        archive = self.archive
        chosen = archive.chosen()
        out: dict[str, Any] = {"designs": len(archive.designs()), "generations": self.params.generations,
                               "domain": self.params.domain}
        if chosen is not None and chosen.result is not None:
            out["chosen"] = {"id": chosen.id, "name": chosen.name,
                             "validation": chosen.result.fitness.to_json()}
        return out


def _preset_cfg(cfg: Config, preset: str) -> Config:
    """cfg with another model preset (the per-model overrides name/base_url/api key do not carry over)."""
    model = cfg.model.model_copy(update={"preset": preset, "name": "", "base_url": "", "api_key_env": ""})
    return cfg.model_copy(update={"model": model})


def make_models(cfg: Config, params: SearchParams, run: Run, stack: contextlib.ExitStack) -> tuple[Any, Any]:
    """The design model and the meta model (the same one, relabelled, when the presets match)."""
    from ..agents.factory import make_model

    model = make_model(cfg, run, stack, role="design")
    if not params.meta_preset or params.meta_preset == cfg.model.preset:
        return model, model.with_role("meta")
    return model, make_model(_preset_cfg(cfg, params.meta_preset), run, stack, role="meta")


def make_sandbox_for(cfg: Config) -> Any:
    from ..tools.factory import make_sandbox

    return make_sandbox(cfg.sandbox.backend, python=cfg.sandbox.python, uid=cfg.sandbox.uid,
                        image=cfg.sandbox.docker_image)


def open_search(run: Run, cfg: Config, *, model: Any, meta_model: Any, sandbox: Any = None,
                progress: Progress | None = None) -> Search:
    """A Search over `run` (its params come from run.json)."""
    params = SearchParams.from_json(run.info.params)
    sandbox = sandbox if sandbox is not None else make_sandbox_for(cfg)
    domain = make_domain(params.domain, params.domain_options, sandbox=sandbox, workdir=run.path / "work" / "_domain")
    max_tokens = max(cfg.model.max_tokens, min(4096, meta_model.context_size // 3))
    meta = MetaAgent(meta_model, domain.description(), max_calls=params.max_calls_per_item,
                     timeout_s=params.timeout_s, max_tokens=max_tokens)
    return Search(run=run, cfg=cfg, params=params, domain=domain, sandbox=sandbox, model=model, meta=meta,
                  progress=progress or (lambda msg: None))


def run_search(run: Run, cfg: Config, *, model: Any = None, meta_model: Any = None, sandbox: Any = None,
               progress: Progress | None = None) -> dict[str, Any]:
    """Run (or continue) the search in `run` to the end; marks the run done and returns its summary.
    Without models given, they are made from the config (make_model: budget, cache, accounting)."""
    from ..agents.graph_runner import has_checkpoint, run_graph

    with contextlib.ExitStack() as stack:
        try:
            item_executor = None
            if model is None and cfg.meta.executor == "ray":  # one gateway actor: the run's budget and cache
                from .ray_items import open_ray_models

                model, meta_model, item_executor = open_ray_models(cfg, SearchParams.from_json(run.info.params),
                                                                   run, stack)
            if model is None:
                model, made_meta = make_models(cfg, SearchParams.from_json(run.info.params), run, stack)
                meta_model = meta_model or made_meta
            search = open_search(run, cfg, model=model, meta_model=meta_model or model, sandbox=sandbox,
                                 progress=progress)
            search.item_executor = item_executor
            search.items("validation")  # a bad split or a missing dataset fails here, before any work
        except Exception as e:
            run.finish("failed", error=f"{type(e).__name__}: {e}")
            raise
        inputs = None if has_checkpoint(run) else {"generation": 0}
        run_graph(search.builder(), run, inputs, recursion_limit=4 * search.params.generations + 20)
        result = search.summary()
    run.finish("done", result={**run.info.result, **result})
    return result


def _print_progress(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def resume_run(run: Run, cfg: Config) -> None:
    """`synthloop runs resume` for meta-search runs (progress lines on stderr)."""
    run_search(run, cfg, progress=_print_progress)
