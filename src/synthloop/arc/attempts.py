"""Choose the (at most) two attempts per test input from many candidates.

Ranking (icecuber's lesson): more training pairs explained first, then the plausibility penalty a solver may set in
`meta["rank_penalty"]` (see `plausibility_penalty`), then the smaller program, then source order.
Per test input, the two best *distinct* predictions are kept (equal grids are deduplicated by `grid_key`).
A candidate that explains no training pair only fills a slot that no better candidate can fill.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .grid import ArcTask, Candidate, Grid, grid_key

MAX_ATTEMPTS = 2


def plausibility_penalty(c: Candidate, task: ArcTask) -> int:
    """How implausible `c`'s test predictions look next to the demos: +2 per prediction that leaves its test input
    unchanged when every demo changes its input; +1 per prediction whose shape breaks the demos' shape rule (outputs
    the shape of the input, or all outputs one shape)."""
    pairs = [(np.asarray(i), np.asarray(o)) for i, o in task.train]
    identity_seen = any(i.shape == o.shape and np.array_equal(i, o) for i, o in pairs)
    same_shape = bool(pairs) and all(i.shape == o.shape for i, o in pairs)
    out_shapes = {o.shape for _, o in pairs}
    penalty = 0
    for pred, test_in in zip(c.predictions, task.test_inputs, strict=False):
        if pred is None:
            continue
        p, t = np.asarray(pred), np.asarray(test_in)
        if not identity_seen and p.shape == t.shape and np.array_equal(p, t):
            penalty += 2
        if same_shape and p.shape != t.shape:
            penalty += 1
        elif not same_shape and len(out_shapes) == 1 and p.shape not in out_shapes:
            penalty += 1
    return penalty


def _rank_key(c: Candidate, i: int) -> tuple:
    return (-c.train_correct, (c.meta or {}).get("rank_penalty", 0), c.size, i)


def rank_candidates(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Best first: most train pairs correct, then the plausibility penalty (meta "rank_penalty", 0 when unset), then
    smallest program, then original order (stable)."""
    order = sorted(range(len(candidates)), key=lambda i: _rank_key(candidates[i], i))
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
