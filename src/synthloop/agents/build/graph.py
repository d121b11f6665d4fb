"""The control unit: a LangGraph StateGraph  plan → schedule ⇉ work (Send, parallel) → schedule … → accept →
(replan → schedule …) → finalize. Nodes are idempotent: the registry and workspace on disk are the truth, so a
node re-run after kill -9 skips work already recorded as finished."""

from __future__ import annotations

import json
import operator
import shutil
from typing import Annotated, Any, TypedDict

from ...memory.registry import SATISFIED, Instruction
from ...memory.runstore import atomic_write
from . import prompts
from .checks import CheckReport, lines_of_code, lint, report_dict
from .drafts import save_draft
from .env import MAX_NEW_PER_REPLAN, MAX_REPLANS, BuildEnv
from .instruction import merge, run_instruction
from .partial import add_known, refresh_known
from .schema import Plan, to_instructions
from .summary import acceptance_text, summarize


class BuildState(TypedDict, total=False):
    batch: list[str]
    outcomes: Annotated[list[dict[str, Any]], operator.add]
    replans: int
    acceptance: dict[str, Any]
    summary: dict[str, Any]


def pick_batch(ready: list[Instruction], limit: int) -> list[Instruction]:
    """Greedy: ready instructions with pairwise-disjoint, declared file sets, at most `limit`.
    An instruction that declares no files runs alone."""
    batch: list[Instruction] = []
    used: set[str] = set()
    for it in ready:
        if len(batch) >= limit:
            break
        files = set(it.files)
        if not files:
            if not batch:
                return [it]
            continue
        if batch and (files & used or any(not b.files for b in batch)):
            continue
        batch.append(it)
        used |= files
    return batch


