"""Key panel laid out over the panel grid: separator lines cut the grid into an R x C grid of equal panels, each
panel itself R x C cells. One panel is the key (the unique panel with the fewest / most coloured cells or colours,
or the only panel holding a marker colour); the output keeps the lines and either

- blows the key up: output panel (i, j) is filled with the colour of the key's cell (i, j), or
- places the key: the key is copied into the panel whose position is that of the marker cell inside the key,
  every other panel emptied.

Learned: the key selector (and the marker colour) and the layout.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from synthloop.arc.dsl.specialists.common import GridFn, check_deadline, same_shapes
from synthloop.arc.dsl.specialists.layers import _runs, find_separators
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate

Panels = list[list[tuple[slice, slice]]]
Selector = Callable[[np.ndarray, Panels, int], "tuple[int, int] | None"]


def _panels(g: np.ndarray) -> tuple[int, int, Panels] | None:
    """(separator colour, panel background, panels as rows of slices) for a square panel grid whose panel
    shape equals the grid's R x C; None otherwise."""
    sep = find_separators(g)
    if sep is None:
        return None
    colour, rows, cols = sep
    rr, cc = _runs(g.shape[0], rows), _runs(g.shape[1], cols)
    if len(rr) < 2 or len(cc) < 2 or (rr[0][1] - rr[0][0], cc[0][1] - cc[0][0]) != (len(rr), len(cc)):
        return None
    panels = [[(slice(r0, r1), slice(c0, c1)) for c0, c1 in cc] for r0, r1 in rr]
    inside = np.concatenate([g[s].ravel() for row in panels for s in row])
    return colour, int(np.argmax(np.bincount(inside.astype(np.int64), minlength=10))), panels


def _unique_extreme(values: dict[tuple[int, int], int], most: bool) -> tuple[int, int] | None:
    best = max(values.values()) if most else min(values.values())
    hits = [k for k, v in values.items() if v == best]
    return hits[0] if len(hits) == 1 else None


def _by_count(most: bool, colours: bool) -> Selector:
    def select(g: np.ndarray, panels: Panels, bg: int) -> tuple[int, int] | None:
        vals = {}
        for i, row in enumerate(panels):
            for j, s in enumerate(row):
                p = g[s]
                vals[(i, j)] = len(set(np.unique(p).tolist()) - {bg}) if colours else int((p != bg).sum())
        return _unique_extreme(vals, most)

    return select


def _holding(colour: int) -> Selector:
    def select(g: np.ndarray, panels: Panels, bg: int) -> tuple[int, int] | None:
        hits = [(i, j) for i, row in enumerate(panels) for j, s in enumerate(row) if (g[s] == colour).any()]
        return hits[0] if len(hits) == 1 else None

    return select


def _key_panel(g: np.ndarray, select: Selector) -> tuple[int, Panels, np.ndarray] | None:
    """(panel background, panels, the key panel's cells) when the grid is a panel grid with a selected key."""
    part = _panels(g)
    if part is None:
        return None
    _, bg, panels = part
    key = select(g, panels, bg)
    return None if key is None else (bg, panels, g[panels[key[0]][key[1]]])


def _blow_up(select: Selector) -> GridFn:
    def fn(g: np.ndarray) -> np.ndarray | None:
        if (found := _key_panel(g, select)) is None:
            return None
        _, panels, kp = found
        out = g.copy()
        for i, row in enumerate(panels):
            for j, s in enumerate(row):
                out[s] = kp[i, j]
        return out

    return fn


def _place_at_marker(select: Selector, marker: int) -> GridFn:
    def fn(g: np.ndarray) -> np.ndarray | None:
        if (found := _key_panel(g, select)) is None:
            return None
        bg, panels, kp = found
        at = np.argwhere(kp == marker)
        if len(at) != 1:
            return None
        out = g.copy()
        for row in panels:
            for s in row:
                out[s] = bg
        out[panels[int(at[0][0])][int(at[0][1])]] = kp
        return out

    return fn


def _marker_colours(task: ArcTask) -> list[int]:
    """Colours found in exactly one panel of every train input (candidate marker colours)."""
    found: set[int] | None = None
    for i, _ in task.train:
        g = np.asarray(i)
        part = _panels(g)
        if part is None:
            return []
        _, bg, panels = part
        per = [set(np.unique(g[s]).tolist()) - {bg} for row in panels for s in row]
        once = {c for c in range(10) if sum(c in p for p in per) == 1}
        found = once if found is None else found & once
    return sorted(found or ())


_COUNT_TEXT = {(False, False): "the fewest coloured cells", (True, False): "the most coloured cells",
               (False, True): "the fewest colours", (True, True): "the most colours"}


def _hypotheses(task: ArcTask, deadline: float) -> Iterator[Hypothesis]:
    selectors: list[tuple[str, str, Selector, int | None]] = []
    for c in _marker_colours(task):
        selectors.append((f"holding({c})", f"the only panel holding colour {c}", _holding(c), c))
    for (most, colours), text in _COUNT_TEXT.items():
        name = f"{'most' if most else 'fewest'}_{'colours' if colours else 'cells'}"
        selectors.append((name, f"the panel with {text}", _by_count(most, colours), None))
    for name, text, sel, marker in selectors:
        check_deadline(deadline)
        yield Hypothesis(_blow_up(sel), size=4, program=f"panel_key_blow_up(key={name})",
                         description=f"separator lines cut the grid into panels; the key is {text}; every panel is "
                                     f"filled with the colour of the key cell at the panel's position")
        if marker is not None:
            yield Hypothesis(_place_at_marker(sel, marker), size=5,
                             program=f"panel_key_place(key={name}, marker={marker})",
                             description=f"separator lines cut the grid into panels; the key is {text}; it moves "
                                         f"to the panel at the position of its colour-{marker} cell, the other "
                                         f"panels are emptied")


def panel_key(task: ArcTask, deadline: float) -> list[Candidate]:
    """Blow up or place the key panel of a square panel grid (the output keeps the separator lines)."""
    if not task.train or not same_shapes(task):
        return []
    for i, o in task.train:
        part = _panels(np.asarray(i))
        if part is None:
            return []
        sep = part[0]
        o = np.asarray(o)
        if not all((o[r] == sep).all() for r in range(o.shape[0]) if (np.asarray(i)[r] == sep).all()):
            return []
    return first_solution(task, "panel_key", _hypotheses(task, deadline))
