"""Official ARC scoring: up to 2 attempts per test input; a task counts only if every test output is right.

Also reported: per-output accuracy (each test output on its own) and the ARC Prize leaderboard score (each task
worth the fraction of its test outputs that are right).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .grid import ArcTask, Grid, as_grid

MAX_ATTEMPTS = 2


def grids_equal(a: Grid | None, b: Grid | None) -> bool:
    """Same shape and same cells (None never equals anything)."""
    return a is not None and b is not None and a.shape == b.shape and bool(np.array_equal(a, b))


def output_correct(attempts: Sequence[Grid | None], expected: Grid | None) -> bool | None:
    """Is one of the first two attempts the expected grid? None when the expected output is unknown."""
    if expected is None:
        return None
    return any(grids_equal(a, expected) for a in list(attempts)[:MAX_ATTEMPTS])


@dataclass
class TaskScore:
    """Per test output: True / False / None (unknown); `solved` is None if any output is unknown."""

    correct: list[bool | None]

    @property
    def known(self) -> bool:
        return all(c is not None for c in self.correct)

    @property
    def solved(self) -> bool | None:
        return all(self.correct) if self.known and self.correct else None

    @property
    def fraction(self) -> float | None:
        return sum(bool(c) for c in self.correct) / len(self.correct) if self.known and self.correct else None


def score_task(task: ArcTask, attempts: Sequence[Sequence[Grid | None]]) -> TaskScore:
    """Score the attempts (one list per test input; missing lists count as no attempt)."""
    correct = []
    for i, (_, expected) in enumerate(task.test):
        tries = attempts[i] if i < len(attempts) else []
        correct.append(output_correct(tries, expected))
    return TaskScore(correct)


def summarize(scores: Sequence[TaskScore]) -> dict[str, Any]:
    """Totals over tasks with known outputs: tasks, solved, accuracy, outputs, outputs_correct, per-output
    accuracy, and the ARC Prize score (mean over tasks of the fraction of outputs right)."""
    known = [s for s in scores if s.known and s.correct]
    outputs = sum(len(s.correct) for s in known)
    outputs_correct = sum(sum(bool(c) for c in s.correct) for s in known)
    solved = sum(bool(s.solved) for s in known)
    return {
        "tasks": len(known),
        "solved": solved,
        "accuracy": solved / len(known) if known else 0.0,
        "outputs": outputs,
        "outputs_correct": outputs_correct,
        "output_accuracy": outputs_correct / outputs if outputs else 0.0,
        "arc_prize_score": sum(s.fraction or 0.0 for s in known) / len(known) if known else 0.0,
        "unscored_tasks": len(scores) - len(known),
    }


def score_submission(submission: dict[str, Any], tasks: Sequence[ArcTask]) -> dict[str, Any]:
    """Score an ARC Prize submission ({task_id: [{"attempt_1": grid, "attempt_2": grid}, ...]}) against tasks.
    A task missing from the submission, or a malformed attempt, counts as wrong."""
    scores = []
    for task in tasks:
        entries = submission.get(task.id) or []
        attempts: list[list[Grid | None]] = []
        for i in range(len(task.test)):
            entry = entries[i] if i < len(entries) and isinstance(entries[i], dict) else {}
            tries: list[Grid | None] = []
            for k in ("attempt_1", "attempt_2"):
                try:
                    tries.append(as_grid(entry[k]) if entry.get(k) is not None else None)
                except (ValueError, TypeError):
                    tries.append(None)
            attempts.append(tries)
        scores.append(score_task(task, attempts))
    return summarize(scores)
