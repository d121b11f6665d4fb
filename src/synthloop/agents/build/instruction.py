"""One instruction's work: its sub-agent on a scratch copy of the workspace, and the merge of what it changed."""

from __future__ import annotations

from typing import Any

from ...memory.filestore import DiskFileStore
from ...memory.registry import SATISFIED, Instruction
from .autoimport import add_missing_imports
from .checks import lint
from .drafts import drafts_for
from .env import BuildEnv
from .files_agent import FilesSubagent
from .partial import excused_for, judge, lint_excused, load_known
from .subagent import Brief, Subagent
from .tools import ToolBox


def run_instruction(env: BuildEnv, it: Instruction, scratch: DiskFileStore, foreign: list[str]) -> dict[str, Any]:
    """Run the instruction's sub-agent on its scratch copy; return a plain outcome dict."""
    if env.mode == "text":  # a chapter: draft → length and consistency checks → revise → glossary notes
        from .text import run_chapter

        return run_chapter(env, it, scratch)
    bcfg = env.cfg.build
    reg = env.registry
    deps = []
    with env.lock:
        for d in sorted(set(reg.graph.predecessors(it.id)) | _ancestors_done(env, it.id)):
            dep = reg.get(d)
            deps.append((dep.id, dep.text, dep.summary))
        dep_files = [f for d in it.deps for f in reg.get(d).files]
        excused = excused_for(load_known(env.run.path), reg, it) if env.extend is None else {}
        unlinted = lint_excused(reg, it)
    brief = Brief(task=env.task(), instruction_id=it.id, instruction=it.text, owned=it.files, foreign=foreign,
                  dependencies=deps, relevant=list(dict.fromkeys(it.files + dep_files)))
    with env.lock:
        with_given = env.given_due(it.id)
        brief.drafts = drafts_for(env.run.path, it.files, exclude=it.id)
    if with_given:  # the last instruction of the plan sees (and must pass) the user's given tests
        brief.relevant += [p for p in env.given if p.endswith(".py") and not p.endswith("__init__.py")]
    if env.extend is not None:  # an existing repository: a map of it instead of every file
        from .extend import brief_context

        brief.task, extra = brief_context(env, it, scratch)
        brief.relevant = list(dict.fromkeys(brief.relevant + extra))

    def emit(kind: str, **data: Any) -> None:
        env.emit(kind, instruction=it.id, **data)

    tools = ToolBox(scratch, env.sandbox, emit, foreign=frozenset(foreign), protected=_read_only(env, it),
                    run_timeout_s=bcfg.run_timeout_s,
                    test_timeout_s=bcfg.test_timeout_s)
    protocol = env.protocol
    agent_cls = FilesSubagent if protocol == "files" else Subagent

    def check() -> Any:
        for a in add_missing_imports(scratch, sorted(set(tools.written) - set(tools.protected))):
            emit("imports_added", path=a.path, imports=a.imports)  # certain answers are added, not argued about
        return env.check_instruction(scratch, with_given=with_given, excused=excused, lint_excused=unlinted)

    agent = agent_cls(env.role(f"subagent:{it.id}"), tools, brief, check,
                      max_steps=bcfg.max_steps_per_instruction, max_fix_rounds=bcfg.max_fix_rounds,
                      temperature=env.cfg.model.temperature, max_tokens=env.cfg.model.max_tokens, emit=emit,
                      protocol=protocol, review_tests=bcfg.review_failing_tests)
    res = agent.run()
    if res.status != "done" and (back := agent.restore_best()):
        emit("best_check_restored", paths=back, passed=agent.best_passed)
    out = {"id": it.id, "status": res.status, "summary": res.summary, "reason": res.reason, "steps": res.steps,
           "fix_rounds": res.fix_rounds, "restarts": res.restarts, "hints": res.hints, "checks": res.checks,
           "feedback": res.feedback, "test_changes": list(tools.test_changes)}
    if res.status == "failed" and bcfg.keep_partial and env.extend is None:
        final = check()  # the files as restored: the draft that would be kept
        findings = lint(scratch.root, excused=unlinted).get("serious_paths", [])
        if (kept := judge(final, set(it.files) | set(tools.written), findings)) is not None:
            out.update(status="partial", summary=kept.summary(res.reason), known_failures=kept.failing,
                       kept_passed=kept.passed)
    return out


def _read_only(env: BuildEnv, it: Instruction) -> dict[str, str]:
    """Files the sub-agent may read but not change: the user's given tests, and in a repository the test files
    that passed at baseline unless the instruction owns them (rewriting them is how small models break them)."""
    ro = dict.fromkeys(env.given, "a test the user supplied")
    if env.extend is not None:
        ro.update((p, "one of the repository's existing tests") for p in env.extend.baseline_test_files()
                  if p not in it.files and p not in ro)
    return ro


def _ancestors_done(env: BuildEnv, iid: str) -> set[str]:
    import networkx as nx

    return {a for a in nx.ancestors(env.registry.graph, iid) if env.registry.get(a).status in SATISFIED}


def merge(scratch: DiskFileStore, main: DiskFileStore, base: dict[str, str]) -> tuple[list[str], list[str]]:
    """Apply the scratch copy's changes (vs `base`) to `main`; returns (changed paths, conflicts). A file that
    changed in both since the copy was made is a conflict (nothing is applied then)."""
    now, current = scratch.manifest(), main.manifest()
    changed = [p for p in now if base.get(p) != now[p]]
    deleted = [p for p in base if p not in now]
    conflicts = [p for p in changed + deleted if current.get(p) != base.get(p) and current.get(p) != now.get(p)]
    if conflicts:
        return [], sorted(conflicts)
    for p in changed:
        main.write(p, scratch.read(p))
    for p in deleted:
        if main.exists(p):
            main.delete(p)
    return sorted(changed + deleted), []