def build_graph(env: BuildEnv) -> Any:
    """The uncompiled StateGraph over `env` (run it with graph_runner.run_graph)."""
    from langgraph.graph import END, START, StateGraph
    from langgraph.types import Send

    bcfg = env.cfg.build

    # -- plan -----------------------------------------------------------------------------------------
    def plan(state: BuildState) -> dict[str, Any]:
        with env.lock:
            if len(env.registry):
                return {}
        if env.mode == "text":  # chapters as instructions (build/text.py); also writes outline.json
            from .text import plan_steps

            plan_obj, source, origin = plan_steps(env), "model", "plan"
        elif env.plan_path.exists():
            plan_obj, source = Plan.model_validate_json(env.plan_path.read_text()), "user plan"
            origin = "user"
        else:
            from ..structured import complete_json

            msgs = [{"role": "system", "content": prompts.render("plan", max_instructions=bcfg.max_instructions)},
                    {"role": "user", "content": "# Task\n" + env.task()}]
            if env.extend is not None:  # the change request with a map of the existing repository
                from .extend import plan_messages

                msgs = plan_messages(env)
            plan_obj = complete_json(env.role("planner"), msgs, Plan, temperature=env.cfg.model.temperature,
                                     max_tokens=env.cfg.model.max_tokens)
            source, origin = "model", "plan"
        items, notes = to_instructions(plan_obj, limit=bcfg.max_instructions, origin=origin,
                                       read_only=frozenset(env.given))
        if not items:
            from ..model import InvalidOutput

            raise InvalidOutput(f"the {source} has no usable instructions ({'; '.join(notes) or 'no steps'})")
        with env.lock:
            if not len(env.registry):
                env.registry.add(items)
        env.emit("plan", count=len(items), source=source, notes=notes,
                 lines=[f"{i.id}: {i.text[:80]} [{', '.join(i.files)}] ← {', '.join(i.deps) or '-'}" for i in items])
        return {}

    # -- schedule -------------------------------------------------------------------------------------
    def schedule(state: BuildState) -> dict[str, Any]:
        with env.lock:
            reg = env.registry
            for it in reg.all():
                if it.status == "running":  # left over from a killed run: start it again
                    reg.set_status(it.id, "pending")
            for it in reg.blocked():
                failed = [d for d in it.deps if reg.get(d).status == "failed"] or ["(a dependency)"]
                reg.set_status(it.id, "failed", summary=f"not run: depends on failed {', '.join(failed)}")
                env.emit("instruction_skipped", instruction=it.id, reason=f"depends on failed {', '.join(failed)}")
            batch = pick_batch(reg.ready(), bcfg.parallel)
            for it in batch:
                reg.set_status(it.id, "running")
        return {"batch": [it.id for it in batch]}

    def after_schedule(state: BuildState) -> Any:
        batch = state.get("batch") or []
        if not batch:
            return "accept"
        owned = {iid: env.registry.get(iid).files for iid in batch}
        return [Send("work", {"iid": iid, "foreign": sorted({f for o, fs in owned.items() if o != iid for f in fs})})
                for iid in batch]

    # -- work -----------------------------------------------------------------------------------------
    def work(payload: dict[str, Any]) -> dict[str, Any]:
        iid = payload["iid"]
        with env.lock:
            it = env.registry.get(iid)
            if it.status in (*SATISFIED, "failed"):  # finished before a kill: never redo it
                return {"outcomes": [{"id": iid, "status": it.status, "summary": it.summary, "replayed": True}]}
            it = env.registry.begin(iid)
            scratch = env.workspace.clone_to(env.scratch(iid))
            base = scratch.manifest()
        env.emit("instruction_started", instruction=iid, text=it.text, attempt=it.attempts)
        outcome = run_instruction(env, it, scratch, payload.get("foreign", []))
        with env.lock:
            if outcome["status"] in SATISFIED:
                changed, conflicts = merge(scratch, env.workspace, base)
                if conflicts:
                    outcome.update(status="failed", reason="merge conflict on " + ", ".join(conflicts))
                elif changed:  # dependants see what the instruction touched, not only its own words
                    outcome["summary"] += " [files: " + ", ".join(changed[:12]) + (" …" if len(changed) > 12 else "") + "]"
            if outcome["status"] in SATISFIED:
                seq = sum(1 for x in env.registry.all() if x.status in SATISFIED) + 1
                env.workspace.snapshot(f"{seq:03d}-{iid}")
                if outcome["status"] == "partial":  # before the status: a kill in between re-runs the instruction
                    add_known(env.run.path, iid, [n for n, _ in outcome["known_failures"]])
                env.registry.set_status(iid, outcome["status"], summary=outcome["summary"])
                env.emit(f"instruction_{outcome['status']}", instruction=iid, summary=outcome["summary"],
                         steps=outcome["steps"], fix_rounds=outcome["fix_rounds"], restarts=outcome["restarts"],
                         **({"failing": [n for n, _ in outcome["known_failures"]]} if "known_failures" in outcome else {}))
            else:  # rollback: the shared workspace never sees the changes; they stay as a draft for a repair
                if env.mode == "code":
                    save_draft(env.run.path, iid, scratch, base, f"{outcome['reason']}. {outcome.get('feedback', '')}")
                env.registry.set_status(iid, "failed", summary=f"failed: {outcome['reason']}")
                env.emit("instruction_failed", instruction=iid, reason=outcome["reason"], steps=outcome["steps"])
            shutil.rmtree(scratch.root, ignore_errors=True)
        return {"outcomes": [outcome]}

    # -- accept / replan / finalize -------------------------------------------------------------------
    def accept(state: BuildState) -> dict[str, Any]:
        rnd = int(state.get("replans") or 0)
        if env.workspace.list():  # on a copy: whatever the tests write never lands in the codebase
            with env.lock:
                copy = env.workspace.clone_to(env.scratch("_acceptance"))
            rep = env.check(copy)
            shutil.rmtree(copy.root, ignore_errors=True)
        else:
            rep = CheckReport()
        if rep.ran_tests and not rep.timed_out and not rep.collection_error:
            refresh_known(env.run.path, {n for n, _ in rep.failures})
        lint_rep = lint(env.workspace.root)
        failed = [it.id for it in env.registry.all() if it.status == "failed"]
        partial = [it.id for it in env.registry.all() if it.status == "partial"]
        full = {"round": rnd, "checks": report_dict(rep), "lint": lint_rep, "loc": lines_of_code(env.workspace),
                "failed_instructions": failed, "partial_instructions": partial}
        if env.mode == "text":  # glossary.json/md and book.md in the file store, from the chapters so far
            from .text import assemble

            full["text"] = assemble(env.workspace)
        atomic_write(env.run.path / f"acceptance-{rnd}.json", json.dumps(full, indent=2))
        allowed = env.extend.baseline_lint_errors() if env.extend is not None else 0  # extend: add none
        ok = rep.ok and not failed and (lint_rep.get("serious") or 0) <= allowed  # unused imports etc. are reported only
        brief = {"round": rnd, "ok": ok, "passed": rep.passed, "failed": rep.failed + rep.errors,
                 "lint_errors": lint_rep.get("errors"), "serious_lint_errors": lint_rep.get("serious"),
                 "failed_instructions": failed, "partial_instructions": partial}
        env.emit("acceptance", **brief)
        return {"acceptance": brief}

    def after_accept(state: BuildState) -> str:
        acc = state.get("acceptance") or {}
        if acc.get("ok") or int(state.get("replans") or 0) >= MAX_REPLANS:
            return "finalize"
        return "replan"

    def replan(state: BuildState) -> dict[str, Any]:
        rnd = int(state.get("replans") or 0) + 1
        origin = f"replan-{rnd}"
        with env.lock:
            if any(it.origin == origin for it in env.registry.all()):  # re-run after a kill: already added
                return {"replans": rnd}
        if env.mode == "text":  # re-planning for text: retry the failed chapters (no model call)
            from .text import retry_instructions

            with env.lock:
                items = retry_instructions(env.registry, rnd)
                if items:
                    env.registry.add(items)
            env.emit("replan", round=rnd, added=len(items), notes=[], ids=[i.id for i in items])
            return {"replans": rnd}
        acc = json.loads((env.run.path / f"acceptance-{rnd - 1}.json").read_text())
        report = acceptance_text(acc, env)
        listing = "\n".join(f"- {it.id} [{it.status}] {it.text[:120]} — {it.summary[:160]}" for it in env.registry.all())
        from ..structured import complete_json

        msg = prompts.render("replan", max_new=MAX_NEW_PER_REPLAN, task=env.task(), instructions=listing,
                             file_list="\n".join(env.workspace.list()) or "(empty)", report=report)
        plan_obj = complete_json(env.role("planner"), [{"role": "user", "content": msg}], Plan,
                                 temperature=env.cfg.model.temperature,
                                 max_tokens=env.cfg.model.max_tokens)
        with env.lock:
            existing = {it.id for it in env.registry.all()}
            items, notes = to_instructions(plan_obj, existing=existing, limit=MAX_NEW_PER_REPLAN, origin=origin,
                                           id_prefix=f"r{rnd}-", read_only=frozenset(env.given))
            items = [i for i in items if all(d in existing or d in {x.id for x in items} for d in i.deps)]
            failed = {it.id for it in env.registry.all() if it.status == "failed"}
            for i in items:  # a repair replaces the failed work: waiting for it would block the repair forever
                if failed & set(i.deps):
                    notes.append(f"{i.id}: dropped dependencies on failed {', '.join(sorted(failed & set(i.deps)))}")
                    i.deps = [d for d in i.deps if d not in failed]
            if items:
                env.registry.add(items)
        env.emit("replan", round=rnd, added=len(items), notes=notes, ids=[i.id for i in items])
        return {"replans": rnd}

    def after_replan(state: BuildState) -> str:
        with env.lock:
            return "schedule" if env.registry.ready() else "finalize"

    def finalize(state: BuildState) -> dict[str, Any]:
        acc = state.get("acceptance") or {}
        best = None
        if env.mode == "code" and env.extend is None and not acc.get("ok"):  # beside the workspace, never in it
            from .best_effort import assemble

            best = assemble(env)
        return {"summary": summarize(env, acc, replans=int(state.get("replans") or 0), best_effort=best)}

    b = StateGraph(BuildState)
    for name, fn in (("plan", plan), ("schedule", schedule), ("work", work), ("accept", accept),
                     ("replan", replan), ("finalize", finalize)):
        b.add_node(name, fn)
    b.add_edge(START, "plan")
    b.add_edge("plan", "schedule")
    b.add_conditional_edges("schedule", after_schedule, ["work", "accept"])
    b.add_edge("work", "schedule")
    b.add_conditional_edges("accept", after_accept, ["replan", "finalize"])
    b.add_conditional_edges("replan", after_replan, ["schedule", "finalize"])
    b.add_edge("finalize", END)
    return b
