"""The seed archive: the ADAS baselines as design files in meta_search/seeds/ (the docstring's first line is the
name, the rest is the thought)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parent / "seeds"
ORDER = ("cot", "cot_sc", "self_refine", "llm_debate", "step_back", "quality_diversity", "role_assignment")


@dataclass(frozen=True)
class Seed:
    id: str
    name: str
    thought: str
    code: str


def load_seed(path: Path) -> Seed:
    code = path.read_text()
    doc = ast.get_docstring(ast.parse(code)) or path.stem
    name, _, rest = doc.partition("\n")
    thought = rest.strip().removeprefix("Thought:").strip()
    return Seed(id=f"seed-{path.stem}", name=name.strip(), thought=" ".join(thought.split()), code=code)


def load_seeds(names: list[str] | None = None) -> list[Seed]:
    """The seeds in ADAS order (or the named ones, by file stem)."""
    from ..errors import UserError

    available = {p.stem: p for p in SEEDS_DIR.glob("*.py")}
    wanted = list(names) if names is not None else [n for n in ORDER if n in available] + sorted(
        set(available) - set(ORDER))
    unknown = [n for n in wanted if n not in available]
    if unknown:
        raise UserError(f"unknown seed design(s): {', '.join(unknown)}; available: {', '.join(sorted(available))}")
    return [load_seed(available[n]) for n in wanted]
