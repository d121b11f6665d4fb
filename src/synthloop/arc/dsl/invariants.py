"""Invariants of a task: properties that every demo output has (alone, or next to its input).

A rule that explains the demos should keep, on the test input, the properties that held on *every* demo: when all
demos only add cells, a prediction that erases one is suspect; when every output uses only colours of its input
(plus the colours the demos add), a prediction with another colour cannot come from the rule the demos show; when
every output is left-right symmetric, so should the prediction be. `learn_invariants` keeps the checks that hold on
all demos (and say something: a check that every input already passes unchanged is no evidence of a rule), and
`broken_invariants` names those a prediction breaks. Output sizes are handled by `sizerules`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

Check = Callable[[np.ndarray, np.ndarray, int], bool]  # (input, output, background colour) -> holds


def background(g: np.ndarray) -> int:
    """The most common colour (ties: the smallest)."""
    return int(np.bincount(np.asarray(g, dtype=np.int64).ravel(), minlength=10).argmax())


def _palette(g: np.ndarray) -> set[int]:
    return set(np.unique(g).tolist())


def _keeps_shapes(i: np.ndarray, o: np.ndarray, bg: int) -> bool:
    """Every non-background input cell keeps its colour (the rule only adds)."""
    if i.shape != o.shape:
        return False
    fg = i != bg
    return bool(np.array_equal(i[fg], o[fg]))


def _keeps_background(i: np.ndarray, o: np.ndarray, bg: int) -> bool:
    """Every background input cell stays background (the rule only recolours or erases)."""
    if i.shape != o.shape:
        return False
    return bool((o[i == bg] == bg).all())


def _same_palette(i: np.ndarray, o: np.ndarray, _bg: int) -> bool:
    return _palette(i) == _palette(o)


def _palette_within(i: np.ndarray, o: np.ndarray, _bg: int) -> bool:
    return _palette(o) <= _palette(i)


def _same_histogram(i: np.ndarray, o: np.ndarray, _bg: int) -> bool:
    """The same number of cells of each colour (the rule moves or permutes, never paints)."""
    return bool(np.array_equal(np.bincount(i.ravel().astype(np.int64), minlength=10),
                               np.bincount(o.ravel().astype(np.int64), minlength=10)))


def _same_fg_count(i: np.ndarray, o: np.ndarray, bg: int) -> bool:
    return int((i != bg).sum()) == int((o != bg).sum())


def _sub_grid(i: np.ndarray, o: np.ndarray, _bg: int) -> bool:
    """The output appears unchanged somewhere in the input (the rule crops)."""
    (h, w), (H, W) = i.shape, o.shape
    if H > h or W > w or (H, W) == (h, w):
        return False
    win = np.lib.stride_tricks.sliding_window_view(i, (H, W))
    return bool((win == o).all(axis=(2, 3)).any())


def _sym_lr(_i: np.ndarray, o: np.ndarray, _bg: int) -> bool:
    return bool(np.array_equal(o, o[:, ::-1]))


def _sym_ud(_i: np.ndarray, o: np.ndarray, _bg: int) -> bool:
    return bool(np.array_equal(o, o[::-1]))


@dataclass(frozen=True)
class Invariant:
    """A property of (input, output) pairs. `informative`: only kept when some demo input fails it alone
    (checked as (input, input)); a property every input already has says nothing about the rule."""

    name: str
    phrase: str
    check: Check
    weight: float = 1.0
    informative: bool = False


INVARIANTS: tuple[Invariant, ...] = (
    Invariant("keeps_shapes", "keeps every coloured input cell", _keeps_shapes),
    Invariant("keeps_background", "leaves the background as it is", _keeps_background),
    Invariant("same_palette", "uses exactly the colours of its input", _same_palette, 0.5),
    Invariant("palette_within", "uses only colours of its input", _palette_within),
    Invariant("same_histogram", "has as many cells of each colour as its input", _same_histogram),
    Invariant("same_fg_count", "has as many coloured cells as its input", _same_fg_count, 0.5),
    Invariant("sub_grid", "is a piece of its input", _sub_grid),
    Invariant("sym_lr", "is left-right symmetric", _sym_lr, informative=True),
    Invariant("sym_ud", "is top-bottom symmetric", _sym_ud, informative=True),
)


@dataclass(frozen=True)
class TaskInvariants:
    """What every demo shows: the invariants that hold on all demos, and the colours the demos add."""

    bg: int  # the background: the most common colour of the demo inputs together
    invariants: tuple[Invariant, ...]
    added_colours: frozenset[int]  # colours of some output that its input lacks
    n_colours: int | None  # the number of colours every output has, when they all agree

    def broken(self, test_in: np.ndarray, pred: np.ndarray) -> list[tuple[str, float]]:
        """(name, weight) of each invariant the prediction breaks."""
        t, p = np.asarray(test_in), np.asarray(pred)
        out = [(inv.name, inv.weight) for inv in self.invariants if not _safe(inv.check, t, p, self.bg)]
        if not _palette(p) <= _palette(t) | self.added_colours and not any(n == "palette_within" for n, _ in out):
            out.append(("unseen_colour", 1.0))
        if self.n_colours is not None and len(_palette(p)) != self.n_colours:
            out.append(("n_colours", 0.5))
        return out


def _safe(check: Check, i: np.ndarray, o: np.ndarray, bg: int) -> bool:
    try:
        return bool(check(i, o, bg))
    except (ValueError, IndexError):
        return False


def learn_invariants(train: Sequence[tuple[np.ndarray, np.ndarray]]) -> TaskInvariants:
    """The invariants that hold on every demo (and the colours the demos add)."""
    pairs = [(np.asarray(i), np.asarray(o)) for i, o in train]
    bg = background(np.concatenate([i.ravel() for i, _ in pairs])) if pairs else 0
    kept = []
    for inv in INVARIANTS:
        if not pairs or not all(_safe(inv.check, i, o, bg) for i, o in pairs):
            continue
        if inv.informative and all(_safe(inv.check, i, i, bg) for i, _ in pairs):
            continue
        kept.append(inv)
    added: set[int] = set()
    for i, o in pairs:
        added |= _palette(o) - _palette(i)
    counts = {len(_palette(o)) for _, o in pairs}
    n_col = counts.pop() if len(counts) == 1 and len(pairs) >= 2 else None
    return TaskInvariants(bg, tuple(kept), frozenset(added), n_col)


def broken_invariants(train: Sequence[tuple[np.ndarray, np.ndarray]], test_in: np.ndarray,
                      pred: np.ndarray) -> list[str]:
    """The names of the demo invariants that `pred` (the answer for `test_in`) breaks."""
    return [name for name, _ in learn_invariants(train).broken(test_in, pred)]
