"""`synthloop runs list/show/resume`: work on runs/<id>/ directories alone."""

from __future__ import annotations

import datetime as dt
import importlib
import json

import typer
from rich.table import Table

from ..config import load_config
from ..errors import UserError
from ..memory.runstore import Run, RunStore
from .common import console, get_config

app = typer.Typer(help="List, inspect and resume runs (runs/<id>/).", no_args_is_help=True)

# run kind -> "module:function" taking (run, config); each loop registers its own resumer here.
RESUMERS = {
    "arc-eval": "synthloop.arc.evaluate:resume_run",
    "build": "synthloop.agents.build_run:resume_run",
    "meta-search": "synthloop.meta_search.search:resume_run",
}


def _when(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M:%S")


def _store(ctx: typer.Context) -> RunStore:
    return RunStore(get_config(ctx).runs_dir)


@app.command("list")
def list_runs(ctx: typer.Context) -> None:
    """One line per run: id, kind, status, tokens, cost, duration."""
    store = _store(ctx)
    runs = store.list()
    if not runs:
        console.print(f"no runs in {store.root}", highlight=False)
        return
    table = Table("run", "kind", "status", "started", "tokens", "cost $", "duration s")
    for run in runs:
        i = run.info
        table.add_row(i.run_id, i.kind, i.status, _when(i.started), str(i.prompt_tokens + i.completion_tokens),
                      f"{i.cost:.4f}", f"{i.duration_s:.1f}")
    console.print(table)


@app.command("show")
def show(ctx: typer.Context, run_id: str = typer.Argument(..., help="Run id (or a unique prefix).")) -> None:
    """Summary table of one run: status, tokens, cost, duration, result, event counts."""
    run = _store(ctx).open(run_id)
    i = run.info
    counts: dict[str, int] = {}
    for ev in run.events():
        counts[ev.get("kind", "?")] = counts.get(ev.get("kind", "?"), 0) + 1
    table = Table(show_header=False)
    for k, v in [("run", i.run_id), ("kind", i.kind), ("status", i.status), ("command", " ".join(i.argv)),
                 ("started", _when(i.started)), ("duration s", f"{i.duration_s:.1f}"),
                 ("prompt tokens", str(i.prompt_tokens)), ("completion tokens", str(i.completion_tokens)),
                 ("cost $", f"{i.cost:.4f}"), ("path", str(run.path))]:
        table.add_row(k, v)
    if i.error:
        table.add_row("error", i.error)
    for k, v in i.result.items():
        table.add_row(f"result.{k}", json.dumps(v) if not isinstance(v, str) else v)
    table.add_row("events", ", ".join(f"{k}={n}" for k, n in sorted(counts.items())) or "none")
    console.print(table)


def resume(run: Run) -> None:
    """Continue a stopped run with its own saved config."""
    target = RESUMERS.get(run.info.kind)
    if target is None:
        raise UserError(f"runs of kind {run.info.kind!r} cannot be resumed")
    if run.info.status == "done":
        raise UserError(f"run {run.id} is already done")
    cfg = load_config(run.path / "config.toml")
    module, func = target.split(":")
    run.reopen()
    run.event("run_resumed")
    getattr(importlib.import_module(module), func)(run, cfg)


@app.command("resume")
def resume_cmd(ctx: typer.Context, run_id: str = typer.Argument(..., help="Run id (or a unique prefix).")) -> None:
    """Continue a killed or interrupted run from its checkpoint, without redoing finished work."""
    resume(_store(ctx).open(run_id))
