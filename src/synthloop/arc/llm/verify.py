"""Verify candidate programs on the training pairs in the sandbox worker pool; feedback for revisions."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..grid import ArcTask, Grid, as_grid, to_list
from .text import grid_text


@dataclass
class Verdict:
    """Outcome of one program on every train and test input (outputs as plain lists, None where it failed)."""

    train_ok: int
    train_total: int
    outputs: list[list[list[int]] | None]
    feedback: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def signature(self) -> str:
        """Programs with equal outputs on all inputs are duplicates."""
        return hashlib.sha256(json.dumps(self.outputs).encode()).hexdigest()[:16]


def _grid_or_error(value: Any) -> tuple[Grid | None, str]:
    try:
        g = as_grid(value)
    except (ValueError, TypeError) as e:
        return None, f"returned something that is not a grid of colours 0-9 ({e})"
    return g, ""


def _feedback(i: int, expected: Grid, got: Grid | None, error: str) -> str:
    head = f"On example {i + 1}"
    if got is None:
        return f"{head} it failed: {error}"
    return (f"{head} the expected output ({expected.shape[0]}x{expected.shape[1]}) is:\n{grid_text(expected)}\n"
            f"but the function returned ({got.shape[0]}x{got.shape[1]}):\n{grid_text(got)}")


def verify_programs(pool: Any, task: ArcTask, codes: list[str], timeout_s: float = 2.0) -> list[Verdict]:
    """Run every program on all train and test inputs in one batch through the pool."""
    from ...tools.pool import Job

    inputs = [x for x, _ in task.train] + task.test_inputs
    jobs = [Job(code=code, entry="transform", args=[to_list(x)], timeout_s=timeout_s) for code in codes for x in inputs]
    results = pool.run(jobs) if jobs else []
    verdicts = []
    n = len(inputs)
    for p in range(len(codes)):
        outs: list[list[list[int]] | None] = []
        ok, feedback, errors = 0, "", []
        for i, res in enumerate(results[p * n:(p + 1) * n]):
            if res.ok:
                got, err = _grid_or_error(res.value)
            else:
                got, err = None, ("timed out" if res.timed_out else (res.error or "failed").strip().splitlines()[-1][:300])
            outs.append(to_list(got) if got is not None else None)
            if err:
                errors.append(err)
            if i < len(task.train):
                expected = task.train[i][1]
                if got is not None and got.shape == expected.shape and np.array_equal(got, expected):
                    ok += 1
                elif not feedback:
                    feedback = _feedback(i, expected, got, err)
        verdicts.append(Verdict(ok, len(task.train), outs, feedback, errors))
    return verdicts
