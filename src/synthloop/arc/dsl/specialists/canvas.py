"""Draw on a bigger canvas: the output is a larger grid that holds the input, unchanged, at a fixed anchor (a
corner or the centre), and the rest of the picture is painted by a same-shape rule (rays, a short rule list,
bouncing or repeated strokes) applied to the input laid on a background canvas of the output's size. Learned: the
canvas size (a fixed size, a multiple of the input's, or the input's plus a margin, per dimension), the anchor,
and the painting rule (one of the same-shape families, learned on the enlarged demos).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.bounce import bouncing_rays
from synthloop.arc.dsl.specialists.cellular import rule_list
from synthloop.arc.dsl.specialists.common import Timeout, check_deadline
from synthloop.arc.dsl.specialists.cornerrays import corner_rays
from synthloop.arc.dsl.specialists.motion import draw_rays
from synthloop.arc.dsl.specialists.runextend import repeat_runs_along_lines
from synthloop.arc.grid import ArcTask, Candidate, as_grid

PAINTERS: list[Callable[[ArcTask, float], list[Candidate]]] = [
    draw_rays, corner_rays, bouncing_rays, repeat_runs_along_lines, rule_list,
]
ANCHORS = ("top-left", "top-right", "bottom-left", "bottom-right", "centre")
SizeRule = tuple[str, int]  # ("fixed", n) | ("times", k) | ("plus", k) | ("times_cells", 1)


def _cells(g: np.ndarray) -> int:
    return int((g != O.background_color(g)).sum())


def _dim_rules(pairs: list[tuple[int, int, int]]) -> list[SizeRule]:
    """Rules taking every (input length, its non-background cell count) to the output length: a multiple, a fixed
    size, a margin, the length times the cell count (in that order)."""
    rules: list[SizeRule] = []
    n, m, _ = pairs[0]
    if m % n == 0 and all(b == a * (m // n) for a, b, _ in pairs):
        rules.append(("times", m // n))
    if all(b == m for _, b, _ in pairs):
        rules.append(("fixed", m))
    if all(b - a == m - n for a, b, _ in pairs):
        rules.append(("plus", m - n))
    if all(b == a * k for a, b, k in pairs) and len({k for _, _, k in pairs}) > 1:
        rules.append(("times_cells", 1))
    return rules


def _apply(rule: SizeRule, n: int, cells: int) -> int:
    kind, k = rule
    return {"fixed": k, "times": n * k, "plus": n + k}.get(kind, n * cells)


def _offset(anchor: str, inner: tuple[int, int], outer: tuple[int, int]) -> tuple[int, int]:
    (h, w), (H, W) = inner, outer
    r = 0 if anchor.startswith("top") else H - h if anchor.startswith("bottom") else (H - h) // 2
    c = 0 if anchor.endswith("left") else W - w if anchor.endswith("right") else (W - w) // 2
    return r, c


def lay_on_canvas(g: np.ndarray, shape: tuple[int, int], anchor: str) -> np.ndarray:
    """`g` placed at `anchor` on a canvas of `shape` filled with g's background colour."""
    g = np.asarray(g)
    out = np.full(shape, O.background_color(g), dtype=np.int8)
    r, c = _offset(anchor, g.shape, shape)
    out[r:r + g.shape[0], c:c + g.shape[1]] = g
    return out


def _holds_input(i: np.ndarray, o: np.ndarray, anchor: str) -> bool:
    """The output shows every non-background input cell at the anchor's place."""
    r, c = _offset(anchor, i.shape, o.shape)
    sub = o[r:r + i.shape[0], c:c + i.shape[1]]
    fg = i != O.background_color(i)
    return bool(fg.any()) and np.array_equal(sub[fg], i[fg])


def _enlarges(task: ArcTask) -> bool:
    return bool(task.train) and all(
        o.shape[0] >= i.shape[0] and o.shape[1] >= i.shape[1] and o.shape != i.shape for i, o in task.train)


def draw_on_canvas(task: ArcTask, deadline: float) -> list[Candidate]:
    """Lay the input on a bigger canvas at a learned anchor, then paint it with a learned same-shape rule."""
    if not _enlarges(task):
        return []
    pairs = [(np.asarray(i), np.asarray(o)) for i, o in task.train]
    rows = _dim_rules([(i.shape[0], o.shape[0], _cells(i)) for i, o in pairs])
    cols = _dim_rules([(i.shape[1], o.shape[1], _cells(i)) for i, o in pairs])
    if not rows or not cols:
        return []
    anchor = next((a for a in ANCHORS if all(_holds_input(i, o, a) for i, o in pairs)), None)
    if anchor is None:
        return []
    rr, cr = rows[0], cols[0]
    try:
        tests = [lay_on_canvas(g, (_apply(rr, g.shape[0], _cells(g)), _apply(cr, g.shape[1], _cells(g))), anchor)
                 for g in map(np.asarray, task.test_inputs)]
    except ValueError:
        return []
    if any(not 0 < t.shape[0] <= 30 or not 0 < t.shape[1] <= 30 for t in tests):
        return []
    laid = ArcTask(id=task.id, train=[(as_grid(lay_on_canvas(i, o.shape, anchor)), o) for i, o in task.train],
                   test=[(as_grid(t), None) for t in tests], source=task.source)
    size = f"rows {rr[0]} {rr[1]}, cols {cr[0]} {cr[1]}"
    try:
        for paint in PAINTERS:
            check_deadline(deadline)
            found = [c for c in paint(laid, deadline) if c.solves_train]
            if found:
                return [Candidate(
                    program=f"then(canvas(x, {size}, at={anchor}), {c.program})",
                    description=(f"lay the input at the {anchor} of a bigger canvas ({size}), then: "
                                 f"{c.description}"),
                    predictions=c.predictions, train_correct=c.train_correct, train_total=c.train_total,
                    size=c.size + 1, source=c.source,
                    meta={**(c.meta or {}), "family": f"canvas+{(c.meta or {}).get('family', paint.__name__)}"},
                ) for c in found[:2]]
    except Timeout:
        pass
    return []
