"""Shared CLI plumbing: the resolved config, the console, and starting a run."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

import typer
from rich.console import Console

from ..config import Config, load_config, to_toml
from ..memory.runstore import Run, RunStore

console = Console(stderr=False)
err_console = Console(stderr=True)


@dataclass
class CliState:
    config_file: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)


def state(ctx: typer.Context) -> CliState:
    root = ctx.find_root()
    if not isinstance(root.obj, CliState):
        root.obj = CliState()
    return root.obj


def get_config(ctx: typer.Context, **overrides: Any) -> Config:
    """Resolve the config with these flag values (dotted keys, None = flag not given) on top."""
    st = state(ctx)
    return load_config(st.config_file, {**st.overrides, **overrides})


def start_run(cfg: Config, kind: str, params: dict[str, Any] | None = None) -> Run:
    """Create runs/<id>/ with the resolved config and announce it."""
    run = RunStore(cfg.runs_dir).create(kind, to_toml(cfg), argv=sys.argv[1:], params=params)
    err_console.print(f"[dim]run {run.id} → {run.path}[/dim]")
    return run
