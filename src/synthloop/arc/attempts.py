"""Choose the (at most) two attempts per test input from many candidates.

Ranking (icecuber's lesson): more training pairs explained first, then the smaller program, then source order.
Per test input, the two best *distinct* predictions are kept (equal grids are deduplicated by `grid_key`).
A candidate that explains no training pair only fills a slot that no better candidate can fill.
"""

from __future__ import annotations

from collections.abc import Sequence

from .grid import Candidate, Grid, grid_key

MAX_ATTEMPTS = 2


def rank_candidates(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Best first: most train pairs correct, then smallest program, then original order (stable)."""
    order = sorted(range(len(candidates)), key=lambda i: (-candidates[i].train_correct, candidates[i].size, i))
    return [candidates[i] for i in order]


def pick_attempts(candidates: Sequence[Candidate], n_test: int, max_attempts: int = MAX_ATTEMPTS) -> list[list[Grid]]:
    """For each of `n_test` test inputs, up to `max_attempts` distinct grids, best first (may be empty)."""
    return [[c.predictions[i] for c in chosen] for i, chosen in enumerate(pick_with_sources(candidates, n_test, max_attempts))]


def pick_with_sources(
    candidates: Sequence[Candidate], n_test: int, max_attempts: int = MAX_ATTEMPTS
) -> list[list[Candidate]]:
    """Like `pick_attempts`, but returns the candidate behind each attempt (attempt grid = c.predictions[i])."""
    ranked = rank_candidates(candidates)
    explaining = [c for c in ranked if c.train_correct > 0]
    fallback = [c for c in ranked if c.train_correct <= 0]
    out: list[list[Candidate]] = []
    for i in range(n_test):
        chosen: list[Candidate] = []
        seen: set[bytes] = set()
        for pool in (explaining, fallback):
            for c in pool:
                if len(chosen) >= max_attempts:
                    break
                pred = c.predictions[i] if i < len(c.predictions) else None
                if pred is None:
                    continue
                key = grid_key(pred)
                if key in seen:
                    continue
                seen.add(key)
                chosen.append(c)
        out.append(chosen)
    return out


def best_candidate(candidates: Sequence[Candidate]) -> Candidate | None:
    """The top-ranked candidate (the "winning program" reported for a task), or None."""
    ranked = rank_candidates(candidates)
    return ranked[0] if ranked else None
