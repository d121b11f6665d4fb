"""Canvas ops: the output size is predicted from the demos (`sizerules`, plus a height-from-width ratio) and the
output is built on a canvas of that size: the grid put in the canvas's top-left corner (the rest empty, for later
steps to draw on), or repeated until the canvas is full (the last copies cut off); when the outputs are smaller,
the window of that size in the grid's top-left or bottom-right corner.

Offered to the search only when the sizes change in one direction (every demo output at least as large as its
input, or every one at most as large) and a rule of the grid's shape or a count (fixed shape, ratio, offset, a
count of colours / cells / objects) gives every demo output's size: the canvas then has the size the demos show,
which no fixed-ratio op reaches when the ratio is not whole or changes from pair to pair. Each op must apply to
every demo input (each op costs search time).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction

import numpy as np

from synthloop.arc.dsl.primitives import GridOp
from synthloop.arc.dsl.sizerules import MAX_SIDE, SizeRule, fit_size_rules

MAX_RULES = 2  # canvas sizes (fitted size rules that differ on some demo input) offered per task
_SHAPE_RULES = ("const(", "ratio(", "offset(", "square_by_", "scale_by_", "scale_h_by_", "scale_w_by_",
                "row_by_", "col_by_")


ANCHORS = {"tl": "top-left corner", "br": "bottom-right corner"}


def _offset(anchor: str, big: tuple[int, int], small: tuple[int, int]) -> tuple[int, int]:
    """Where the small grid sits in the big one: its top-left cell."""
    return (0, 0) if anchor == "tl" else (big[0] - small[0], big[1] - small[1])


def _canvas(rule: SizeRule, how: str, grows: bool) -> Callable[[np.ndarray], np.ndarray | None]:
    """`how`: "tile", or an anchor: put the grid there on an empty canvas of the rule's size (`grows`) or take the
    window of that size there (not `grows`); None when the size does not go that way for this grid."""

    def f(g: np.ndarray) -> np.ndarray | None:
        size = rule.size(g)
        if size is None:
            return None
        H, W = size
        h, w = g.shape
        if not (1 <= H <= MAX_SIDE and 1 <= W <= MAX_SIDE) or (H, W) == (h, w):
            return None
        if not ((H >= h and W >= w) if grows else (H <= h and W <= w)):
            return None
        if how == "tile":
            return np.tile(g, (-(-H // h), -(-W // w)))[:H, :W] if grows else None
        top, left = _offset(how, (H, W), (h, w)) if grows else _offset(how, (h, w), (H, W))
        if not grows:
            return g[top:top + H, left:left + W].copy()
        out = np.zeros((H, W), dtype=g.dtype)
        out[top:top + h, left:left + w] = g
        return out

    return f


def _cross_ratio_rules(pairs: Sequence[tuple[np.ndarray, np.ndarray]]) -> list[SizeRule]:
    """Rules whose output height follows the input's width (or the width the height) by a ratio the demos fix:
    a row of n cells grows into n/2 rows, say."""
    (h, w), (H, W) = np.shape(pairs[0][0]), np.shape(pairs[0][1])
    rh, rw = Fraction(H, w), Fraction(W, h)
    return [SizeRule(f"height_by_width({rh})", f"as many rows as its width times {rh}, its width kept",
                     lambda g: _whole(g.shape[1] * rh, g.shape[1])),
            SizeRule(f"width_by_height({rw})", f"as many columns as its height times {rw}, its height kept",
                     lambda g: _whole(g.shape[0], g.shape[0] * rw))]


def _whole(H: Fraction | int, W: Fraction | int) -> tuple[int, int] | None:
    H, W = Fraction(H), Fraction(W)
    return (int(H), int(W)) if H.denominator == W.denominator == 1 else None


def canvas_ops(inputs: Sequence[np.ndarray], outputs: Sequence[np.ndarray]) -> list[GridOp]:
    """Canvas ops for the first `MAX_RULES` fitted size rules: place-in-canvas (three anchors) and tile-to-size
    when every demo output is at least as large as its input, windows (three anchors) when at most as large;
    none when the sizes never change or change both ways."""
    shapes = [(np.shape(i), np.shape(o)) for i, o in zip(inputs, outputs, strict=True)]
    if not shapes or all(i == o for i, o in shapes):
        return []
    grows = all(o[0] >= i[0] and o[1] >= i[1] for i, o in shapes)
    if not grows and not all(o[0] <= i[0] and o[1] <= i[1] for i, o in shapes):
        return []
    pairs = list(zip(inputs, outputs, strict=True))
    rules = [r for r in fit_size_rules(pairs) if r.name.startswith(_SHAPE_RULES)]
    rules += [r for r in _cross_ratio_rules(pairs) if all(r.size(np.asarray(i)) == np.shape(o) for i, o in pairs)]
    kept, sizes = [], set()
    for r in rules:  # rules that give the same sizes on every demo input would only give the same states again
        key = tuple(r.size(np.asarray(i)) for i in inputs)
        if key not in sizes:
            sizes.add(key)
            kept.append(r)
    ratios = {(Fraction(o[0], i[0]), Fraction(o[1], i[1])) for i, o in shapes}
    whole_ratio = len(ratios) == 1 and all(f.denominator == 1 for f in next(iter(ratios)))
    ops: list[GridOp] = []
    for r in kept[:MAX_RULES]:
        if not grows:
            ops += [GridOp(f"window_{anchor}[{r.name}]", _canvas(r, anchor, False), 1,
                           f"take the window of {r.phrase} in its {where}") for anchor, where in ANCHORS.items()]
            continue
        ops.append(GridOp(f"pad_tl[{r.name}]", _canvas(r, "tl", True), 1,
                          f"put it in the top-left corner of an empty canvas of {r.phrase}"))
        if not whole_ratio:  # else the search's tile(a, b) op already builds it
            ops.append(GridOp(f"tile_to[{r.name}]", _canvas(r, "tile", True), 2,
                              f"repeat it until it fills a canvas of {r.phrase}"))
    # an op that cannot build the canvas from the demo inputs themselves is left out (each op costs search time)
    return [op for op in ops if all(op.fn(np.asarray(i)) is not None for i in inputs)]
