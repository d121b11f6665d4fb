"""Learning helpers shared by the specialist families: what the demos change, which colours they share, tables
narrowed over demos, and the "first verified hypothesis wins" loop that turns hypotheses into a Candidate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import GridFn, Timeout, make_candidate, same_shapes, solves_all
from synthloop.arc.grid import ArcTask, Candidate


@dataclass(frozen=True)
class Hypothesis:
    """One candidate grid function with the text that describes it."""

    fn: GridFn
    program: str
    description: str
    size: int


def first_solution(task: ArcTask, family: str, hypotheses: Iterable[Hypothesis]) -> list[Candidate]:
    """The first hypothesis that reproduces every train pair (and predicts a test input), as a one-item list;
    [] when none does or the hypotheses raise Timeout (deadline checks live in the generator)."""
    try:
        for h in hypotheses:
            if not solves_all(task, h.fn):
                continue
            c = make_candidate(task, h.fn, family=family, program=h.program, description=h.description,
                               size=h.size)
            if c is not None:
                return [c]
    except Timeout:
        pass
    return []


def common_colours(grids: Iterable[np.ndarray]) -> set[int]:
    """The colours present in every one of `grids`."""
    return set.intersection(*[{int(v) for v in np.unique(g)} for g in grids])


def shared_input_colours(task: ArcTask) -> set[int]:
    """Colours in every train input, less the first input's background."""
    return common_colours(i for i, _ in task.train) - {O.background_color(np.asarray(task.train[0][0]))}


def task_background(task: ArcTask) -> int | None:
    """The task's background learned from its demos rather than guessed grid by grid (which favours 0): the colour
    with the most cells over all demo inputs among those present in every demo input; None when no colour is."""
    if not task.train:
        return None
    shared = common_colours(np.asarray(i) for i, _ in task.train)
    if not shared:
        return None
    counts = sum(np.bincount(np.asarray(i, dtype=np.int64).ravel(), minlength=10) for i, _ in task.train)
    return max(sorted(shared), key=lambda c: int(counts[c]))


def paints_background_only(task: ArcTask) -> bool:
    """Same-shape demos, at least one changes, and every changed cell was background in its input."""
    if not task.train or not same_shapes(task):
        return False
    if all(np.array_equal(i, o) for i, o in task.train):
        return False
    for i, o in task.train:
        i, o = np.asarray(i), np.asarray(o)
        if np.any(i[i != o] != O.background_color(i)):
            return False
    return True


def single_background_paint(task: ArcTask) -> int | None:
    """The one colour every demo paints onto background cells (each demo changes something, only background
    cells); None otherwise."""
    if not task.train or not same_shapes(task):
        return None
    paints: set[int] = set()
    for i, o in task.train:
        i, o = np.asarray(i), np.asarray(o)
        d = i != o
        if not d.any() or np.any(i[d] != O.background_color(i)):
            return None
        paints |= set(np.unique(o[d]).tolist())
    return paints.pop() if len(paints) == 1 else None


def single_changed_colour(task: ArcTask, side: Literal["input", "output"]) -> int | None:
    """The one colour the changed cells show over all same-shape demos, in the inputs or in the outputs (None when
    several, no change or a demo changes shape)."""
    if not task.train or not same_shapes(task):
        return None
    seen: set[int] = set()
    for i, o in task.train:
        i, o = np.asarray(i), np.asarray(o)
        seen |= set(np.unique((i if side == "input" else o)[i != o]).tolist())
    return seen.pop() if len(seen) == 1 else None


def along(axis: str, row_fn: Callable[[np.ndarray], np.ndarray | None]) -> GridFn:
    """`row_fn` applied to the rows (axis "rows"), or to the columns by transposing in and out."""
    if axis == "rows":
        return lambda g: row_fn(np.asarray(g))
    return lambda g: (lambda t: None if t is None else t.T)(row_fn(np.asarray(g).T))


def narrow_tables(allowed: dict[str, dict], bad: set[str], features: dict[str, list],
                  targets: Sequence[set]) -> None:
    """Intersect, per feature, the table value -> allowed targets with one demo's items (in place); a feature
    whose table becomes contradictory joins `bad`."""
    for name, vals in features.items():
        if name in bad:
            continue
        table = allowed.setdefault(name, {})
        for v, t in zip(vals, targets, strict=True):
            new = t if v not in table else table[v] & t
            if not new:
                bad.add(name)
                break
            table[v] = new


def paint_by_table(g: np.ndarray, objs: Sequence[O.Object], values: Sequence, table: dict, keep: object) -> np.ndarray | None:
    """`g` with each object painted the colour its property value maps to (`keep` leaves it); None when a value is
    missing from the table."""
    out = g.copy()
    for ob, v in zip(objs, values, strict=True):
        t = table.get(v)
        if t is None:
            return None
        if t != keep:
            out[ob.rows, ob.cols] = t
    return out
