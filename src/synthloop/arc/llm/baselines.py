"""Direct prompting baseline: the model writes the output grid itself (no program, nothing to verify)."""

from __future__ import annotations

from typing import Any

from ..grid import ArcTask, Candidate
from .text import grid_text, messages, parse_grid, task_text


class DirectSolver:
    """One greedy reply per test input (attempt 1) and one sample at `temperature` (attempt 2)."""

    name = "direct"
    in_parent = True  # holds the run's single model (budget, cache)

    def __init__(self, model: Any, temperature: float = 0.7, max_tokens: int = 1024):
        self.model = model
        self.temperature = temperature
        self.max_tokens = max_tokens

    def solve(self, task: ArcTask, deadline: float) -> list[Candidate]:
        text = task_text(task)
        per_attempt: list[list[Any]] = [[], []]
        for x in task.test_inputs:
            msgs = messages("direct", task=text, test_input=grid_text(x))
            greedy = self.model.complete(msgs, temperature=0.0, max_tokens=self.max_tokens).choices[0]
            sample = self.model.sample(msgs, 1, self.temperature, max_tokens=self.max_tokens)[0]
            for slot, ch in enumerate((greedy, sample)):
                per_attempt[slot].append(parse_grid(ch.content or "") if ch.finish_reason != "length" else None)
        return [Candidate(program="", description=f"direct prediction ({'greedy' if i == 0 else 'sampled'})",
                          predictions=preds, train_correct=0, train_total=len(task.train), size=1 + i, source="direct")
                for i, preds in enumerate(per_attempt)]
