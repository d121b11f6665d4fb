"""A learned step prior for the DSL search: how often each step occurs in programs that solve training tasks.

The search (`search.search`) pops states by total step cost; within a cost tier the steps are tried in a fixed
order, and the CPU cap stops most hard tasks inside the cost-3 tier. A `StepPrior` orders the steps of each tier
by how many solving programs used them (most used first; a stable sort, so unseen steps keep their hand order)
and, with `weight` > 0, adds `weight * penalty` to a step's *search priority* (never to its Occam cost, which ranks
solutions): penalty 0 for the most used step, 1 for a step never seen, log-scaled between.

Steps are counted by their base name (`base_name`): `keep_colour(3)` -> `keep_colour`, a splitter-selector step
`crop_largest(objects8)` -> `crop_largest`. The table is learned by `benchmarks/arc_step_prior.py` from programs
found on ARC-AGI-1 training tasks and shipped as `step_prior.json` next to this module (read lazily): 167 programs
from all 400 training tasks, each searched alone for 10 CPU-s. It is off by default (`USE_STEP_PRIOR`).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Protocol, TypeVar

from synthloop.errors import UserError

SHIPPED = Path(__file__).with_name("step_prior.json")
# solve_task's default. Off: learned on one training half and measured on the other (both ways, weights 0.25 / 0.5 /
# 1), the prior changed 0-1 tasks of 200 either way (issue #4, session 10), so the hand order stays the default.
USE_STEP_PRIOR = False
DEFAULT_WEIGHT = 0.5  # the priority weight of `ARC_STEP_PRIOR=shipped` when ARC_STEP_PRIOR_WEIGHT is not set
ENV = "ARC_STEP_PRIOR"  # experiments: "off", "shipped" or a prior JSON path (overrides USE_STEP_PRIOR) ...
ENV_WEIGHT = "ARC_STEP_PRIOR_WEIGHT"  # ... and its weight (a float)
_NOT_STEPS = ("recolour{", "recolour_by_role{", "local_rule(", "rules(", "identity")


class _Named(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def cost(self) -> int: ...


S = TypeVar("S", bound=_Named)


def base_name(step_name: str) -> str:
    """The name a step is counted under: its name up to the first parenthesis."""
    return step_name.split("(", 1)[0].strip()


def program_steps(program: str) -> list[str]:
    """The base names of the search steps in a program text (`search.Solution.program`): the frame prefix, colour
    maps, role maps and learned local rules are left out; a composed answer gives the steps of all its parts."""
    text = program.strip()
    if text.startswith("["):
        text = text.split("] ", 1)[-1]
    if text.startswith("overlay(") and "; " in text and _closing(text, len("overlay")) == len(text) - 1:  # composed
        parts = text[len("overlay("):-1].split("; ")
    else:
        parts = [text]
    names = []
    for part in parts:
        for item in part.split(" | "):
            item = item.strip()
            if item and not item.startswith(_NOT_STEPS):
                names.append(base_name(item))
    return names


def _closing(text: str, start: int) -> int:
    """The index of the parenthesis that closes the one at `start` (-1 when none does)."""
    depth = 0
    for i in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return i
    return -1


@dataclass(frozen=True)
class StepPrior:
    """Per base step name, the number of solving programs that use it (`n_programs` programs in all)."""

    counts: dict[str, int]
    n_programs: int
    weight: float = 0.0  # the priority added to a never-seen step (see `penalty`)
    _top: float = field(init=False, repr=False, compare=False, default=0.0)

    def __post_init__(self) -> None:
        if self.weight < 0:
            raise ValueError("weight must be >= 0")
        object.__setattr__(self, "_top", math.log1p(max(self.counts.values(), default=0)))

    def count(self, step_name: str) -> int:
        return self.counts.get(base_name(step_name), 0)

    def penalty(self, step_name: str) -> float:
        """0 for the most used step, 1 for a step never used, log-scaled between."""
        if self._top <= 0:
            return 1.0
        return 1.0 - math.log1p(self.count(step_name)) / self._top

    def order(self, steps: Sequence[S]) -> list[S]:
        """The steps by cost, then by use (most used first); ties keep their order."""
        return sorted(steps, key=lambda s: (s.cost, -self.count(s.name)))

    def priorities(self, steps: Sequence[_Named]) -> list[float]:
        """Each step's search priority: its cost plus `weight` times its penalty."""
        return [s.cost + self.weight * self.penalty(s.name) for s in steps]

    def to_json(self) -> dict:
        return {"n_programs": self.n_programs, "counts": self.counts}

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=1, sort_keys=True) + "\n")


def load_prior(path: Path | str, weight: float = 0.0) -> StepPrior:
    """A prior from its JSON file (as written by `StepPrior.save`)."""
    data = _read(str(path))
    return StepPrior(dict(data["counts"]), int(data["n_programs"]), weight)


@lru_cache(maxsize=4)
def _read(path: str) -> dict:
    try:
        data = json.loads(Path(path).read_text())
        counts = data["counts"]
        if not isinstance(counts, dict) or not all(isinstance(v, int) for v in counts.values()):
            raise ValueError("counts must map step names to integers")
        return data
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise UserError(f"step prior {path}: {e}") from e


def default_prior() -> StepPrior | None:
    """The prior `solve_task` uses by default: the shipped one when `USE_STEP_PRIOR` (or the environment says so;
    for measurements: `ARC_STEP_PRIOR=off|shipped|PATH`, `ARC_STEP_PRIOR_WEIGHT=W`; not SYNTHLOOP_*, which the config reads), else None."""
    choice = os.environ.get(ENV, "shipped" if USE_STEP_PRIOR else "off").strip()
    if choice in ("", "off"):
        return None
    weight = float(os.environ.get(ENV_WEIGHT, DEFAULT_WEIGHT))
    return load_prior(SHIPPED if choice == "shipped" else choice, weight)
