"""`synthloop sandbox` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="Sandboxes: build the docker image, check containment.", no_args_is_help=True)
