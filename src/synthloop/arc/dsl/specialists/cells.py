"""Per-cell rules in grids cut into equal cells by separator lines (the output keeps the lines):

- fill/clear: each cell is filled with its colour, emptied or kept, by a table over one cell property (holds the
  most / fewest coloured cells, its count, its number of colours);
- broadcast: every cell becomes a copy of one reference cell (the only non-empty one, or the fullest);
- overlay: every cell gets the reference cell's pattern (the first cell, the only non-empty one or the fullest)
  drawn into its empty cells, in the separator colour or the reference's own colours.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from synthloop.arc.dsl.specialists.common import GridFn, check_deadline, same_shapes
from synthloop.arc.dsl.specialists.layers import _runs, find_separators
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution, narrow_tables
from synthloop.arc.grid import ArcTask, Candidate

Cells = list[tuple[slice, slice]]
KEEP, FILL, CLEAR = "keep", "fill", "clear"


def _cells(g: np.ndarray) -> tuple[int, int, Cells] | None:
    """(separator colour, cell background, cell slices) or None when the grid has no separator lines."""
    sep = find_separators(g)
    if sep is None:
        return None
    colour, rows, cols = sep
    cells = [(slice(r0, r1), slice(c0, c1)) for r0, r1 in _runs(g.shape[0], rows) for c0, c1 in _runs(g.shape[1], cols)]
    inside = np.concatenate([g[s].ravel() for s in cells])
    counts = np.bincount(inside.astype(np.int64), minlength=10)
    return colour, int(np.argmax(counts)), cells


def _features(g: np.ndarray, cells: Cells, bg: int) -> dict[str, list]:
    counts = [int((g[s] != bg).sum()) for s in cells]
    return {
        "is_fullest": [c == max(counts) for c in counts],
        "is_emptiest": [c == min(counts) for c in counts],
        "count": counts,
        "n_colours": [len(set(np.unique(g[s]).tolist()) - {bg}) for s in cells],
    }


def _on_cells(body: Callable[[np.ndarray, int, int, Cells], np.ndarray | None]) -> GridFn:
    """A grid function that cuts the grid into its cells and calls body(grid, separator colour, cell background,
    cells); None for a grid without separator lines."""
    def fn(g: np.ndarray) -> np.ndarray | None:
        g = np.asarray(g)
        part = _cells(g)
        return None if part is None else body(g, *part)

    return fn


def _fill_fn(name: str, table: dict) -> GridFn:
    def body(g: np.ndarray, sep: int, bg: int, cells: Cells) -> np.ndarray | None:
        out = g.copy()
        for s, v in zip(cells, _features(g, cells, bg)[name], strict=True):
            act = table.get(v)
            if act is None:
                return None
            if act == CLEAR:
                out[s] = bg
            elif act == FILL:
                cols = set(np.unique(g[s]).tolist()) - {bg}
                if len(cols) != 1:
                    return None
                out[s] = cols.pop()
        return out

    return _on_cells(body)


def _learn_fill(task: ArcTask) -> list[tuple[str, dict]]:
    allowed: dict[str, dict] = {}
    bad: set[str] = set()
    for i, o in task.train:
        i, o = np.asarray(i), np.asarray(o)
        part = _cells(i)
        if part is None:
            return []
        _, bg, cells = part
        acts = []
        for s in cells:
            a, b = i[s], o[s]
            cols = set(np.unique(a).tolist()) - {bg}
            opts = set()
            if np.array_equal(a, b):
                opts.add(KEEP)
            if (b == bg).all():
                opts.add(CLEAR)
            if len(cols) == 1 and (b == next(iter(cols))).all():
                opts.add(FILL)
            if not opts:
                return []
            acts.append(opts)
        narrow_tables(allowed, bad, _features(i, cells, bg), acts)
    out = []
    for name, table in allowed.items():
        if name in bad:
            continue
        final = {v: next(a for a in (KEEP, CLEAR, FILL) if a in s) for v, s in table.items()}
        if len(set(final.values())) >= 2:
            out.append((name, final))
    out.sort(key=lambda r: len(r[1]))
    return out


def _reference(g: np.ndarray, cells: Cells, bg: int, ref: str) -> np.ndarray | None:
    counts = [int((g[s] != bg).sum()) for s in cells]
    if ref == "first":
        return g[cells[0]]
    if ref == "only":
        full = [k for k, c in enumerate(counts) if c]
        return g[cells[full[0]]] if len(full) == 1 else None
    best = [k for k, c in enumerate(counts) if c == max(counts)]
    return g[cells[best[0]]] if len(best) == 1 else None


def _ref_fn(ref: str, how: str) -> GridFn:
    def body(g: np.ndarray, sep: int, bg: int, cells: Cells) -> np.ndarray | None:
        r = _reference(g, cells, bg, ref)
        if r is None:
            return None
        out = g.copy()
        for s in cells:
            if how == "copy":
                out[s] = r
                continue
            cell = out[s]
            paint = (cell == bg) & (r != bg)
            cell[paint] = sep if how == "overlay_sep" else r[paint]
        return out

    return _on_cells(body)


_REF_TEXT = {"first": "the first cell", "only": "the only non-empty cell", "fullest": "the fullest cell"}
_HOW_TEXT = {"copy": "becomes a copy of", "overlay_sep": "gets, in the separator colour, the pattern of",
             "overlay": "gets the pattern of"}


def _hypotheses(task: ArcTask, deadline: float) -> Iterator[Hypothesis]:
    for name, table in _learn_fill(task)[:3]:
        check_deadline(deadline)
        text = ", ".join(f"{k}->{v}" for k, v in sorted(table.items(), key=str))
        yield Hypothesis(_fill_fn(name, table), size=4 + len(table), program=f"cell_fill(by={name}, {{{text}}})",
                         description=f"in the grid cut by separator lines, fill, clear or keep each cell by its "
                                     f"{name}: {text}")
    for how in ("copy", "overlay_sep", "overlay"):
        for ref in ("only", "fullest", "first"):
            if how == "copy" and ref == "first":
                continue
            check_deadline(deadline)
            yield Hypothesis(_ref_fn(ref, how), size=5, program=f"cell_reference(ref={ref}, how={how})",
                             description=f"in the grid cut by separator lines, every cell {_HOW_TEXT[how]} "
                                         f"{_REF_TEXT[ref]}")


def cell_rules(task: ArcTask, deadline: float) -> list[Candidate]:
    """Per-cell fill/clear tables, broadcasts and overlays in separator-line grids."""
    if not task.train or not same_shapes(task):
        return []
    if any(_cells(np.asarray(i)) is None for i, _ in task.train):
        return []
    return first_solution(task, "cells", _hypotheses(task, deadline))
