"""Test solvers for the eval loop (module level, so process workers can import them) and a small task factory.

`FlipSolver` is a real (tiny) solver: it tries the eight grid symmetries, scores each on the training pairs, and
predicts with each. The other solvers misbehave on purpose (overrun, hog memory, crash) for the ones named so.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np

from synthloop.arc.grid import ArcTask, Candidate, as_grid

SYMMETRIES = {
    "identity": lambda g: g,
    "flip_lr": np.fliplr,
    "flip_ud": np.flipud,
    "rot90": lambda g: np.rot90(g, 1),
    "rot180": lambda g: np.rot90(g, 2),
    "rot270": lambda g: np.rot90(g, 3),
    "transpose": lambda g: g.T,
    "anti_transpose": lambda g: np.rot90(g, 2).T,
}


class FlipSolver:
    """One candidate per symmetry, each checked on every training pair."""

    name = "flip"

    def __init__(self, time_limit_s: float = 20.0):
        self.time_limit_s = time_limit_s

    def solve(self, task: ArcTask, deadline: float) -> list[Candidate]:
        out = []
        for size, (name, fn) in enumerate(SYMMETRIES.items(), start=1):
            right = sum(bool(np.array_equal(fn(i), o)) for i, o in task.train)
            preds = [as_grid(fn(i)) for i in task.test_inputs]
            out.append(Candidate(program=name, description=f"apply {name.replace('_', ' ')} to the grid",
                                 predictions=preds, train_correct=right, train_total=len(task.train),
                                 size=size, source="flip"))
        return out


class MisbehavingSolver(FlipSolver):
    """FlipSolver, except on tasks whose id starts with slow- (sleeps, ignoring the deadline), hog- (allocates
    8 GB), crash- (the process exits) or boom- (raises)."""

    name = "misbehaving"

    def solve(self, task: ArcTask, deadline: float) -> list[Candidate]:
        if task.id.startswith("slow"):
            time.sleep(60)
        if task.id.startswith("hog"):
            blob = np.ones(8 * 1024**3, dtype=np.uint8)
            return [] if blob.sum() else []
        if task.id.startswith("crash"):
            os._exit(3)
        if task.id.startswith("boom"):
            raise RuntimeError("boom on purpose")
        return super().solve(task, deadline)


class ThreadedFlipSolver(FlipSolver):
    """FlipSolver that asks to run in parent threads (like a model-backed solver) and records its threads."""

    name = "threaded-flip"
    in_parent = True

    def __init__(self, time_limit_s: float = 20.0):
        super().__init__(time_limit_s)
        self.pids: set[int] = set()

    def solve(self, task: ArcTask, deadline: float) -> list[Candidate]:
        self.pids.add(os.getpid())
        return super().solve(task, deadline)


class UnstartableSolver(FlipSolver):
    """Pickles in the parent but cannot be rebuilt in a worker (like a solver whose module is not importable)."""

    def __setstate__(self, state: dict) -> None:
        raise RuntimeError("this solver cannot be rebuilt in a worker")


def grid(rows: list[str]) -> list[list[int]]:
    return [[int(c) for c in r] for r in rows]


def flip_task(n_test: int = 1, seed: int = 0) -> dict:
    """An ARC-format task whose rule is a left-right flip."""
    rng = np.random.default_rng(seed)
    pairs = []
    for _ in range(3 + n_test):
        g = rng.integers(0, 10, size=(3, 4))
        pairs.append({"input": g.tolist(), "output": np.fliplr(g).tolist()})
    return {"train": pairs[:3], "test": pairs[3:]}


def rot_task(seed: int = 1) -> dict:
    """A task whose rule is a 90-degree rotation (FlipSolver's rot90 candidate explains it)."""
    rng = np.random.default_rng(seed)
    pairs = []
    for _ in range(4):
        g = rng.integers(0, 10, size=(2, 5))
        pairs.append({"input": g.tolist(), "output": np.rot90(g, 1).tolist()})
    return {"train": pairs[:3], "test": pairs[3:]}


def noise_task(seed: int = 2) -> dict:
    """No symmetry explains it: outputs are unrelated random grids."""
    rng = np.random.default_rng(seed)
    pairs = [{"input": rng.integers(0, 10, (3, 3)).tolist(), "output": rng.integers(0, 10, (3, 3)).tolist()}
             for _ in range(4)]
    return {"train": pairs[:3], "test": pairs[3:]}


def write_tasks(root: Path, tasks: dict[str, dict]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for tid, data in tasks.items():
        (root / f"{tid}.json").write_text(json.dumps(data))
    return root


def test_flip_solver_finds_the_flip_and_not_the_noise():
    from synthloop.arc.dataset import parse_task

    task = parse_task(flip_task(), "f")
    cands = FlipSolver().solve(task, time.monotonic() + 5)
    best = max(cands, key=lambda c: c.train_correct)
    assert best.program == "flip_lr" and best.solves_train
    assert np.array_equal(best.predictions[0], task.test[0][1])
    noise = parse_task(noise_task(), "n")
    assert not any(c.solves_train for c in FlipSolver().solve(noise, time.monotonic() + 5))
