"""Interactive filter: a person picks the hypotheses to implement from a numbered list in the terminal."""

from __future__ import annotations

from rich.console import Console
from rich.prompt import Prompt


def terminal_chooser(hypotheses: list[str], k: int) -> list[int]:
    """Show the numbered hypotheses; read up to k numbers (e.g. "1 3"); empty input keeps the first k."""
    console = Console(stderr=True)
    for i, h in enumerate(hypotheses, 1):
        console.print(f"[bold]{i}.[/bold] {h}", highlight=False)
    while True:
        raw = Prompt.ask(f"pick up to {k} (numbers separated by spaces, Enter = first {k})", default="",
                         console=console)
        try:
            picks = [int(x) - 1 for x in raw.replace(",", " ").split()]
        except ValueError:
            console.print("[red]numbers only[/red]")
            continue
        if all(0 <= p < len(hypotheses) for p in picks):
            return list(dict.fromkeys(picks))[:k] or list(range(min(k, len(hypotheses))))
        console.print(f"[red]choose between 1 and {len(hypotheses)}[/red]")
