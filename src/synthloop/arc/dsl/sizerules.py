"""Output-size rules: how an output's height and width follow from its input.

A rule maps an input grid to an (H, W) shape: the input's own shape scaled or shifted, a fixed shape, the bounding
box of the content, of one colour or of the largest / smallest object, or a square / row / scaled copy whose side
is a count taken from the input (colours, coloured cells, objects). `fit_size_rules` keeps the rules that give every
demo output's shape; `predict_sizes` says which shapes those rules allow for a test input. A prediction whose shape
none of them allows breaks the size rule that the demos show.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from synthloop.arc.dsl import objects as ob

Shape = tuple[int, int]
MAX_SIDE = 30


@dataclass(frozen=True)
class SizeRule:
    """An output-size rule: `size(input)` is the output shape, or None where the rule does not apply."""

    name: str
    phrase: str
    size: Callable[[np.ndarray], Shape | None]


def _bbox_shape(mask: np.ndarray) -> Shape | None:
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        return None
    return int(rows[-1] - rows[0] + 1), int(cols[-1] - cols[0] + 1)


def _bg(g: np.ndarray) -> int:
    return ob.background_color(g)


def n_colours(g: np.ndarray) -> int:
    """Colours other than the background."""
    return len(np.unique(g)) - 1


def n_cells(g: np.ndarray) -> int:
    """Cells that are not background."""
    return int((g != _bg(g)).sum())


def n_objects(g: np.ndarray) -> int:
    """Multi-colour 8-connected objects."""
    return len(ob.extract(g, "m8"))


def n_objects_c4(g: np.ndarray) -> int:
    """Single-colour 4-connected objects."""
    return len(ob.extract(g, "c4"))


COUNTERS: tuple[tuple[str, str, Callable[[np.ndarray], int]], ...] = (
    ("colours", "the number of colours", n_colours),
    ("cells", "the number of coloured cells", n_cells),
    ("objects", "the number of objects", n_objects),
    ("c4objects", "the number of single-colour pieces", n_objects_c4),
)


def _object_bbox(mode: str, largest: bool) -> Callable[[np.ndarray], Shape | None]:
    def f(g: np.ndarray) -> Shape | None:
        objs = ob.extract(g, mode)
        if not objs:
            return None
        sizes = [o.size for o in objs]
        best = max(sizes) if largest else min(sizes)
        picked = [o for o in objs if o.size == best]
        if len(picked) != 1:
            return None
        return picked[0].height, picked[0].width

    return f


def _rarest_bbox(inner: bool) -> Callable[[np.ndarray], Shape | None]:
    def f(g: np.ndarray) -> Shape | None:
        cnt = np.bincount(np.asarray(g, dtype=np.int64).ravel(), minlength=10)
        used = [c for c in range(10) if cnt[c] > 0 and c != _bg(g)]
        if not used:
            return None
        least = min(cnt[c] for c in used)
        rare = [c for c in used if cnt[c] == least]
        if len(rare) != 1:
            return None
        s = _bbox_shape(g == rare[0])
        return _shrink(s) if inner else s

    return f


def _runs(a: np.ndarray, axis: int) -> int:
    """How many runs of identical adjacent rows (axis 0) or columns (axis 1)."""
    a = a if axis == 0 else a.T
    return 1 + int((a[1:] != a[:-1]).any(axis=1).sum())


def _cell_grid(cell: bool) -> Callable[[np.ndarray], Shape | None]:
    """With separator lines: the shape of one cell (all equal), or how many cells down and across."""
    from synthloop.arc.dsl.primitives import separator_lines

    def f(g: np.ndarray) -> Shape | None:
        sep = separator_lines(g)
        if sep is None:
            return None
        rows, cols, _ = sep
        hs = _spans(rows, g.shape[0])
        ws = _spans(cols, g.shape[1])
        if not cell:
            return len(hs), len(ws)
        if len(set(hs)) != 1 or len(set(ws)) != 1:
            return None
        return hs[0], ws[0]

    return f


def _spans(lines: list[int], n: int) -> list[int]:
    out, start = [], 0
    for i in sorted(lines) + [n]:
        if i > start:
            out.append(i - start)
        start = i + 1
    return out


def _count_rule(name: str, phrase: str, count: Callable[[np.ndarray], int], kind: str) -> SizeRule:
    def f(g: np.ndarray) -> Shape | None:
        k = count(g)
        if k <= 0:
            return None
        h, w = g.shape
        return {"square": (k, k), "row": (1, k), "col": (k, 1), "scale": (k * h, k * w),
                "scale_h": (k * h, w), "scale_w": (h, k * w)}[kind]

    text = {"square": f"a square whose side is {phrase}", "row": f"one row as long as {phrase}",
            "col": f"one column as tall as {phrase}", "scale": f"the input scaled by {phrase}",
            "scale_h": f"the input stretched in height by {phrase}",
            "scale_w": f"the input stretched in width by {phrase}"}
    return SizeRule(f"{kind}_by_{name}", text[kind], f)


def _static_rules() -> list[SizeRule]:
    rules = [
        SizeRule("transposed", "the input's shape turned a quarter", lambda g: (g.shape[1], g.shape[0])),
        SizeRule("content_bbox", "the bounding box of the content", lambda g: _bbox_shape(g != _bg(g))),
    ]
    rules += [
        SizeRule("rarest_bbox", "the bounding box of the rarest colour", _rarest_bbox(False)),
        SizeRule("rarest_inside", "the inside of the box of the rarest colour", _rarest_bbox(True)),
        SizeRule("distinct_runs", "the input with repeated rows and columns merged",
                 lambda g: (_runs(g, 0), _runs(g, 1))),
        SizeRule("cell_shape", "one cell of the grid drawn by the separator lines", _cell_grid(True)),
        SizeRule("cell_count", "as many rows and columns as the separator lines make cells", _cell_grid(False)),
    ]
    for mode in ("m8", "c4", "c8"):
        for largest in (True, False):
            which = "largest" if largest else "smallest"
            rules.append(SizeRule(f"{which}_{mode}", f"the box of the {which} {ob.EXTRACTOR_TEXT[mode][:-1]}",
                                  _object_bbox(mode, largest)))
    for name, phrase, count in COUNTERS:
        for kind in ("square", "row", "col", "scale", "scale_h", "scale_w"):
            rules.append(_count_rule(name, phrase, count, kind))
    return rules


STATIC_RULES: tuple[SizeRule, ...] = tuple(_static_rules())


def _learned_rules(pairs: Sequence[tuple[np.ndarray, np.ndarray]]) -> list[SizeRule]:
    """Rules whose constants come from the demos: a fixed shape, a fixed ratio, a fixed offset, a colour's box."""
    (i0, o0) = pairs[0]
    (h, w), (H, W) = i0.shape, o0.shape
    rh, rw = Fraction(H, h), Fraction(W, w)
    rules = [
        SizeRule(f"const({H},{W})", f"always {H}x{W}", lambda g: (H, W)),
        SizeRule(f"ratio({rh},{rw})", f"the input's shape times {rh} by {rw}",
                 lambda g: _ratio(g.shape, rh, rw)),
        SizeRule(f"offset({H - h},{W - w})", f"the input's shape plus {H - h} by {W - w}",
                 lambda g: (g.shape[0] + H - h, g.shape[1] + W - w)),
    ]
    for c in sorted(set(np.unique(i0).tolist())):
        rules.append(SizeRule(f"colour_bbox({c})", f"the bounding box of colour {c}",
                              lambda g, c=c: _bbox_shape(g == c)))
        rules.append(SizeRule(f"inside_colour_bbox({c})", f"the inside of the box of colour {c}",
                              lambda g, c=c: _shrink(_bbox_shape(g == c))))
    return rules


