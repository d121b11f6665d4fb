"""The `synthloop` command line: build, arc, meta, runs, models, sandbox, config."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from .common import CliState, err_console

app = typer.Typer(
    help="Language models write programs that are executed, verified and revised.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _root(
    ctx: typer.Context,
    config: Annotated[str | None, typer.Option("--config", "-c", help="A TOML config file (overrides configs/default.toml).")] = None,
    runs_dir: Annotated[str | None, typer.Option("--runs-dir", help="Where runs/<id>/ directories go.")] = None,
) -> None:
    ctx.obj = CliState(config_file=config, overrides={"runs_dir": runs_dir})


def _register() -> None:
    """Attach the command groups (once; they are imported here so `import synthloop.cli` stays cheap)."""
    if getattr(app, "_synthloop_registered", False):
        return
    from . import arc, build, config_cmd, meta, models, runs, sandbox

    app.add_typer(build.app, name="build")
    app.add_typer(arc.app, name="arc")
    app.add_typer(meta.app, name="meta")
    app.add_typer(runs.app, name="runs")
    app.add_typer(models.app, name="models")
    app.add_typer(sandbox.app, name="sandbox")
    app.add_typer(config_cmd.app, name="config")
    app._synthloop_registered = True  # type: ignore[attr-defined]


def _user_errors() -> tuple[type[BaseException], ...]:
    from ..agents.model import BudgetExceeded, ModelError
    from ..config import ConfigError
    from ..errors import UserError
    from ..memory.runstore import RunNotFound
    from ..tools.sandbox import SandboxUnavailable

    return (UserError, ConfigError, RunNotFound, SandboxUnavailable, ModelError, BudgetExceeded)


def main(argv: list[str] | None = None) -> None:
    """Entry point: user mistakes and infrastructure errors become one line and exit code 2."""
    _register()
    try:
        app(args=argv, prog_name="synthloop")
    except KeyboardInterrupt:
        err_console.print("[yellow]interrupted[/yellow]: the run is saved; `synthloop runs resume ID` continues it")
        sys.exit(130)
    except _user_errors() as e:
        err_console.print(f"[red]error:[/red] {e}", highlight=False, markup=True, soft_wrap=True)
        sys.exit(2)
