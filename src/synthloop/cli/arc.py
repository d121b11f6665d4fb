"""`synthloop arc solve` and `synthloop arc eval`.

Flags override cfg.arc.* (and may be set in a config file or SYNTHLOOP_ARC__* variables instead). Model-related
settings (preset, budget, ...) come from the config's [model] / [budget] sections.
"""

from __future__ import annotations

import contextlib
from typing import Annotated, Any

import typer
from rich.console import Group
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from ..errors import UserError
from .common import console, err_console, get_config, start_run

app = typer.Typer(help="ARC puzzles: solve one task or evaluate a dataset (symbolic DSL search and/or a model).",
                  no_args_is_help=True)

ProposerOpt = Annotated[str | None, typer.Option(
    "--proposer", help="symbolic | llm | both | program (program-only baseline) | direct (model writes the grid); "
                       "default: cfg arc.proposer.")]
ModelOpt = Annotated[str | None, typer.Option(
    "--model", help="Endpoint preset for llm/both/program/direct: openai | vllm | ollama | llama.cpp | local | scripted.")]
NOpt = Annotated[int | None, typer.Option("--n-hypotheses", "-N", help="Hypotheses sampled per task (cfg arc.n_hypotheses).")]
KOpt = Annotated[int | None, typer.Option("--k-filtered", "-K", help="Hypotheses kept after filtering (cfg arc.k_filtered).")]
MOpt = Annotated[int | None, typer.Option("--m-programs", "-M", help="Programs per hypothesis (cfg arc.m_programs).")]
ROpt = Annotated[int | None, typer.Option("--r-revisions", "-R", help="Revision rounds (cfg arc.r_revisions).")]
FilterOpt = Annotated[str | None, typer.Option("--filter", help="llm | interactive | none (cfg arc.filter).")]
TokensOpt = Annotated[int | None, typer.Option("--max-tokens", help="Token budget for the run (cfg budget.max_tokens).")]
DollarsOpt = Annotated[float | None, typer.Option("--max-dollars", help="Dollar budget (cfg budget.max_dollars).")]


def _llm_flags(model: str | None, n: int | None, k: int | None, m: int | None, r: int | None, filter_: str | None,
               tokens: int | None, dollars: float | None) -> dict[str, Any]:
    return {"model.preset": model, "arc.n_hypotheses": n, "arc.k_filtered": k, "arc.m_programs": m,
            "arc.r_revisions": r, "arc.filter": filter_, "budget.max_tokens": tokens, "budget.max_dollars": dollars}
TimeLimitOpt = Annotated[float | None, typer.Option("--time-limit", help="Seconds per task (cfg arc.time_limit_s).")]
CpuLimitOpt = Annotated[float | None, typer.Option(
    "--cpu-limit", help="CPU seconds per task for the symbolic search, 0 = none (cfg arc.cpu_limit_s).")]
MemoryOpt = Annotated[int | None, typer.Option("--memory-mb", help="Memory limit per worker process (cfg arc.memory_mb).")]
SolverOpt = Annotated[str | None, typer.Option(
    "--solver", help="A custom Solver as package.module:ClassOrFactory (overrides --proposer).")]


def grid_text(grid: Any) -> Text:
    """A grid as coloured blocks (two spaces per cell, standard ARC palette)."""
    from ..arc.render import PALETTE

    text = Text()
    for r, row in enumerate(grid):
        if r:
            text.append("\n")
        for v in row:
            rgb = PALETTE[int(v)]
            text.append("  ", style=f"on #{rgb[0]:02x}{rgb[1]:02x}{rgb[2]:02x}")
    return text


def _verdict(ok: bool | None) -> str:
    return "[dim]?[/dim]" if ok is None else ("[green]✓ right[/green]" if ok else "[red]✗ wrong[/red]")