def _shrink(s: Shape | None) -> Shape | None:
    return None if s is None else (s[0] - 2, s[1] - 2)


def _ratio(shape: Shape, rh: Fraction, rw: Fraction) -> Shape | None:
    H, W = shape[0] * rh, shape[1] * rw
    if H.denominator != 1 or W.denominator != 1:
        return None
    return int(H), int(W)


def _apply(rule: SizeRule, g: np.ndarray) -> Shape | None:
    try:
        s = rule.size(np.asarray(g))
    except (ValueError, IndexError, ZeroDivisionError):
        return None
    if s is None or not (1 <= s[0] <= MAX_SIDE and 1 <= s[1] <= MAX_SIDE):
        return None
    return s


def fit_size_rules(train: Sequence[tuple[np.ndarray, np.ndarray]]) -> list[SizeRule]:
    """The size rules that give every demo output's shape (in the order: learned constants first)."""
    pairs = [(np.asarray(i), np.asarray(o)) for i, o in train]
    if not pairs:
        return []
    return [r for r in _learned_rules(pairs) + list(STATIC_RULES)
            if all(_apply(r, i) == o.shape for i, o in pairs)]


def predict_sizes(rules: Sequence[SizeRule], test_in: np.ndarray) -> set[Shape]:
    """The shapes the fitted rules allow for a test input (empty when none applies)."""
    return {s for r in rules if (s := _apply(r, test_in)) is not None}
