"""Contact recolouring: wherever a cell of colour A touches (4- or 8-adjacent) a cell of colour B, it becomes
colour X ("where a green touches a red, the green turns azure and the red is erased"); every other cell keeps its
colour. Learned: the connectivity and a few (A, B) -> X rules, each true of every A cell touching a B in every demo.
All rules read the input, so a pair of touching cells can change together.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.common import make_candidate, same_shapes
from synthloop.arc.grid import ArcTask, Candidate

_MAX_RULES = 4
Rule = tuple[int, int, int]  # (own colour A, touched colour B, new colour X)


def _touching(g: np.ndarray, conn: int) -> np.ndarray:
    """(10, h, w) bool: cell touches (is conn-adjacent to) a cell of colour c, for each colour c."""
    h, w = g.shape
    pad = np.full((h + 2, w + 2), -1, dtype=np.int64)
    pad[1:-1, 1:-1] = g
    steps = [(-1, 0), (1, 0), (0, -1), (0, 1)] + ([(-1, -1), (-1, 1), (1, -1), (1, 1)] if conn == 8 else [])
    out = np.zeros((10, h, w), dtype=bool)
    for dr, dc in steps:
        nb = pad[1 + dr:h + 1 + dr, 1 + dc:w + 1 + dc]
        for c in np.unique(nb):
            if c >= 0:
                out[c] |= nb == c
    return out


def _apply(g: np.ndarray, rules: list[Rule], conn: int) -> np.ndarray:
    g = np.asarray(g)
    touch = _touching(g, conn)
    out = g.copy()
    for a, b, x in rules:
        out[(g == a) & touch[b]] = x
    return out


def _learn(task: ArcTask, conn: int) -> list[Rule] | None:
    """The fewest consistent (A, B) -> X rules that explain every changed cell (greedy cover), or None."""
    data = [(np.asarray(i), np.asarray(o), _touching(np.asarray(i), conn)) for i, o in task.train]
    pairs = {(int(a), int(x)) for i, o, _ in data for a, x in zip(i[i != o], o[i != o], strict=True)}
    rules: list[tuple[Rule, list[np.ndarray]]] = []
    for a, x in sorted(pairs):
        for b in range(10):
            if b == a:
                continue
            hits = [(i == a) & t[b] for i, _, t in data]
            if not any(h.any() for h in hits) or any((o[h] != x).any() for (_, o, _), h in zip(data, hits, strict=True)):
                continue
            rules.append(((a, b, x), hits))
    left = [i != o for i, o, _ in data]
    chosen: list[Rule] = []
    while any(m.any() for m in left):
        if len(chosen) >= _MAX_RULES or not rules:
            return None
        gain = [sum(int((m & h).sum()) for m, h in zip(left, hits, strict=True)) for _, hits in rules]
        k = int(np.argmax(gain))
        if gain[k] == 0:
            return None
        rule, hits = rules.pop(k)
        chosen.append(rule)
        left = [m & ~h for m, h in zip(left, hits, strict=True)]
    return chosen


def contact_recolour(task: ArcTask, deadline: float) -> list[Candidate]:
    """Cells touching a learned colour take a learned colour; the rest stay."""
    if not task.train or not same_shapes(task):
        return []
    diffs = [np.asarray(i) != np.asarray(o) for i, o in task.train]
    if not all(d.any() for d in diffs) or sum(int(d.sum()) for d in diffs) > 0.25 * sum(d.size for d in diffs):
        return []
    for conn in (4, 8):
        rules = _learn(task, conn)
        if not rules:
            continue
        text = "; ".join(f"{a} touching {b} -> {x}" for a, b, x in rules)
        c = make_candidate(task, lambda g, rules=rules, conn=conn: _apply(g, rules, conn), family="contact",
                           program=f"contact_recolour({conn}-conn, {text})", size=3 + len(rules),
                           description=f"where a cell touches ({conn}-adjacent) a given colour it changes: {text}")
        if c is not None and c.solves_train:
            return [c]
    return []
