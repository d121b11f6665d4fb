"""ARC grids: read-only int8 numpy arrays with a hashable key; tasks as plain dataclasses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

Grid = np.ndarray  # 2-D, dtype int8, values 0..9, read-only


def as_grid(data: Sequence[Sequence[int]] | np.ndarray) -> Grid:
    """Validate and freeze: a non-empty 2-D grid of ints 0..9 (at most 30x30 is not enforced)."""
    arr = np.array(data, dtype=np.int64)
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"a grid must be a non-empty 2-D list of rows, got shape {arr.shape}")
    if arr.min() < 0 or arr.max() > 9:
        raise ValueError("grid values must be colours 0..9")
    g = arr.astype(np.int8)
    g.flags.writeable = False
    return g


def grid_key(g: Grid) -> bytes:
    """A hashable key: equal grids (same shape and cells) have equal keys."""
    return g.shape[0].to_bytes(1, "little") + g.shape[1].to_bytes(1, "little") + np.ascontiguousarray(g, np.int8).tobytes()


def to_list(g: Grid) -> list[list[int]]:
    """Plain nested lists (JSON, LangGraph state): never numpy scalars."""
    return [[int(v) for v in row] for row in np.asarray(g)]


@dataclass
class ArcTask:
    """One ARC task. `test` outputs may be None when the solutions are unknown."""

    id: str
    train: list[tuple[Grid, Grid]]
    test: list[tuple[Grid, Grid | None]]
    source: str = ""

    @property
    def test_inputs(self) -> list[Grid]:
        return [i for i, _ in self.test]


@dataclass
class Candidate:
    """A hypothesis with its program: checked on every training pair, with one prediction per test input.

    `description` is the natural-language hypothesis; `program` is its text (DSL expression or Python source).
    `predictions[i]` is None when the program failed on test input i.
    """

    program: str
    description: str
    predictions: list[Grid | None]
    train_correct: int
    train_total: int
    size: int = 1
    source: str = "symbolic"
    meta: dict = field(default_factory=dict)

    @property
    def solves_train(self) -> bool:
        return self.train_total > 0 and self.train_correct == self.train_total
