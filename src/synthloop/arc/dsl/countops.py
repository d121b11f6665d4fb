"""Grid ops whose output size is a count taken from the grid: scale or tile it k times, k = its number of colours,
coloured cells or objects. Offered to the search only when the demos' output sizes follow that count (see
`sizerules`): these sizes change from input to input, so no fixed-ratio op reaches them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from synthloop.arc.dsl.primitives import GridOp
from synthloop.arc.dsl.sizerules import COUNTERS, MAX_SIDE, fit_size_rules


def _by_count(count: Callable[[np.ndarray], int], how: str) -> Callable[[np.ndarray], np.ndarray | None]:
    def f(g: np.ndarray) -> np.ndarray | None:
        k = count(g)
        if k < 1 or k * max(g.shape) > MAX_SIDE:
            return None
        if how == "scale":
            return np.kron(g, np.ones((k, k), dtype=g.dtype))
        return np.tile(g, (k, k))

    return f


def count_ops(inputs: Sequence[np.ndarray], outputs: Sequence[np.ndarray]) -> list[GridOp]:
    """Scale-by-count and tile-by-count ops for the counts that give every demo output's size."""
    fitted = {r.name for r in fit_size_rules(list(zip(inputs, outputs, strict=True)))}
    ops = []
    for name, phrase, count in COUNTERS:
        if f"scale_by_{name}" not in fitted:
            continue
        ops.append(GridOp(f"upscale_by({name})", _by_count(count, "scale"), 1, f"scale it up by {phrase}"))
        ops.append(GridOp(f"tile_by({name})", _by_count(count, "tile"), 1, f"tile it as many times as {phrase}"))
    return ops
