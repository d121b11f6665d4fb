"""`synthloop sandbox` commands: build the docker image, check containment."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from .common import console, err_console, get_config

app = typer.Typer(help="Sandboxes: build the docker image, check containment.", no_args_is_help=True)

BUILD_SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "build-sandbox-image.sh"


@app.command("build-image")
def build_image(
    ctx: typer.Context,
    force: Annotated[bool, typer.Option("--force", help="Rebuild even if the image exists.")] = False,
) -> None:
    """Build the docker sandbox image locally (debootstrap bookworm + python3, numpy, pytest; ~3 minutes, root)."""
    from ..errors import UserError

    image = get_config(ctx).sandbox.docker_image
    if not BUILD_SCRIPT.is_file():
        raise UserError(f"the image build script is missing ({BUILD_SCRIPT}); it ships with the source checkout")
    env = {**os.environ, "FORCE": "1" if force else "0"}
    rc = subprocess.run(["bash", str(BUILD_SCRIPT), image], env=env, check=False).returncode
    if rc != 0:
        raise UserError(f"building {image} failed (exit code {rc}); see the messages above")


@app.command("check")
def check(
    ctx: typer.Context,
    backend: Annotated[
        str | None, typer.Option("--backend", "-b", help="bwrap, docker or all (default: the configured backend).")
    ] = None,
) -> None:
    """Run the containment probes (network, writes, secrets, fork bomb, loop, 10 GB, setsid escape) and print a table.

    The probes run as a dedicated uid (61230) so they never disturb sandboxes in use; exit code 1 if any escaped.
    """
    from ..errors import UserError
    from ..tools.factory import BACKENDS, make_sandbox
    from ..tools.probes import PROBE_UID, PROBES, latency, run_probes
    from ..tools.sandbox import SandboxUnavailable

    cfg = get_config(ctx).sandbox
    chosen = list(BACKENDS) if backend == "all" else [backend or cfg.backend]
    for b in chosen:
        if b not in BACKENDS:
            raise UserError(f"unknown backend {b!r} (choose bwrap, docker or all)")
    columns: dict[str, dict[str, str]] = {}
    all_ok = True
    for b in chosen:
        sb = make_sandbox(b, python=cfg.python, uid=PROBE_UID, image=cfg.docker_image)
        try:
            ready = getattr(sb, "ensure_ready", None)
            if ready is not None:
                ready()
            err_console.print(f"[dim]probing {b} ...[/dim]")
            results = run_probes(sb)
            col = {"latency (median, tiny program)": f"{latency(sb) * 1000:.0f} ms"}
        except SandboxUnavailable as e:
            if len(chosen) == 1:
                raise
            columns[b] = {name: f"[yellow]unavailable[/yellow]: {e}" for name in PROBES}
            continue
        for r in results:
            all_ok &= r.contained
            mark = "[green]stopped[/green]" if r.contained else "[red bold]NOT STOPPED[/red bold]"
            col[r.name] = f"{mark} [dim]{r.detail}[/dim]"
        columns[b] = col
    table = Table(title="sandbox containment", title_justify="left")
    table.add_column("probe")
    for b in columns:
        table.add_column(b)
    rows = list(PROBES) + ["latency (median, tiny program)"]
    for name in rows:
        table.add_row(name, *(columns[b].get(name, "") for b in columns))
    console.print(table)
    if not all_ok:
        raise typer.Exit(1)
