"""One task's outcome: run a solver under a deadline, pick the attempts, score them, time it.

`solve_task` is the single code path used by the process workers, the parent threads and `arc solve`.
`TaskResult` is what one line of runs/<id>/results.jsonl holds (plain JSON data, grids as nested lists).
"""

from __future__ import annotations

import json
import resource
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from .attempts import best_candidate, pick_with_sources, rank_candidates
from .grid import ArcTask, Grid, as_grid, to_list
from .scoring import score_task


@dataclass
class TaskResult:
    """The outcome of one task (a results.jsonl line)."""

    task_id: str
    n_test: int
    correct: list[bool | None]
    solved: bool | None
    attempts: list[list[list[list[int]]]] = field(default_factory=list)  # per test input, ≤2 grids
    attempt_programs: list[list[str]] = field(default_factory=list)  # the program behind each attempt
    program: str = ""  # the top-ranked candidate's program ("winning program")
    description: str = ""  # ... and its natural-language hypothesis
    winner_source: str = ""
    train_correct: int = 0
    train_total: int = 0
    n_candidates: int = 0
    cpu_s: float = 0.0
    wall_s: float = 0.0
    peak_rss_mb: float = 0.0
    timed_out: bool = False
    error: str = ""
    # hypotheses with their programs and train verdicts (top-ranked first, at most MAX_HYPOTHESES)
    hypotheses: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TaskResult:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def attempt_grids(self) -> list[list[Grid]]:
        return [[as_grid(g) for g in tries] for tries in self.attempts]


def peak_rss_mb() -> float:
    """This process's peak resident set size so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def failed_result(task: ArcTask, error: str, *, timed_out: bool = False, wall_s: float = 0.0,
                  cpu_s: float = 0.0) -> TaskResult:
    """A task that produced no attempts (crash, kill, memory): scored as wrong where outputs are known."""
    score = score_task(task, [])
    return TaskResult(task_id=task.id, n_test=len(task.test), correct=score.correct, solved=score.solved,
                      attempts=[[] for _ in task.test], attempt_programs=[[] for _ in task.test],
                      train_total=len(task.train), wall_s=wall_s, cpu_s=cpu_s, timed_out=timed_out, error=error)


def solve_task(solver: Any, task: ArcTask, deadline: float,
               cpu_clock: Callable[[], float] = time.process_time) -> TaskResult:
    """Run `solver` on `task` until `deadline` (time.monotonic()), then pick and score the attempts.

    Solver exceptions (MemoryError included) are recorded on the result, never raised.
    """
    t0, c0 = time.monotonic(), cpu_clock()
    try:
        candidates = list(solver.solve(task, deadline))
    except MemoryError:
        return failed_result(task, "MemoryError: the solver ran out of its memory limit",
                             wall_s=time.monotonic() - t0, cpu_s=cpu_clock() - c0)
    except Exception as e:  # the solver's own failure is data
        tb = traceback.format_exception_only(type(e), e)[-1].strip()
        return failed_result(task, f"solver error: {tb}", wall_s=time.monotonic() - t0, cpu_s=cpu_clock() - c0)
    cpu_s, wall_s = cpu_clock() - c0, time.monotonic() - t0
    picked = pick_with_sources(candidates, len(task.test))
    grids = [[c.predictions[i] for c in chosen] for i, chosen in enumerate(picked)]
    score = score_task(task, grids)
    best = best_candidate(candidates)
    return TaskResult(
        task_id=task.id, n_test=len(task.test), correct=score.correct, solved=score.solved,
        attempts=[[to_list(g) for g in tries] for tries in grids],
        attempt_programs=[[c.program for c in chosen] for chosen in picked],
        program=best.program if best else "", description=best.description if best else "",
        winner_source=best.source if best else "",
        train_correct=best.train_correct if best else 0, train_total=len(task.train),
        n_candidates=len(candidates), cpu_s=round(cpu_s, 4), wall_s=round(wall_s, 4),
        peak_rss_mb=round(peak_rss_mb(), 1), hypotheses=hypotheses_of(candidates),
    )


MAX_HYPOTHESES = 12


def hypotheses_of(candidates: list[Any]) -> list[dict[str, Any]]:
    """Group ranked candidates by hypothesis: each with its programs and how many train pairs each explains."""
    groups: dict[str, dict[str, Any]] = {}
    for c in rank_candidates(candidates):
        g = groups.get(c.description)
        if g is None:
            if len(groups) >= MAX_HYPOTHESES:
                continue
            g = groups[c.description] = {"description": c.description, "source": c.source, "programs": []}
        if len(g["programs"]) < 4:
            g["programs"].append({"program": c.program, "train_correct": c.train_correct,
                                  "train_total": c.train_total, "passed": c.solves_train})
    return list(groups.values())


def dumps(result: TaskResult) -> str:
    return json.dumps(result.to_json(), separators=(",", ":"))