@app.command("solve")
def solve(
    ctx: typer.Context,
    task: Annotated[str, typer.Argument(help="A task id (ARC-AGI-1, then ARC-AGI-2) or an ARC-format JSON file.")],
    proposer: ProposerOpt = None,
    time_limit: TimeLimitOpt = None,
    cpu_limit: CpuLimitOpt = None,
    memory_mb: MemoryOpt = None,
    solver: SolverOpt = None,
    model: ModelOpt = None,
    n_hypotheses: NOpt = None,
    k_filtered: KOpt = None,
    m_programs: MOpt = None,
    r_revisions: ROpt = None,
    filter_: FilterOpt = None,
    max_tokens: TokensOpt = None,
    max_dollars: DollarsOpt = None,
) -> None:
    """Solve one task: print the hypothesis, the program, the attempts, correctness, and the PNG path."""
    from ..arc.dataset import load_task
    from ..arc.evaluate import REPORT, RESULTS, EvalSpec, build_solver, evaluate, read_results
    from ..arc.grid import as_grid
    from ..arc.render import save_task_png
    from ..arc.scoring import grids_equal

    cfg = get_config(ctx, **{"arc.proposer": proposer, "arc.time_limit_s": time_limit, "arc.cpu_limit_s": cpu_limit,
                             "arc.memory_mb": memory_mb,
                             **_llm_flags(model, n_hypotheses, k_filtered, m_programs, r_revisions, filter_,
                                          max_tokens, max_dollars)})
    t = load_task(task)
    spec = EvalSpec(dataset=t.source, proposer=cfg.arc.proposer, solver=solver)
    run = start_run(cfg, "arc-solve", params={"task": task, **spec.to_params()})
    with contextlib.ExitStack() as stack:
        s = build_solver(cfg, spec, run, stack)
        with console.status(f"solving {t.id} with {getattr(s, 'name', '?')} (≤ {cfg.arc.time_limit_s:g}s)"):
            evaluate([t], s, run, time_limit_s=cfg.arc.time_limit_s, workers=1, memory_mb=cfg.arc.memory_mb)
    res = read_results(run.path / RESULTS)[t.id]
    png = save_task_png(t, run.path / f"{t.id}.png", res.attempt_grids(), res.correct)
    console.print(f"[bold]{t.id}[/bold] ({t.source}): {len(t.train)} train pairs, {len(t.test)} test input(s); "
                  f"{res.n_candidates} candidates in {res.wall_s:.2f}s wall, {res.cpu_s:.2f}s CPU")
    if res.error:
        console.print(f"[red]{res.error}[/red]", highlight=False)
    if res.program:
        console.print(f"[bold]hypothesis[/bold] (explains {res.train_correct}/{res.train_total} train pairs): "
                      f"{res.description}", highlight=False)
        console.print("[bold]program[/bold]")
        console.print(res.program, markup=False, highlight=False)
    else:
        console.print("[yellow]no candidate program[/yellow]")
    for i, tries in enumerate(res.attempts):
        expected = t.test[i][1]
        table = Table(title=f"test {i + 1}", show_lines=False)
        cells = []
        for a, grid in enumerate(tries):
            ok = None if expected is None else grids_equal(as_grid(grid), expected)
            table.add_column(f"attempt {a + 1}")
            cells.append(Group(grid_text(grid), Text.from_markup(_verdict(ok))) if ok is not None else grid_text(grid))
        if not tries:
            table.add_column("attempts")
            cells.append(Text("none", style="red"))
        if expected is not None:
            table.add_column("expected")
            cells.append(grid_text(expected))
        table.add_row(*cells)
        console.print(table)
    if res.solved is not None:
        console.print("[bold green]solved[/bold green]" if res.solved else "[bold red]not solved[/bold red]")
    else:
        console.print("[dim]the expected test output is unknown: not scored[/dim]")
    console.print(f"picture: {png}\nreport: {run.path / REPORT}")


