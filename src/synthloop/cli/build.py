"""`synthloop build` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="Generate a codebase (or text) from a task with the L2MAC-style control unit.", no_args_is_help=True)
