"""Fitness: the percentile-bootstrap 95 % confidence interval of the mean per-item score.

Resampling is over items (repeats of one item are averaged first, so they never count as independent items),
with a fixed seed so the same scores always give the same interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

DEFAULT_SAMPLES = 2000
DEFAULT_SEED = 0


@dataclass(frozen=True)
class Fitness:
    """Mean per-item score with its bootstrap confidence interval (all fractions in [0, 1])."""

    mean: float
    low: float
    high: float
    median: float
    n_items: int
    confidence: float = 0.95

    def __str__(self) -> str:
        return (f"{100 * self.mean:.1f}% (95% CI {100 * self.low:.1f}%–{100 * self.high:.1f}%, "
                f"n={self.n_items})")

    def to_json(self) -> dict[str, float | int]:
        return {k: (round(v, 6) if isinstance(v, float) else v) for k, v in asdict(self).items()}

    @classmethod
    def from_json(cls, data: dict[str, float | int]) -> Fitness:
        return cls(mean=float(data["mean"]), low=float(data["low"]), high=float(data["high"]),
                   median=float(data["median"]), n_items=int(data["n_items"]),
                   confidence=float(data.get("confidence", 0.95)))


def bootstrap_means(scores: Sequence[float], samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED) -> np.ndarray:
    """`samples` bootstrap means: each draws len(scores) items with replacement (uniform indices from a
    numpy Generator seeded with `seed`) and averages them."""
    x = np.asarray(scores, dtype=np.float64)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(x), size=(samples, len(x)))
    return x[idx].mean(axis=1)


def bootstrap_ci(scores: Sequence[float], samples: int = DEFAULT_SAMPLES, confidence: float = 0.95,
                 seed: int = DEFAULT_SEED) -> Fitness:
    """Percentile bootstrap CI of the mean of `scores` (one score per item, each in [0, 1])."""
    if not 0 < confidence < 1:
        raise ValueError("confidence must be in (0, 1)")
    if samples <= 0:
        raise ValueError("samples must be positive")
    if len(scores) == 0:
        return Fitness(0.0, 0.0, 0.0, 0.0, 0, confidence)
    means = bootstrap_means(scores, samples, seed)
    alpha = (1.0 - confidence) / 2.0
    low, median, high = np.percentile(means, [100 * alpha, 50.0, 100 * (1 - alpha)])
    return Fitness(mean=float(np.mean(scores)), low=float(low), high=float(high), median=float(median),
                   n_items=len(scores), confidence=confidence)


def per_item_scores(item_ids: Sequence[str], scores: Sequence[float]) -> tuple[list[str], list[float]]:
    """Average repeated evaluations of the same item: (ids in first-seen order, mean score per id)."""
    sums: dict[str, float] = {}
    counts: dict[str, int] = {}
    for i, s in zip(item_ids, scores, strict=True):
        sums[i] = sums.get(i, 0.0) + float(s)
        counts[i] = counts.get(i, 0) + 1
    ids = list(sums)
    return ids, [sums[i] / counts[i] for i in ids]
