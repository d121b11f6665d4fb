"""The symbolic proposer: learned specialists (in the task's own frame, then in rotated / mirrored / colour-ranked
frames when that found nothing strong), then the DSL state search, as one Solver."""

from __future__ import annotations

import time
from collections.abc import Callable

from synthloop.arc.attempts import plausibility_penalty
from synthloop.arc.dsl.describe import describe_program
from synthloop.arc.dsl.frames import FRAME_RANK_PENALTY, is_memorising, is_strong, run_frames
from synthloop.arc.dsl.generalise import MEMORISING_PENALTY, Generalisation, diversify
from synthloop.arc.dsl.search import SearchStats, Solution, solve_task
from synthloop.arc.dsl.specialists.common import Timeout
from synthloop.arc.grid import ArcTask, Candidate, as_grid

Specialist = Callable[[ArcTask, float], list[Candidate]]

SECOND_OPINION_SHARE = 0.2  # of the search budget (for a second attempt), when a strong specialist explains every demo
# (0.5 changed nothing on training — 234 vs 233 solved — at 20 % more CPU per test input)
FRAME_CPU_SHARE = 0.15  # of cpu_limit_s, for the specialists in other frames (taken from the search's budget)

__all__ = ["SymbolicSolver", "is_memorising", "search_share", "solution_to_candidate"]


def search_share(cands: list[Candidate], n_test: int) -> float:
    """How much of its budget the DSL search still gets, given the specialists' candidates.

    0 when strong (non-memorising) candidates that explain every demo already give two distinct attempts for every
    test input; a small share for a second opinion when they give one; all of it when only memorising rules (or
    nothing) explain the demos.
    """
    strong = [c for c in cands if is_strong(c)]
    if not strong:
        return 1.0
    distinct = min((len({(p.shape, p.tobytes()) for c in strong if i < len(c.predictions)
                         and (p := c.predictions[i]) is not None}) for i in range(n_test)), default=0)
    if distinct >= 2:
        return 0.0
    return SECOND_OPINION_SHARE if distinct == 1 else 1.0


def _load_specialists() -> list[Specialist]:
    try:
        from synthloop.arc.dsl.specialists import SPECIALISTS
    except ImportError:
        return []
    return list(SPECIALISTS)


def solution_to_candidate(sol: Solution) -> Candidate:
    """A search Solution as a Candidate with its program text and English description."""
    preds = [None if p is None else as_grid(p) for p in sol.predictions]
    return Candidate(
        program=sol.program,
        description=describe_program(sol.phrases, sol.colour_map, sol.frame),
        predictions=preds,
        train_correct=sol.train_correct,
        train_total=sol.train_total,
        size=max(1, sol.cost),
        source="symbolic",
        meta={"kind": "dsl-search", "depth": len(sol.steps), "parts": len(sol.parts),
              "single_demo_entries": sol.single_demo_entries},
    )


class SymbolicSolver:
    """Specialists (each guarded, a share of the time; retried in other frames while none is strong) followed by the
    DSL search with the time left.

    `specialists` replaces the registry (tests, ablations). `time_limit_s` caps the wall time spent per task; the caller's deadline caps it further. `cpu_limit_s`
    (optional) also caps the CPU seconds of the frames and the search, which makes results independent of machine load.
    `use_frames` turns the specialists' frames off (ablations).
    """

    name = "symbolic"

    def __init__(self, time_limit_s: float = 20.0, *, specialist_share: float = 0.3, max_depth: int = 3,
                 use_specialists: bool = True, cpu_limit_s: float | None = None,
                 specialists: list[Specialist] | None = None, use_frames: bool = True):
        if time_limit_s <= 0:
            raise ValueError("time_limit_s must be positive")
        self.time_limit_s = time_limit_s
        self.specialist_share = specialist_share
        self.max_depth = max_depth
        self.use_specialists = use_specialists
        self.cpu_limit_s = cpu_limit_s
        self.specialists = specialists  # None: the registry in synthloop.arc.dsl.specialists
        self.use_frames = use_frames
        self.last_stats: SearchStats | None = None
        self.errors: list[str] = []

    def solve(self, task: ArcTask, deadline: float) -> list[Candidate]:
        """Candidates, each with meta["rank_penalty"] for the attempt ranking: `plausibility_penalty`, plus the
        weights of the demo properties its test predictions break (`Generalisation`), plus a small penalty for a
        frame; then `diversify` lets another family of programs take the second attempt. A memorising lookup table
        (`is_memorising`) whose prediction breaks a demo property is dropped."""
        gen = Generalisation(task)
        cands, kept = self._solve(task, deadline, gen), []
        for c in cands:
            if c.train_correct > 0:  # Occam: a candidate from another frame ranks below one from the task's own frame
                framed = FRAME_RANK_PENALTY if (c.meta or {}).get("frame") else 0
                penalty = plausibility_penalty(c, task) + gen.penalty(c)
                if is_memorising(c) and penalty > MEMORISING_PENALTY:
                    continue  # a memorised table whose answer breaks what every demo shows: no hypothesis at all
                c.meta = {**(c.meta or {}), "rank_penalty": penalty + framed}
            kept.append(c)
        diversify(kept)
        return kept

    def _solve(self, task: ArcTask, deadline: float, gen: Generalisation) -> list[Candidate]:
        start, cpu0 = time.monotonic(), time.process_time()
        deadline = min(deadline, start + self.time_limit_s)
        cands: list[Candidate] = []
        self.errors = []
        if self.use_specialists:
            spec_deadline = start + (deadline - start) * self.specialist_share
            specs = self.specialists if self.specialists is not None else _load_specialists()
            for spec in specs:
                if time.monotonic() >= spec_deadline:
                    break
                try:
                    cands.extend(spec(task, spec_deadline))
                except Timeout:  # its deadline passed: nothing found, not an error
                    continue
                except Exception as e:  # one bad specialist must never kill the task
                    self.errors.append(f"{getattr(spec, '__name__', spec)}: {type(e).__name__}: {e}")
            if self.use_frames and not any(is_strong(c) for c in cands):
                cpu_end = None if self.cpu_limit_s is None else time.process_time() + self.cpu_limit_s * FRAME_CPU_SHARE
                cands.extend(run_frames(specs, task, spec_deadline, cpu_deadline=cpu_end, errors=self.errors))
        # only candidates in the task's own frame may cut the search short: a rule seen in another frame is less sure
        # nor may one whose test predictions break what every demo shows
        share = search_share([c for c in cands if not (c.meta or {}).get("frame") and gen.penalty(c) == 0],
                             len(task.test_inputs))
        if (any(c.solves_train for c in cands) and time.monotonic() >= deadline) or share <= 0:
            return cands
        stats = SearchStats()
        self.last_stats = stats
        now = time.monotonic()
        if now < deadline:
            deadline = now + (deadline - now) * share
            cpu_left = None if self.cpu_limit_s is None else max(0.05, self.cpu_limit_s - (time.process_time() - cpu0))
            if cpu_left is not None:
                cpu_left *= share
            sols = solve_task(task.train, task.test_inputs, deadline, max_depth=self.max_depth, stats=stats,
                              cpu_limit_s=cpu_left)
            cands.extend(solution_to_candidate(s) for s in sols)
        return cands
