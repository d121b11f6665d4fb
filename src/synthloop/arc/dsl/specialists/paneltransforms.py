"""Panels from one panel: separator lines cut the grid into equal panels, one of which holds a picture; every
panel of the output is that picture turned or mirrored in a way learned per panel position (the same in every
demo). Learned: the transformation of each panel position.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate, same_shapes, solves_all
from synthloop.arc.dsl.specialists.panelsummary import split_panels
from synthloop.arc.grid import ArcTask, Candidate

_TURNS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "as is": lambda p: p, "quarter turn": lambda p: np.rot90(p, -1), "half turn": lambda p: np.rot90(p, 2),
    "three quarter turns": lambda p: np.rot90(p, 1), "mirrored left-right": lambda p: p[:, ::-1],
    "mirrored top-bottom": lambda p: p[::-1], "transposed": lambda p: p.T, "anti-transposed": lambda p: np.rot90(p, 2).T,
}


def panels(g: np.ndarray) -> tuple[list[tuple[int, int, int, int]], int] | None:
    """The equal panels' boxes (reading order) and the index of the one panel that is not all background."""
    split = split_panels(g, skip_background=True)
    if split is None:
        return None
    _, rows, cols = split
    boxes = [(r0, c0, r1, c1) for r0, r1 in rows for c0, c1 in cols]
    if len({(b[2] - b[0], b[3] - b[1]) for b in boxes}) != 1:
        return None
    bg = O.background_color(g)
    full = [k for k, (t, lf, b, r) in enumerate(boxes) if (g[t:b, lf:r] != bg).any()]
    return (boxes, full[0]) if len(full) == 1 else None


def learn_turns(task: ArcTask) -> list[str] | None:
    """Per panel position, the first transformation that maps the source panel onto every demo's output panel."""
    learned: list[set[str]] | None = None
    for i, o in task.train:
        i, o = np.asarray(i), np.asarray(o)
        found = panels(i)
        if found is None:
            return None
        boxes, src = found
        t, lf, b, r = boxes[src]
        pic = i[t:b, lf:r]
        fits = []
        for t2, l2, b2, r2 in boxes:
            want = o[t2:b2, l2:r2]
            fits.append({n for n, f in _TURNS.items() if f(pic).shape == want.shape and np.array_equal(f(pic), want)})
        if learned is None:
            learned = fits
        elif len(learned) != len(fits):
            return None
        else:
            learned = [a & b for a, b in zip(learned, fits, strict=True)]
        if any(not s for s in learned):
            return None
    if learned is None:
        return None
    return [next(n for n in _TURNS if n in s) for s in learned]


def fill_panels(g: np.ndarray, turns: list[str]) -> np.ndarray | None:
    """Every panel replaced by the drawn panel transformed as `turns` says for its position."""
    g = np.asarray(g)
    found = panels(g)
    if found is None or len(found[0]) != len(turns):
        return None
    boxes, src = found
    t, lf, b, r = boxes[src]
    pic = g[t:b, lf:r]
    out = g.copy()
    for (t2, l2, b2, r2), name in zip(boxes, turns, strict=True):
        p = _TURNS[name](pic)
        if p.shape != (b2 - t2, r2 - l2):
            return None
        out[t2:b2, l2:r2] = p
    return out


def panel_transforms(task: ArcTask, deadline: float) -> list[Candidate]:
    """Fill every panel with the one drawn panel, turned or mirrored per position."""
    if not task.train or not same_shapes(task):
        return []
    turns = learn_turns(task)
    if turns is None or all(t == "as is" for t in turns):
        return []

    def fn(g: np.ndarray) -> np.ndarray | None:
        return fill_panels(g, turns)

    if not solves_all(task, fn):
        return []
    c = make_candidate(task, fn, family="panel_transforms", size=3,
                       program=f"panels_from_one(turns={turns})",
                       description="fill the panels between the separator lines with the one drawn panel, "
                                   + ", ".join(f"panel {k + 1} {t}" for k, t in enumerate(turns)))
    return [] if c is None else [c]
