"""Run (and resume) a build: task → prompt program → codebase in runs/<id>/workspace (and --out DIR)."""

from __future__ import annotations

import contextlib
import json
import shutil
from pathlib import Path
from typing import Any

from ..config import Config
from ..errors import UserError
from ..memory.runstore import Run, atomic_write
from .build.progress import Observer, quiet

RECURSION_LIMIT = 2000


def check_out_dir(out: str | Path | None) -> None:
    """--out must be a new or empty directory (we never overwrite a user's files)."""
    if out is None:
        return
    p = Path(out)
    if p.exists() and (not p.is_dir() or any(p.iterdir())):
        raise UserError(f"--out {out}: exists and is not an empty directory")


def check_mode(kind: str, repo: str | Path | None, in_place: bool, plan_file: str | Path | None = None,
               given_tests: str | Path | None = None) -> None:
    """One-line errors for option combinations that make no sense."""
    if given_tests is not None and kind != "code":
        raise UserError("--tests is for code builds (text builds have no tests)")
    if kind not in ("code", "text"):
        raise UserError(f"--kind {kind}: use code or text")
    if kind == "text" and repo is not None:
        raise UserError("--repo extends a code repository; it cannot be combined with --kind text")
    if kind == "text" and plan_file is not None:
        raise UserError("--plan is for code builds; text builds plan their own chapters")
    if in_place and repo is None:
        raise UserError("--in-place needs --repo PATH")
    if repo is not None and not Path(repo).is_dir():
        raise UserError(f"--repo {repo}: not a directory")


def run_build(cfg: Config, run: Run, task: str, plan_file: str | Path | None = None, out: str | Path | None = None,
              *, observer: Observer = quiet, model: Any = None, sandbox: Any = None, kind: str = "code",
              repo: str | Path | None = None, in_place: bool = False,
              given_tests: str | Path | None = None) -> dict[str, Any]:
    """Start a build in `run`. `model`/`sandbox` default to the configured ones (tests pass fakes at the model
    boundary only). kind "text" writes a long-form document (chapters; build/text.py); `repo` extends an existing
    repository (a copy of it; `in_place` also applies the result there once the tests pass; build/extend.py).
    `given_tests` is a directory of tests the result must pass (read-only for sub-agents; build/given.py).
    Returns the run summary."""
    if not task.strip():
        raise UserError("the task is empty")
    check_mode(kind, repo, in_place, plan_file, given_tests)
    check_out_dir(out)
    given = None
    if given_tests is not None:
        from .build.given import read_given_dir, stage_given, task_note

        given = read_given_dir(given_tests)
        task += task_note(given)
        stage_given(given, run.path)
    atomic_write(run.path / "task.md", task)
    if plan_file is not None:
        from .build.schema import read_plan_file

        atomic_write(run.path / "user_plan.json", read_plan_file(plan_file).model_dump_json(indent=2))
    atomic_write(run.path / "build.json", json.dumps({"out": str(Path(out).resolve()) if out else None, "kind": kind,
                                                      "repo": str(Path(repo).resolve()) if repo else None,
                                                      "in_place": bool(in_place)}))
    return _execute(run, cfg, {"replans": 0}, observer, model, sandbox)


def resume_run(run: Run, cfg: Config, *, observer: Observer | None = None, model: Any = None,
               sandbox: Any = None) -> dict[str, Any]:
    """Continue a killed or interrupted build from its checkpoint; finished instructions are not redone."""
    if not (run.path / "task.md").exists():
        raise UserError(f"run {run.id} has no task.md: it was killed before the build started; start a new one")
    if observer is None:
        from rich.console import Console

        from .build.progress import ConsoleProgress

        observer = ConsoleProgress(Console(stderr=True))
    from .graph_runner import has_checkpoint

    inputs = None if has_checkpoint(run) else {"replans": 0}  # killed before the first checkpoint: start over
    return _execute(run, cfg, inputs, observer, model, sandbox)


def _execute(run: Run, cfg: Config, inputs: dict[str, Any] | None, observer: Observer, model: Any,
             sandbox: Any) -> dict[str, Any]:
    try:
        return _execute_inner(run, cfg, inputs, observer, model, sandbox)
    except Exception as e:
        if run.info.status == "running":  # failed before or after the graph (which records its own failures)
            run.event("run_failed", error=f"{type(e).__name__}: {e}")
            run.finish("failed", error=f"{type(e).__name__}: {e}")
        raise


def _execute_inner(run: Run, cfg: Config, inputs: dict[str, Any] | None, observer: Observer, model: Any,
                   sandbox: Any) -> dict[str, Any]:
    from .build.env import BuildEnv
    from .build.given import install_pending
    from .build.graph import build_graph, summarize
    from .graph_runner import run_graph

    with contextlib.ExitStack() as stack:
        if model is None:
            from .factory import make_model

            model = make_model(cfg, run, stack, role="build")
        installer = None
        if cfg.build.allow_install:
            if cfg.sandbox.backend != "bwrap":
                raise UserError("--allow-install needs the bwrap sandbox (it binds the per-run venv read-only)")
            from .build.install import Installer

            installer = Installer(run.path / "venv", cfg.sandbox.python)
            installer.ensure_venv()
        if sandbox is None:
            from ..tools.factory import make_sandbox

            python = str(installer.python) if installer is not None else cfg.sandbox.python
            sandbox = make_sandbox(cfg.sandbox.backend, python=python, uid=cfg.sandbox.uid,
                                   image=cfg.sandbox.docker_image)
        meta = json.loads((run.path / "build.json").read_text()) if (run.path / "build.json").exists() else {}
        session = None
        if meta.get("repo"):
            from .build.extend import ExtendSession

            session = ExtendSession(run.path, meta["repo"], bool(meta.get("in_place")))
        env = BuildEnv(run, cfg, model, sandbox, observer, installer=installer, mode=meta.get("kind") or "code",
                       extend=session)
        if session is not None:  # copy-in and the baseline test run (once; a resumed run reuses both)
            session.prepare(env.workspace, sandbox, timeout_s=cfg.build.test_timeout_s, emit=env.emit)
        env.given = install_pending(run.path, env.workspace)  # --tests: after the baseline, before planning
        state = run_graph(build_graph(env), run, inputs, recursion_limit=RECURSION_LIMIT)
        summary = state.get("summary") or summarize(env, state.get("acceptance") or {})
        if env.mode == "text":  # glossary.json/md and book.md from the final chapters
            from .build.text import assemble

            summary["text"] = assemble(env.workspace)
        if session is not None:  # changes.patch; --in-place applies only when the final tests pass
            summary["extend"] = session.finish(env.workspace, bool(summary["tests_ok"]))
        if env.mode == "text" or session is not None:
            atomic_write(run.path / "summary.json", json.dumps(summary, indent=2))
    out = json.loads((run.path / "build.json").read_text()).get("out") if (run.path / "build.json").exists() else None
    if out:
        check_out_dir(out)
        shutil.copytree(run.path / "workspace", out, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
        summary["out"] = out
    counts = summary["counts"]
    run.finish("done", result={
        "instructions_done": counts.get("done", 0), "instructions_partial": counts.get("partial", 0),
        "instructions_failed": counts.get("failed", 0),
        "tests_passed": summary["tests_passed"], "tests_failed": summary["tests_failed"],
        "lint_errors": summary["lint_errors"], "loc": summary["loc"].get("total", 0), "out": out or "",
        **({"words": summary["text"]["words"]} if "text" in summary else {}),
        **({"patch": summary["extend"]["patch"], "applied": summary["extend"]["applied"]}
           if "extend" in summary else {})})
    return summary
