"""Fitness: the percentile bootstrap CI of the mean, checked against a direct computation."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from synthloop.meta_search.stats import Fitness, bootstrap_ci, per_item_scores


def exact_bootstrap_means(scores: list[float]) -> np.ndarray:
    """Every one of the n**n equally likely resamples (with replacement) and its mean."""
    n = len(scores)
    return np.array([sum(scores[i] for i in idx) / n for idx in itertools.product(range(n), repeat=n)])


@pytest.mark.parametrize("scores", [[0.0, 0.5, 1.0, 1.0, 0.25], [1, 0, 0, 0, 1, 0], [0.1, 0.9, 0.4, 0.7]])
def test_ci_matches_the_exact_bootstrap_distribution(scores):
    exact = exact_bootstrap_means([float(s) for s in scores])
    f = bootstrap_ci(scores, samples=100_000, seed=1)
    # the percentile definition, directly: about 2.5 % of the exact distribution lies below `low`,
    # about 2.5 % above `high` (a few resampling atoms of slack for the Monte Carlo estimate)
    slack = 0.012
    assert np.mean(exact < f.low - 1e-12) <= 0.025 + slack
    assert np.mean(exact <= f.low + 1e-12) >= 0.025 - slack
    assert np.mean(exact > f.high + 1e-12) <= 0.025 + slack
    assert np.mean(exact >= f.high - 1e-12) >= 0.025 - slack
    assert f.mean == pytest.approx(float(np.mean(scores)))
    lo, hi = np.percentile(exact, [2.5, 97.5])
    step = 1.0 / len(scores) * (max(scores) - min(scores))  # the spacing of resample means is at most this
    assert abs(f.low - lo) <= step + 1e-9 and abs(f.high - hi) <= step + 1e-9


def test_ci_is_deterministic_and_sane():
    a = bootstrap_ci([1, 0, 1, 1, 0, 0, 1, 0, 1, 1])
    assert a == bootstrap_ci([1, 0, 1, 1, 0, 0, 1, 0, 1, 1])
    assert 0.0 <= a.low <= a.mean <= a.high <= 1.0
    assert bootstrap_ci([1.0] * 7).low == 1.0 and bootstrap_ci([0.0] * 7).high == 0.0
    assert bootstrap_ci([]).n_items == 0
    assert "95% CI" in str(a)
    assert Fitness.from_json(a.to_json()) == Fitness(**{k: round(v, 6) if isinstance(v, float) else v
                                                        for k, v in a.__dict__.items()})


def test_repeats_are_averaged_per_item_before_resampling():
    ids, scores = per_item_scores(["a", "b", "a", "b", "c", "c"], [1, 0, 0, 0, 1, 1])
    assert ids == ["a", "b", "c"] and scores == [0.5, 0.0, 1.0]
    with pytest.raises(ValueError):
        per_item_scores(["a"], [1, 0])
