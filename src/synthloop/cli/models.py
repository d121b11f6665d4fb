"""`synthloop models` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="Embedded local models: list, pull, register a GGUF.", no_args_is_help=True)
