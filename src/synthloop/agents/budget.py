"""Run budgets: tokens, dollars and wall time. Thread-safe; can start from a run's spent totals (resume)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from .model import BudgetExceeded


def active_wall_s(run: Any) -> float:
    """Seconds a run has been working so far: each session runs from its run_started / run_resumed event to its
    last event (the time a killed run lay idle does not count)."""
    total, start, last = 0.0, None, None
    for ev in run.events():
        ts = ev.get("ts")
        if not isinstance(ts, int | float):
            continue
        if ev.get("kind") in ("run_started", "run_resumed"):
            if start is not None and last is not None:
                total += max(0.0, last - start)
            start = ts
        last = ts
    if start is not None and last is not None:
        total += max(0.0, last - start)
    return total


class Budget:
    """Counts what a run has spent and raises BudgetExceeded once a limit is reached (0 = unlimited).

    Wall time is counted from this object's creation plus `spent_wall_s` (time spent before a resume)."""

    def __init__(self, max_tokens: int = 0, max_dollars: float = 0.0, max_wall_s: float = 0.0, *,
                 spent_tokens: int = 0, spent_dollars: float = 0.0, spent_wall_s: float = 0.0,
                 clock: Callable[[], float] = time.monotonic):
        if max_tokens < 0 or max_dollars < 0 or max_wall_s < 0:
            raise ValueError("budget limits must be >= 0 (0 = unlimited)")
        self.max_tokens = int(max_tokens)
        self.max_dollars = float(max_dollars)
        self.max_wall_s = float(max_wall_s)
        self._tokens = int(spent_tokens)
        self._dollars = float(spent_dollars)
        self._wall_before = float(spent_wall_s)
        self._clock = clock
        self._t0 = clock()
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, budget_cfg: Any, run: Any = None, **kw: Any) -> Budget:
        """From a BudgetConfig; with a run, start from the tokens and dollars it has already spent."""
        spent: dict[str, Any] = {}
        if run is not None:
            spent = {"spent_tokens": run.info.prompt_tokens + run.info.completion_tokens,
                     "spent_dollars": run.info.cost, "spent_wall_s": active_wall_s(run)}
        return cls(budget_cfg.max_tokens, budget_cfg.max_dollars, budget_cfg.max_wall_s, **{**spent, **kw})

    @property
    def tokens(self) -> int:
        with self._lock:
            return self._tokens

    @property
    def dollars(self) -> float:
        with self._lock:
            return self._dollars

    @property
    def wall_s(self) -> float:
        return self._wall_before + (self._clock() - self._t0)

    def charge(self, tokens: int, dollars: float = 0.0) -> None:
        """Record spending (call after each model call)."""
        with self._lock:
            self._tokens += int(tokens)
            self._dollars += float(dollars)

    def exceeded(self) -> str | None:
        """Why the budget is spent, or None while there is room left."""
        with self._lock:
            tokens, dollars = self._tokens, self._dollars
        if self.max_tokens and tokens >= self.max_tokens:
            return f"token budget of {self.max_tokens} reached ({tokens} tokens spent)"
        if self.max_dollars and dollars >= self.max_dollars:
            return f"dollar budget of ${self.max_dollars:g} reached (${dollars:.4f} spent)"
        wall = self.wall_s
        if self.max_wall_s and wall >= self.max_wall_s:
            return f"wall-time budget of {self.max_wall_s:g} s reached ({wall:.1f} s elapsed)"
        return None

    def check(self) -> None:
        """Raise BudgetExceeded if any limit is reached; call before each model call."""
        why = self.exceeded()
        if why:
            raise BudgetExceeded(why + "; the run can be resumed with a larger budget")

    def snapshot(self) -> dict[str, float]:
        return {"tokens": self.tokens, "dollars": round(self.dollars, 6), "wall_s": round(self.wall_s, 3),
                "max_tokens": self.max_tokens, "max_dollars": self.max_dollars, "max_wall_s": self.max_wall_s}
