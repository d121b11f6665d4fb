"""`synthloop config show`."""

from __future__ import annotations

import typer

from ..config import to_toml
from .common import console, get_config

app = typer.Typer(help="Inspect the resolved configuration.", no_args_is_help=True)


@app.command("show")
def show(ctx: typer.Context) -> None:
    """Print the resolved config (defaults < -c FILE < SYNTHLOOP_* env < flags) as TOML."""
    console.print(to_toml(get_config(ctx)), markup=False, highlight=False)
