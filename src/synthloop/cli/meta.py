"""`synthloop meta` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="ADAS-style automated design of agents: search, archive, show, test.", no_args_is_help=True)
