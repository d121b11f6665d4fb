"""Grid ops whose output size is a count taken from the grid: scale or tile it k times, k = its number of colours,
coloured cells or objects. Offered to the search only when the demos' output sizes follow that count (see
`sizerules`): these sizes change from input to input, so no fixed-ratio op reaches them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from synthloop.arc.dsl.primitives import GridOp
from synthloop.arc.dsl.sizerules import COUNTERS, MAX_SIDE, STATIC_RULES, _apply


def _by_count(count: Callable[[np.ndarray], int], how: str) -> Callable[[np.ndarray], np.ndarray | None]:
    def f(g: np.ndarray) -> np.ndarray | None:
        k = count(g)
        if k < 1 or k * max(g.shape) > MAX_SIDE:
            return None
        if how == "scale":  # np.kron(g, np.ones((k, k), g.dtype)), by repeating rows then columns (cheaper)
            return np.repeat(np.repeat(g, k, axis=0), k, axis=1)
        return np.tile(g, (k, k))

    return f


COUNT_MEMO_SIZE = 4096  # grids whose count is kept per counter (shared by its scale and tile ops; bounds the memory)


def _shared_count(count: Callable[[np.ndarray], int]) -> Callable[[np.ndarray], int]:
    """`count`, each grid's value computed once for the ops that share this function (at most COUNT_MEMO_SIZE
    grids kept)."""
    memo: dict[tuple, int] = {}

    def f(g: np.ndarray) -> int:
        key = (g.shape, g.dtype.str, g.tobytes())
        k = memo.get(key)
        if k is None:
            k = count(g)
            if len(memo) < COUNT_MEMO_SIZE:
                memo[key] = k
        return k

    return f


def count_ops(inputs: Sequence[np.ndarray], outputs: Sequence[np.ndarray]) -> list[GridOp]:
    """Scale-by-count and tile-by-count ops for the counts that give every demo output's size."""
    # the names of `fit_size_rules`' rules among the scale_by_* ones (each rule fits on its own: only those are tried)
    pairs = [(np.asarray(i), np.asarray(o)) for i, o in zip(inputs, outputs, strict=True)]
    fitted = {r.name for r in STATIC_RULES if r.name.startswith("scale_by_") and pairs
              and all(_apply(r, i) == o.shape for i, o in pairs)}
    ops = []
    for name, phrase, count in COUNTERS:
        if f"scale_by_{name}" not in fitted:
            continue
        shared = _shared_count(count)
        ops.append(GridOp(f"upscale_by({name})", _by_count(shared, "scale"), 1, f"scale it up by {phrase}"))
        ops.append(GridOp(f"tile_by({name})", _by_count(shared, "tile"), 1, f"tile it as many times as {phrase}"))
    return ops