@app.command("eval")
def eval_cmd(
    ctx: typer.Context,
    dataset: Annotated[str | None, typer.Option(
        "--dataset", help="arcagi (ARC-AGI-1) | arcagi2 (ARC-AGI-2) | a directory of ARC JSON files.")] = None,
    split: Annotated[str | None, typer.Option("--split", help="training | evaluation.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="Only the first N tasks.")] = None,
    ids: Annotated[str | None, typer.Option(
        "--ids", help="Task ids: a text file (one a line) or JSON (list, or task_ids/validation/test; FILE#KEY).")] = None,
    workers: Annotated[int | None, typer.Option("--workers", help="Parallel workers (cfg arc.workers).")] = None,
    proposer: ProposerOpt = None,
    time_limit: TimeLimitOpt = None,
    cpu_limit: CpuLimitOpt = None,
    memory_mb: MemoryOpt = None,
    solver: SolverOpt = None,
    resume: Annotated[str | None, typer.Option("--resume", help="Continue this eval run id instead of starting one.")] = None,
    executor: Annotated[str | None, typer.Option(
        "--executor", help="local (process pool / threads) | ray (pip install 'synthloop[ray]'); cfg arc.executor.")] = None,
    address: Annotated[str | None, typer.Option(
        "--address", help="Ray cluster for --executor ray (auto | HOST:6379 | ray://HOST:10001); "
                          "default: a local Ray instance.")] = None,
    model: ModelOpt = None,
    n_hypotheses: NOpt = None,
    k_filtered: KOpt = None,
    m_programs: MOpt = None,
    r_revisions: ROpt = None,
    filter_: FilterOpt = None,
    max_tokens: TokensOpt = None,
    max_dollars: DollarsOpt = None,
) -> None:
    """Evaluate on a dataset split: results.jsonl, submission.json, report.html and a summary table."""
    from ..arc.dataset import DATASETS
    from ..arc.evaluate import EvalSpec, select_tasks

    if resume:
        _resume(ctx, resume)
        return
    path_dataset = dataset if dataset is not None and dataset not in DATASETS else None
    cfg = get_config(ctx, **{
        "arc.dataset": None if path_dataset else dataset, "arc.split": split, "arc.workers": workers,
        "arc.proposer": proposer, "arc.time_limit_s": time_limit, "arc.cpu_limit_s": cpu_limit,
        "arc.memory_mb": memory_mb, "arc.executor": executor, "arc.ray_address": address,
        **_llm_flags(model, n_hypotheses, k_filtered, m_programs, r_revisions, filter_, max_tokens, max_dollars),
    })
    spec = EvalSpec(dataset=path_dataset or cfg.arc.dataset, split=cfg.arc.split, ids=ids, limit=limit,
                    proposer=cfg.arc.proposer, solver=solver)
    tasks = select_tasks(spec)
    for e in tasks.errors:
        err_console.print(f"[yellow]skipped[/yellow] {e}", highlight=False)
    run = start_run(cfg, "arc-eval", params=spec.to_params())
    summary = _run_with_progress(cfg, run, spec, tasks)
    print_summary(summary, run)


def _resume(ctx: typer.Context, run_id: str) -> None:
    """Continue an arc-eval run with its saved config and task list, with the progress bar."""
    from ..arc.evaluate import EvalSpec
    from ..config import load_config
    from ..memory.runstore import RunStore

    run = RunStore(get_config(ctx).runs_dir).open(run_id)
    if run.info.kind != "arc-eval":
        raise UserError(f"run {run.id} is a {run.info.kind!r} run, not an arc eval")
    if run.info.status == "done":
        raise UserError(f"run {run.id} is already done")
    cfg = load_config(run.path / "config.toml")
    run.reopen()
    run.event("run_resumed")
    err_console.print(f"[dim]resuming run {run.id} → {run.path}[/dim]")
    print_summary(_run_with_progress(cfg, run, EvalSpec.from_params(run.info.params), None), run)


def _run_with_progress(cfg: Any, run: Any, spec: Any, tasks: Any) -> dict[str, Any]:
    from ..arc.evaluate import run_eval

    counts = {"solved": 0, "done": 0, "timeouts": 0}
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        TimeRemainingColumn(), console=err_console, transient=False)
    bar: dict[str, Any] = {}

    def label() -> str:
        extra = f", {counts['timeouts']} timed out" if counts["timeouts"] else ""
        return f"solved {counts['solved']}/{counts['done']}{extra}"

    def on_start(total: int, already: list[Any]) -> None:
        for r in already:
            counts["done"] += 1
            counts["solved"] += bool(r.solved)
        bar["id"] = progress.add_task(label(), total=total, completed=len(already))

    def on_result(r: Any) -> None:
        counts["done"] += 1
        counts["solved"] += bool(r.solved)
        counts["timeouts"] += bool(r.timed_out)
        progress.update(bar["id"], advance=1, description=label())

    try:
        with progress:
            return run_eval(cfg, run, spec, tasks, on_start=on_start, on_result=on_result)
    except KeyboardInterrupt:
        err_console.print(f"[yellow]interrupted[/yellow]: run {run.id} keeps its {counts['done']} finished task(s); "
                          f"`synthloop runs resume {run.id}` continues it", highlight=False)
        raise typer.Exit(130) from None


def print_summary(summary: dict[str, Any], run: Any) -> None:
    """The final table: official accuracy, per-output accuracy, CPU per test input, memory, failures, paths."""
    from ..arc.evaluate import REPORT, RESULTS, SUBMISSION

    table = Table(title=f"ARC eval {run.id}", show_header=False)
    fmt = {
        "accuracy": lambda v: f"{v:.1%}", "output_accuracy": lambda v: f"{v:.1%}",
        "arc_prize_score": lambda v: f"{v:.1%}",
    }
    for k in ("dataset", "split", "solver", "tasks", "solved", "accuracy", "outputs", "outputs_correct",
              "output_accuracy", "arc_prize_score", "cpu_s_per_test_input", "cpu_s", "wall_s", "peak_rss_mb",
              "timed_out", "errors"):
        if k in summary:
            v = summary[k]
            table.add_row(k, fmt.get(k, str)(v))
    for e in summary.get("load_errors") or []:
        table.add_row("load error", str(e))
    console.print(table)
    console.print(f"results: {run.path / RESULTS}\nsubmission: {run.path / SUBMISSION}\nreport: {run.path / REPORT}")
