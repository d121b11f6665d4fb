"""`synthloop arc` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="ARC puzzles: solve one task or evaluate a dataset (symbolic DSL search and/or a model).", no_args_is_help=True)
