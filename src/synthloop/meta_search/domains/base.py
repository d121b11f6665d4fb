"""The `Domain` seam: what a meta-search domain provides (tasks, scoring, a description, sandbox helpers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

SANDBOX_DIR = Path(__file__).resolve().parent / "sandbox"
PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"
SPLITS = ("validation", "test")


@dataclass(frozen=True)
class Item:
    """One evaluation item: `payload` (JSON data) is what the design sees; `truth` stays on the host."""

    id: str
    payload: dict[str, Any]
    truth: Any = field(default=None, compare=False, repr=False)


@runtime_checkable
class Domain(Protocol):
    """A domain for agent designs. `helper_module` names the module (among `helper_files()`) that the sandboxed
    framework imports: its `make_task(payload)` builds the `task` object passed to `forward`, and its `__all__`
    names are visible to designs."""

    name: str
    helper_module: str

    def tasks(self, split: str) -> list[Item]:
        """The items of "validation" or "test"."""
        ...

    def score(self, item: Item, answer: Any) -> float:
        """The answer's score in [0, 1]; a malformed answer scores 0 (raise ValueError to say why)."""
        ...

    def description(self) -> str:
        """What the meta agent must know: the task format, what forward returns, the helpers."""
        ...

    def helper_files(self) -> dict[str, str]:
        """Files (name -> source) placed next to the design in the sandbox."""
        ...


def helper_source(filename: str) -> str:
    """A sandbox-side helper module shipped in domains/sandbox/."""
    return (SANDBOX_DIR / filename).read_text()


def prompt_text(filename: str) -> str:
    """A prompt file from meta_search/prompts/."""
    return (PROMPTS_DIR / filename).read_text().strip()


def check_split(split: str) -> None:
    from ...errors import UserError

    if split not in SPLITS:
        raise UserError(f"unknown split {split!r}; choose validation or test")
