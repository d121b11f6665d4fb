"""Prompt files (src/synthloop/agents/prompts/build_*.md) and their rendering with $placeholders."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from string import Template

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"


@cache
def load(name: str) -> str:
    """The text of prompts/build_<name>.md."""
    return (PROMPTS_DIR / f"build_{name}.md").read_text()


def render(name: str, **values: object) -> str:
    """Substitute $name placeholders (unknown ones are left as they are; braces in code are safe)."""
    return Template(load(name)).safe_substitute({k: str(v) for k, v in values.items()}).strip() + "\n"
