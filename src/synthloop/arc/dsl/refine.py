"""A DSL search state refined by a learned local rule (a search step composed with the cellular learner).

When a state has the output shapes but no colour map explains it, each output cell may still be a function of a
small neighbourhood / object signature of the state's cell: its colour plus one or a few features (neighbours,
neighbour count, enclosure, object size, ...). For each feature set (cheapest first) a lookup table is learned over
every training pair and kept only when it is

- consistent (no two cells with equal signatures want different colours),
- general: a table learned from all pairs but one predicts that pair exactly, for every pair but at most one
  (for every pair when there are only two), and
- covered: every test state's signatures were seen in the demos (no guessing for unseen cases).

Colour features may be raw colours ("colours") or roles relative to the cell (background / own colour / other),
where each signature names a source (the own colour, a neighbour's colour or a constant) rather than a colour.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from synthloop.arc.dsl.specialists.cellular import _NB4, _NB8, _build, _codes, _sources
from synthloop.arc.dsl.specialists.features import FeatureMaps

# cheapest and most general first; the first set that passes is used
REFINE_SETS: tuple[tuple[str, ...], ...] = (
    ("colour", "n4count"),
    ("colour", "n8count"),
    ("colour", "enclosed"),
    ("colour", "c4_size"),
    ("colour", "c8_size"),
    ("colour", "c4_touches_border"),
    ("colour", "row_colour", "col_colour"),
    ("colour", "between_h", "between_v"),
    ("colour", *_NB4),
    ("colour", *_NB8),
    ("colour", "ray_n", "ray_s", "ray_e", "ray_w"),
    ("colour", "ray_nw", "ray_ne", "ray_sw", "ray_se"),
    ("colour", "c4_size_rank"),
    ("colour", "c8_size_rank"),
    ("colour", "c4_is_rectangle"),
    ("colour", "c8_holes"),
    ("colour", "c8_shape_count"),
    ("colour", "m8_n_colors"),
    ("colour", "m8_obj_colour"),
)
REFINE_COST = 3  # on top of the state's cost; plus one per feature beyond the first


@dataclass(frozen=True)
class Refinement:
    """A learned table: output colour of a cell from the features `names` of the state's cell."""

    names: tuple[str, ...]
    abstract: bool
    table: object

    @property
    def name(self) -> str:
        return f"local_rule({', '.join(self.names)}; key={'roles' if self.abstract else 'colours'})"

    @property
    def phrase(self) -> str:
        return f"recolour each cell by a table over its ({', '.join(self.names)}) learned from the examples"

    @property
    def cost(self) -> int:
        return REFINE_COST + len(self.names) - 2

    def apply(self, g: np.ndarray) -> np.ndarray | None:
        """The table applied to g; None when a cell's signature is unseen."""
        m = FeatureMaps(g)
        vals, hit = self.table.lookup(_codes(m, self.names, self.abstract), _sources(m, self.names))  # type: ignore[attr-defined]
        if not hit.all() or (vals > 9).any():
            return None
        return vals.reshape(m.g.shape).astype(np.int8)


def _loo_ok(abstract: bool, codes: list[np.ndarray], srcs: list[np.ndarray], outs: list[np.ndarray]) -> bool:
    n = len(codes)
    allowed_misses = 1 if n >= 3 else 0
    misses = 0
    for k in range(n):
        others = [j for j in range(n) if j != k]
        t = _build(abstract, [codes[j] for j in others], [srcs[j] for j in others], [outs[j] for j in others])
        ok = t.consistent
        if ok:
            pred, hit = t.lookup(codes[k], srcs[k])
            ok = bool(hit.all()) and bool(np.array_equal(pred, outs[k]))
        misses += not ok
        if misses > allowed_misses:
            return False
    return True


def learn_refinement(grids: Sequence[np.ndarray], outputs: Sequence[np.ndarray],
                     test_states: Callable[[], list[np.ndarray | None]],
                     sets: Sequence[tuple[str, ...]] = REFINE_SETS) -> tuple[Refinement, list[np.ndarray]] | None:
    """The first feature-set table that is consistent, general and covers the test states, with its predictions.

    `grids` are the state's grids (same shapes as `outputs`); `test_states` computes the state on the test inputs
    (called at most once, only after some table is consistent). None when no set passes or a test state is None.
    """
    if len(grids) < 2 or any(g.shape != o.shape for g, o in zip(grids, outputs, strict=True)):
        return None
    maps = [FeatureMaps(g) for g in grids]
    outs = [np.asarray(o, dtype=np.int64).ravel() for o in outputs]
    tests: list[FeatureMaps] | None = None
    for names in sets:
        for abstract in (True, False):
            codes = [_codes(m, names, abstract) for m in maps]
            srcs = [_sources(m, names) for m in maps]
            table = _build(abstract, codes, srcs, outs)
            if not table.consistent or not _loo_ok(abstract, codes, srcs, outs):
                continue
            if tests is None:
                states = test_states()
                if any(s is None for s in states):
                    return None
                tests = [FeatureMaps(s) for s in states]  # type: ignore[arg-type]
            ref = Refinement(names, abstract, table)
            preds = [ref.apply(m.g) for m in tests]
            if all(p is not None for p in preds):
                return ref, preds  # type: ignore[return-value]
    return None
