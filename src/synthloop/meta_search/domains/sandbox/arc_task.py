"""ARC helpers for agent designs. Runs INSIDE the sandbox (stdlib + numpy only).

`forward(task)` gets an `ArcTask`: `task.text` (the examples and test inputs as text, for prompts),
`task.train` (list of (input, output) grids as lists of lists), `task.test_inputs`, and two helpers that run a
candidate program (Python source defining `transform(grid: list[list[int]]) -> list[list[int]]`):
`task.check(code) -> Feedback` (runs it on every training pair: .passed, .total, .score, .all_passed, .text) and
`task.finish(code)` (its outputs on the test inputs: the answer to return). `task.instruction` says what to
write. A program that loops is stopped after PROGRAM_TIMEOUT_S per grid (when called from the main thread;
elsewhere only the item's own timeout stops it).
"""

from __future__ import annotations

import json
import signal
import threading
import traceback
from dataclasses import dataclass
from typing import Any

__all__ = ["ArcTask", "Feedback", "grid_text", "parse_grid", "run_transform", "PROGRAM_TIMEOUT_S"]

PROGRAM_TIMEOUT_S = 2.0
Grid = list[list[int]]


class ProgramTimeout(Exception):
    """The candidate program ran past PROGRAM_TIMEOUT_S on one grid."""


def grid_text(grid: Grid) -> str:
    """A grid as rows of digits separated by spaces, one row a line."""
    return "\n".join(" ".join(str(int(v)) for v in row) for row in grid)


def parse_grid(text: str) -> Grid:
    """A grid from text: JSON ([[...]]) or rows of digits (spaces/commas optional)."""
    text = text.strip()
    if text.startswith("["):
        start, end = text.find("[["), text.rfind("]]")
        data = json.loads(text[start:end + 2] if start >= 0 and end > start else text)
        return [[int(v) for v in row] for row in data]
    rows = []
    for line in text.splitlines():
        digits = [c for c in line if c.isdigit()]
        if digits:
            rows.append([int(c) for c in digits])
    if not rows:
        raise ValueError("no grid found in the text")
    return rows


def _to_grid(value: Any) -> Grid:
    if hasattr(value, "tolist"):
        value = value.tolist()
    if not isinstance(value, list | tuple) or not value or not all(isinstance(r, list | tuple) for r in value):
        raise ValueError(f"transform must return a non-empty 2-D list of ints, got {type(value).__name__}")
    grid = [[int(v) for v in row] for row in value]
    if len({len(r) for r in grid}) != 1 or not grid[0]:
        raise ValueError("transform returned rows of different lengths (or empty rows)")
    if any(not 0 <= v <= 9 for row in grid for v in row):
        raise ValueError("transform returned a value outside the colours 0..9")
    return grid


def _on_alarm(signum: int, frame: Any) -> None:
    raise ProgramTimeout(f"transform ran longer than {PROGRAM_TIMEOUT_S} s")


def _compile_transform(code: str) -> Any:
    namespace: dict[str, Any] = {"__name__": "candidate"}
    exec(compile(code, "candidate.py", "exec"), namespace)  # noqa: S102 - already inside the sandbox
    fn = namespace.get("transform")
    if not callable(fn):
        raise NameError("the program defines no function transform(grid)")
    return fn


def run_transform(code: str, grids: list[Grid]) -> list[Grid | str]:
    """Run `transform` from `code` on each grid: its output grid, or an error message string."""
    try:
        fn = _compile_transform(code)
    except BaseException as e:  # noqa: BLE001 - the program's failure is feedback
        return [f"{type(e).__name__}: {e}"] * len(grids)
    out: list[Grid | str] = []
    timed = threading.current_thread() is threading.main_thread()  # signals only work there
    previous = signal.signal(signal.SIGALRM, _on_alarm) if timed else None
    try:
        for g in grids:
            if timed:
                signal.setitimer(signal.ITIMER_REAL, PROGRAM_TIMEOUT_S)
            try:
                out.append(_to_grid(fn([list(r) for r in g])))
            except BaseException as e:  # noqa: BLE001
                tb = traceback.extract_tb(e.__traceback__)
                line = next((f"line {f.lineno}: " for f in reversed(tb) if f.filename == "candidate.py"), "")
                out.append(f"{type(e).__name__}: {line}{e}")
            finally:
                if timed:
                    signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        if timed:
            signal.signal(signal.SIGALRM, previous)
    return out


@dataclass
class Feedback:
    """How a program did on the training pairs: counts, and a text for the model showing what went wrong."""

    passed: int
    total: int
    text: str
    outputs: list[Grid | str]

    @property
    def score(self) -> float:
        return self.passed / self.total if self.total else 0.0

    @property
    def all_passed(self) -> bool:
        return self.total > 0 and self.passed == self.total

    def __str__(self) -> str:
        return self.text


class ArcTask:
    """One ARC task as a design sees it."""

    instruction = ("Write a Python function `transform(grid)` that takes an input grid (a list of lists of ints "
                   "0-9) and returns the output grid, so that it maps every example input to its output. "
                   "numpy is available. Put the complete code (imports included) in the `code` field.")

    def __init__(self, payload: dict[str, Any]):
        self.id: str = payload.get("id", "")
        self.train: list[tuple[Grid, Grid]] = [(p["input"], p["output"]) for p in payload["train"]]
        self.test_inputs: list[Grid] = list(payload["test_inputs"])

    @property
    def text(self) -> str:
        parts = []
        for i, (a, b) in enumerate(self.train, 1):
            parts.append(f"Example {i} input:\n{grid_text(a)}\nExample {i} output:\n{grid_text(b)}")
        for i, t in enumerate(self.test_inputs, 1):
            parts.append(f"Test input {i}:\n{grid_text(t)}")
        return "\n\n".join(parts)

    def __str__(self) -> str:
        return self.text

    def check(self, code: str) -> Feedback:
        """Run the program on every training input and compare with the expected outputs."""
        outputs = run_transform(code, [a for a, _ in self.train])
        lines, correct = [], 0
        for i, ((a, b), got) in enumerate(zip(self.train, outputs, strict=True), 1):
            if got == b:
                correct += 1
                lines.append(f"Example {i}: correct.")
            elif isinstance(got, str):
                lines.append(f"Example {i}: the program failed: {got}")
            else:
                lines.append(f"Example {i}: wrong.\nInput:\n{grid_text(a)}\nExpected:\n{grid_text(b)}\n"
                             f"Got:\n{grid_text(got)}")
        head = f"The program is correct on {correct} of {len(self.train)} training examples."
        return Feedback(correct, len(self.train), head + "\n" + "\n".join(lines), outputs)

    def finish(self, code: str) -> list[Grid]:
        """The answer to return from forward: the program's outputs on the test inputs."""
        return self.apply(code)

    def apply(self, code: str) -> list[Grid]:
        """The program's outputs on the test inputs (a failure on an input gives [[0]] there)."""
        outs = run_transform(code, self.test_inputs)
        return [o if isinstance(o, list) else [[0]] for o in outs]


def make_task(payload: dict[str, Any]) -> ArcTask:
    return ArcTask(payload)
