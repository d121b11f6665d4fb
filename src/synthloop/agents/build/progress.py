"""Progress reporting: the control unit calls an observer; the CLI's prints live lines with rich."""

from __future__ import annotations

from typing import Any, Protocol


class Observer(Protocol):
    def __call__(self, kind: str, **data: Any) -> None: ...


def quiet(kind: str, **data: Any) -> None:
    """An observer that shows nothing (library use, tests)."""


class ConsoleProgress:
    """One line per milestone (plan, instruction start/finish, checks, acceptance) on a rich console."""

    SHOWN = {"plan", "instruction_started", "instruction_done", "instruction_partial", "instruction_failed", "checks", "context_restart",
             "loop_detected", "test_deleted", "test_weakened", "test_review", "tests_reviewed", "acceptance", "replan",
             "instruction_skipped", "eval_item"}

    def __init__(self, console: Any):
        self.console = console

    def __call__(self, kind: str, **data: Any) -> None:
        if kind not in self.SHOWN:
            return
        from rich.markup import escape

        data = {k: escape(v) if isinstance(v, str) else v for k, v in data.items()}
        if "lines" in data:
            data["lines"] = [escape(str(x)) for x in data["lines"]]
        iid = data.get("instruction", "")
        tag = f"[bold]{iid}[/bold] " if iid else ""
        if kind == "plan":
            self.console.print(f"[cyan]plan[/cyan] {data.get('count')} instructions ({data.get('source')})")
            for line in data.get("lines", []):
                self.console.print(f"  [dim]{line}[/dim]", highlight=False)
        elif kind == "instruction_started":
            self.console.print(f"[cyan]▶[/cyan] {tag}{str(data.get('text', ''))[:100]}", highlight=False)
        elif kind == "instruction_done":
            self.console.print(f"[green]✓[/green] {tag}{str(data.get('summary', ''))[:140]}", highlight=False)
        elif kind == "instruction_partial":
            self.console.print(f"[yellow]◐[/yellow] {tag}{str(data.get('summary', ''))[:140]}", highlight=False)
        elif kind == "instruction_failed":
            self.console.print(f"[red]✗[/red] {tag}{data.get('reason', '')}", highlight=False)
        elif kind == "instruction_skipped":
            self.console.print(f"[yellow]–[/yellow] {tag}{data.get('reason', '')}", highlight=False)
        elif kind == "checks":
            colour = "green" if data.get("ok") else "yellow"
            self.console.print(f"  [{colour}]checks[/{colour}] {tag}{data.get('passed', 0)} passed, "
                               f"{data.get('failed', 0)} failed, {data.get('errors', 0)} errors"
                               + (" (timeout)" if data.get("timed_out") else "")
                               + (" (no tests)" if data.get("no_tests") else "")
                               + (f", {data.get('syntax_errors')} syntax errors" if data.get("syntax_errors") else ""))
        elif kind == "acceptance":
            self.console.print(f"[cyan]acceptance[/cyan] round {data.get('round')}: tests {data.get('passed')} passed "
                               f"/ {data.get('failed')} failed, lint errors {data.get('lint_errors')}, "
                               f"{'OK' if data.get('ok') else 'problems found'}")
        elif kind == "eval_item":
            shown = {k: v for k, v in data.items() if k not in ("suite", "task", "run", "lines", "features")}
            self.console.print(f"[magenta]eval[/magenta] {data.get('task')}: {shown}", highlight=False)
        elif kind == "replan":
            self.console.print(f"[cyan]replan[/cyan] round {data.get('round')}: +{data.get('added')} instructions")
        else:
            self.console.print(f"  [yellow]{kind}[/yellow] {tag}{ {k: v for k, v in data.items() if k != 'instruction'} }",
                               highlight=False)
