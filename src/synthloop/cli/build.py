"""`synthloop build` commands: `run` (generate a codebase from a task) and `eval` (benchmarks)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..errors import UserError
from .common import console, err_console, get_config, start_run

app = typer.Typer(
    help="Generate a codebase from a task with the L2MAC-style control unit.\n\n"
         "Examples: synthloop build run \"Write a URL shortener ...\" --out ./shortener · "
         "synthloop build run -f task.md --plan plan.json · synthloop build eval --suite humaneval --limit 5\n\n"
         "A killed or interrupted build continues with: synthloop runs resume RUN_ID",
    no_args_is_help=True,
)

Preset = typer.Option("--model", "-m", help="Model preset: openai | vllm | ollama | llama.cpp | local | scripted.")


@app.command("run")
def run_cmd(
    ctx: typer.Context,
    task: Annotated[str | None, typer.Argument(help="The task, in words (or use -f FILE).", show_default=False)] = None,
    file: Annotated[Path | None, typer.Option("--file", "-f", help="Read the task from this file.")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Also copy the codebase here (new or empty dir).")] = None,
    plan: Annotated[Path | None, typer.Option("--plan", help="Your own prompt program: JSON {\"steps\": [...]} "
                                              "or one instruction per line.")] = None,
    model: Annotated[str | None, Preset] = None,
    max_instructions: Annotated[int | None, typer.Option("--max-instructions", help="Cap on planned instructions.")] = None,
    allow_install: Annotated[bool, typer.Option("--allow-install", help="Install the generated requirements.txt "
                                                "into a per-run venv (wheels only; tests still run sandboxed).")] = False,
    kind: Annotated[str, typer.Option("--kind", help="code (a codebase) | text (a long-form Markdown document: "
                                      "chapters, glossary, consistency and length checks, book.md).")] = "code",
    repo: Annotated[Path | None, typer.Option("--repo", help="Extend this existing repository: the run works on a "
                                              "copy (baseline tests first; result also as runs/<id>/changes.patch).",
                                              show_default=False)] = None,
    in_place: Annotated[bool, typer.Option("--in-place", help="With --repo: apply the changes to the repository "
                                           "itself, only after the run's tests pass.")] = False,
    tests: Annotated[Path | None, typer.Option("--tests", help="A directory of tests the result must pass (copied "
                                               "to tests/given/, read-only for the sub-agents).",
                                               show_default=False)] = None,
) -> None:
    """Generate a codebase for TASK: plan → sub-agents per instruction (tests in the sandbox) → acceptance."""
    from ..agents.build.progress import ConsoleProgress
    from ..agents.build_run import check_mode, check_out_dir, run_build

    if (task is None) == (file is None):
        raise UserError("give the task either as an argument or with -f FILE (exactly one)")
    if file is not None:
        try:
            task = file.read_text()
        except OSError as e:
            raise UserError(f"cannot read task file {file}: {e.strerror}") from None
    if plan is not None and not plan.is_file():
        raise UserError(f"plan file not found: {plan}")
    check_out_dir(out)
    check_mode(kind, repo, in_place, plan, tests)
    if tests is not None:
        from ..agents.build.given import read_given_dir

        read_given_dir(tests)  # a clear error before any run directory exists
    cfg = get_config(ctx, **{"model.preset": model, "build.max_instructions": max_instructions,
                             "build.allow_install": True if allow_install else None})
    run = start_run(cfg, "build", params={"task": (task or "")[:300], "out": str(out) if out else None,
                                          "plan": str(plan) if plan else None})
    summary = run_build(cfg, run, task or "", plan_file=plan, out=out, observer=ConsoleProgress(err_console),
                        kind=kind, repo=repo, in_place=in_place, given_tests=tests)
    _print_summary(run.id, summary)


def _print_summary(run_id: str, s: dict) -> None:
    from rich.markup import escape

    table = Table("instruction", "status", "summary", title=f"build {run_id}")
    for it in s["instructions"]:
        colour = {"done": "green", "failed": "red"}.get(it["status"], "yellow")
        table.add_row(escape(it["id"]), f"[{colour}]{it['status']}[/{colour}]", escape(it["summary"][:120]))
    console.print(table)
    console.print(f"tests: {s['tests_passed']} passed, {s['tests_failed']} failed · lint errors: {s['lint_errors']} · "
                  f"LOC: {s['loc'].get('code', 0)} code + {s['loc'].get('tests', 0)} tests · tokens: "
                  f"{s['prompt_tokens'] + s['completion_tokens']} · cost: ${s['cost']:.4f}", highlight=False)
    console.print(f"codebase: {s.get('out') or s['workspace']}", highlight=False)
    if partial := [it["id"] for it in s["instructions"] if it["status"] == "partial"]:
        console.print(f"[yellow]partly done:[/yellow] {', '.join(partial)} kept in the codebase with failing tests "
                      "(see their summaries)" + (", since fixed" if s["tests_ok"] else ""), highlight=False)
    if b := s.get("best_effort"):
        console.print(f"[yellow]not finished:[/yellow] the failed instructions' last drafts of {len(b['from_drafts'])} "
                      f"file(s) the codebase lacks, with the codebase, are in {b['path']} (not accepted; tests: "
                      f"{b['tests_passed']} passed, {b['tests_failed']} failed)", highlight=False)
    if "text" in s:
        t = s["text"]
        console.print(f"document: {s['workspace']}/book.md · {t['words']} words in {len(t['chapters'])} chapters · "
                      f"glossary: {t['glossary_entries']} entries" + (f" · missing: {', '.join(t['missing'])}"
                                                                      if t["missing"] else ""), highlight=False)
    if "extend" in s:
        e = s["extend"]
        console.print(f"changes: {len(e['added'])} added, {len(e['modified'])} modified, {len(e['deleted'])} deleted "
                      f"· patch: {e['patch']}" + (" · applied to the repository" if e["applied"] else "")
                      + (f" · {e['not_applied']}" if e.get("not_applied") else ""), highlight=False)


@app.command("eval")
def eval_cmd(
    ctx: typer.Context,
    suite: Annotated[str, typer.Option("--suite", help="humaneval | design | all")] = "humaneval",
    limit: Annotated[int, typer.Option("--limit", help="HumanEval problems (from the start).", min=1)] = 5,
    tasks: Annotated[str | None, typer.Option("--tasks", help="Design tasks, comma-separated "
                                              "(url_shortener, microblog, chat).")] = None,
    model: Annotated[str | None, Preset] = None,
    he_tests: Annotated[str, typer.Option("--he-tests", help="HumanEval loop: examples (the docstring's examples "
                                          "are given tests) | own (the sub-agent writes its own tests).")] = "examples",
) -> None:
    """Evaluate the build loop: HumanEval pass@1 (loop vs a direct completion) and system-design tasks
    (hidden-test pass %, features % judged over the whole repo, lint errors, LOC)."""
    from ..agents.build.evaluate import run_eval

    if suite not in ("humaneval", "design", "all"):
        raise UserError(f"unknown suite {suite!r}: use humaneval, design or all")
    if he_tests not in ("examples", "own"):
        raise UserError(f"--he-tests {he_tests}: use examples or own")
    cfg = get_config(ctx, **{"model.preset": model})
    run = start_run(cfg, "build-eval", params={"suite": suite, "limit": limit, "tasks": tasks})
    from ..agents.build.progress import ConsoleProgress

    result = run_eval(cfg, run, suite=suite, limit=limit,
                      tasks=[t.strip() for t in tasks.split(",")] if tasks else None,
                      observer=ConsoleProgress(err_console), he_tests=he_tests)
    table = Table("metric", "value", title=f"build eval {run.id}")
    for k, v in result["metrics"].items():
        table.add_row(k, str(v))
    console.print(table)
