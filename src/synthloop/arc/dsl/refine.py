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
When no table passes, the state may still be one short list of precise rules away from the output (the cellular
`rule_list`: "if <feature condition> then <colour / that colour>", first rule wins, other cells keep theirs): each
rule must be right on every cell where it fires and change cells in at least two demos; together they must fix
every wrong cell.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from synthloop.arc.dsl.specialists.cellular import (
    _NB4,
    _NB8,
    _build,
    _codes,
    _describe_rule,
    _is_colour_feature,
    _rule_candidates,
    _rule_fn,
)
from synthloop.arc.dsl.specialists.common import Timeout
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
RULES_MAX = 3  # a rule list refinement: at most this many rules ...
RULES_MAX_CHANGED = 0.5  # ... for a state where at most this share of the cells must change
RULES_BUDGET_S = 1.0  # wall seconds per state at most for finding the rules (typically 0.05 CPU-s; a loaded machine)


_CONSTANTS = np.arange(10, dtype=np.int64)[:, None]
_CONSTANTS.flags.writeable = False


def _sources(maps: FeatureMaps, names: tuple[str, ...]) -> np.ndarray:
    """(n_sources, n_cells): the colour-valued features of the set (own colour first), then constants 0..9."""
    rows = [maps["colour"].ravel()]
    rows += [maps[n].ravel() for n in names if n != "colour" and _is_colour_feature(n)]
    return np.concatenate([np.stack(rows), np.repeat(_CONSTANTS, maps.g.size, axis=1)])


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


@dataclass(frozen=True, eq=False)
class RuleRefinement:
    """A short list of precise rules 'feature condition -> colour' (cellular.rule_list); other cells keep theirs."""

    rules: tuple[tuple, ...]

    @property
    def text(self) -> str:
        return "; ".join(_describe_rule(*r[:5]) for r in self.rules)

    @property
    def name(self) -> str:
        return f"rules({self.text})"

    @property
    def phrase(self) -> str:
        return f"change cells by these rules learned from the examples, leave the rest: {self.text}"

    @property
    def cost(self) -> int:
        return REFINE_COST + len(self.rules)

    def apply(self, g: np.ndarray) -> np.ndarray | None:
        out = _rule_fn(self.rules)(np.asarray(g))
        return None if (out > 9).any() or (out < 0).any() else out.astype(np.int8)


def _demos_of(cover: np.ndarray, starts: np.ndarray) -> int:
    return len(np.unique(np.searchsorted(starts, cover, side="right") - 1))


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


class _Learner:
    """Tries tables over feature sets, then a rule list, on one state; fetches the test states at most once."""

    def __init__(self, grids: Sequence[np.ndarray], outputs: Sequence[np.ndarray],
                 test_states: Callable[[], list[np.ndarray | None]]) -> None:
        self.maps = [FeatureMaps(g) for g in grids]
        self.outs = [np.asarray(o, dtype=np.int64).ravel() for o in outputs]
        self.test_states = test_states
        self.tests: list[FeatureMaps] | None = None
        self.no_tests = False

    def _inputs(self, names: tuple[str, ...], abstract: bool) -> tuple[list[np.ndarray], list[np.ndarray]]:
        codes = [_codes(m, names, abstract) for m in self.maps]
        # a colour table falls back on the cell's own colour only; a source table picks among all sources
        srcs = [_sources(m, names) if abstract else m.g.reshape(1, -1) for m in self.maps]
        return codes, srcs

    def attempt(self, names: tuple[str, ...], abstract: bool) -> tuple[Refinement, list[np.ndarray]] | None:
        codes, srcs = self._inputs(names, abstract)
        table = _build(abstract, codes, srcs, self.outs)
        if not table.consistent or not _loo_ok(abstract, codes, srcs, self.outs):
            return None
        if self.tests is None:
            states = self.test_states()
            if any(s is None for s in states):
                self.no_tests = True
                return None
            self.tests = [FeatureMaps(s) for s in states]  # type: ignore[arg-type]
        ref = Refinement(names, abstract, table)
        preds = [ref.apply(m.g) for m in self.tests]
        if all(p is not None for p in preds):
            return ref, preds  # type: ignore[return-value]
        return None

    def rules(self, budget_s: float) -> tuple[RuleRefinement, list[np.ndarray]] | None:
        """Greedy precise rules covering every changed cell, each rule seen changing cells in two or more demos."""
        changed = np.concatenate([m.g.ravel() != o for m, o in zip(self.maps, self.outs, strict=True)])
        if not changed.any() or changed.mean() > RULES_MAX_CHANGED:
            return None
        try:
            rules = _rule_candidates(self.maps, self.outs, changed, time.monotonic() + budget_s)
        except Timeout:
            return None
        starts = np.cumsum([0] + [o.size for o in self.outs])
        rules = [r for r in rules if _demos_of(r[5], starts) >= 2]  # a rule made up for one demo is no evidence
        chosen, left = [], changed.copy()
        while left.any() and len(chosen) < RULES_MAX:
            best = max(rules, key=lambda r: int(left[r[5]].sum()), default=None)
            if best is None or not left[best[5]].any():
                return None
            chosen.append(best)
            left[best[5]] = False
        if left.any():
            return None
        states = self.test_states() if self.tests is None else [m.g for m in self.tests]
        if any(t is None for t in states):
            return None
        ref = RuleRefinement(tuple(chosen))
        preds = [ref.apply(t) for t in states]  # type: ignore[arg-type]
        return (ref, preds) if all(p is not None for p in preds) else None  # type: ignore[return-value]


def learn_refinement(grids: Sequence[np.ndarray], outputs: Sequence[np.ndarray],
                     test_states: Callable[[], list[np.ndarray | None]],
                     sets: Sequence[tuple[str, ...]] = REFINE_SETS,
                     cpu_deadline: float | None = None, rules: bool = True,
                     ) -> tuple[Refinement | RuleRefinement, list[np.ndarray]] | None:
    """The first feature-set table that is consistent, general and covers the test states (else a rule list).

    `grids` are the state's grids (same shapes as `outputs`); `test_states` computes the state on the test inputs
    (called at most once, only after some table or rule list fits). None when nothing fits or a test state is None.
    With `rules`, when no table fits, a short list of precise rules is tried (for at most RULES_BUDGET_S seconds,
    and not once `cpu_deadline`, a time.process_time() value, is past).
    """
    if len(grids) < 2 or any(g.shape != o.shape for g, o in zip(grids, outputs, strict=True)):
        return None
    learner = _Learner(grids, outputs, test_states)
    for names in sets:
        for abstract in (True, False):
            found = learner.attempt(names, abstract)
            if found is not None or learner.no_tests:
                return found
    if rules and (cpu_deadline is None or time.process_time() < cpu_deadline):
        found_rules = learner.rules(RULES_BUDGET_S)
        if found_rules is not None or learner.no_tests:
            return found_rules
    return None
