"""What the control unit reports: the acceptance report for the re-planner and the run summary."""

from __future__ import annotations

import json
from typing import Any

from ...memory.runstore import atomic_write
from .checks import CheckReport, lines_of_code
from .env import BuildEnv


def acceptance_text(acc: dict[str, Any], env: BuildEnv) -> str:
    checks = CheckReport(**{k: v for k, v in acc["checks"].items() if k in CheckReport.__dataclass_fields__})
    parts = [checks.feedback(3000) or "tests: none ran"]
    lint_rep = acc.get("lint", {})
    if lint_rep.get("errors"):
        parts.append(f"Lint errors ({lint_rep['errors']}):\n" + "\n".join(lint_rep.get("shown", [])))
    if acc.get("failed_instructions"):
        parts.append("Failed instructions: " + "; ".join(
            f"{i}: {env.registry.get(i).summary}" for i in acc["failed_instructions"]))
    if acc.get("partial_instructions"):
        parts.append("Partly done instructions (kept in the project; their failing tests are in the report above, and "
                     "a step that fixes them must own their files): " + "; ".join(
                         f"{i} [{', '.join(env.registry.get(i).files)}]: {env.registry.get(i).summary}"
                         for i in acc["partial_instructions"]))
    return "\n\n".join(parts)


def summarize(env: BuildEnv, acceptance: dict[str, Any], replans: int = 0,
              best_effort: dict[str, Any] | None = None) -> dict[str, Any]:
    """The run summary (also written to runs/<id>/summary.json); `best_effort`: see best_effort.py."""
    rnd = acceptance.get("round", 0)
    path = env.run.path / f"acceptance-{rnd}.json"
    acc = json.loads(path.read_text()) if path.exists() else {}
    checks = acc.get("checks", {})
    info = env.run.info
    summary = {
        "instructions": [{"id": it.id, "status": it.status, "origin": it.origin, "attempts": it.attempts,
                          "files": it.files, "summary": it.summary} for it in env.registry.all()],
        "counts": env.registry.counts(),
        "tests_passed": checks.get("passed", 0),
        "tests_failed": checks.get("failed", 0) + checks.get("errors", 0),
        "tests_ok": bool(checks.get("ok")),
        "lint_errors": acc.get("lint", {}).get("errors"),
        "loc": acc.get("loc", lines_of_code(env.workspace)),
        "files": env.workspace.list(),
        "replans": replans,
        "test_changes": [{k: e.get(k) for k in ("kind", "instruction", "path", "change", "reason")}
                         for e in env.run.events() if e.get("kind") in ("test_deleted", "test_weakened")],
        "prompt_tokens": info.prompt_tokens, "completion_tokens": info.completion_tokens,
        "cost": round(info.cost, 6),
        "workspace": str(env.workspace.root),
    }
    if best_effort is not None:
        summary["best_effort"] = best_effort
    atomic_write(env.run.path / "summary.json", json.dumps(summary, indent=2))
    return summary
