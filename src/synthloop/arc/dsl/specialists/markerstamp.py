"""Marker stamps: a multi-cell template holds one cell of a marker colour; every lone cell of that colour elsewhere
receives a copy of the template placed on it, turned by a dihedral transform learned per marker colour. The rule
also runs on the cell level of a grid split by full separator lines (each cell one uniform colour).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, same_shapes
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate

_DIHEDRAL: tuple[tuple[int, int, int, int], ...] = (  # (dr,dc) -> (a*dr+b*dc, c*dr+d*dc)
    (1, 0, 0, 1), (1, 0, 0, -1), (-1, 0, 0, 1), (-1, 0, 0, -1),
    (0, 1, 1, 0), (0, 1, -1, 0), (0, -1, 1, 0), (0, -1, -1, 0),
)
_NAMES = ("id", "flip_lr", "flip_ud", "rot180", "transpose", "rot90", "rot270", "antitranspose")

Offsets = list[tuple[int, int, int]]


def _templates(g: np.ndarray, bg: int) -> tuple[dict[int, Offsets], dict[int, list[tuple[int, int]]]] | None:
    """Per marker colour: the template offsets (dr, dc, colour) about its marker cell, and the lone marker cells."""
    objs = O.components(g, connectivity=8, multicolor=True, background=bg)
    lone: dict[int, list[tuple[int, int]]] = {}
    for ob in objs:
        if len(ob.rows) == 1:
            lone.setdefault(int(ob.values[0]), []).append((int(ob.rows[0]), int(ob.cols[0])))
    temps: dict[int, Offsets] = {}
    for ob in objs:
        if len(ob.rows) == 1:
            continue
        vals = [int(v) for v in ob.values]
        for k in lone:
            if vals.count(k) != 1:
                continue
            if k in temps:
                return None
            j = vals.index(k)
            r0, c0 = int(ob.rows[j]), int(ob.cols[j])
            temps[k] = [(int(r) - r0, int(c) - c0, v) for r, c, v in zip(ob.rows, ob.cols, vals, strict=True)
                        if (int(r), int(c)) != (r0, c0)]
    if not temps:
        return None
    return temps, lone


def _stamp(out: np.ndarray, bg: int, at: tuple[int, int], offs: Offsets, t: int) -> None:
    a, b, c, d = _DIHEDRAL[t]
    h, w = out.shape
    for dr, dc, v in offs:
        r, cc = at[0] + a * dr + b * dc, at[1] + c * dr + d * dc
        if 0 <= r < h and 0 <= cc < w and out[r, cc] == bg:
            out[r, cc] = v


def _apply(g: np.ndarray, table: dict[int, int]) -> np.ndarray | None:
    bg = O.background_color(g)
    found = _templates(g, bg)
    if found is None:
        return None
    temps, lone = found
    out = g.copy()
    for k, offs in temps.items():
        for at in lone.get(k, []):
            _stamp(out, bg, at, offs, table.get(k, 0))
    return out


def _cells(g: np.ndarray) -> tuple[np.ndarray, list[tuple[int, int]], list[tuple[int, int]], int] | None:
    """The cell-level grid of `g` split by full lines of one colour: (cells, row spans, col spans, line colour)."""
    h, w = g.shape
    full_r = [r for r in range(h) if len(np.unique(g[r])) == 1]
    full_c = [c for c in range(w) if len(np.unique(g[:, c])) == 1]
    if not full_r or not full_c:
        return None
    sep = int(g[full_r[0], 0])
    rows = [r for r in full_r if g[r, 0] == sep]
    cols = [c for c in full_c if g[0, c] == sep]

    def spans(lines: list[int], n: int) -> list[tuple[int, int]]:
        out, start = [], 0
        for x in [*lines, n]:
            if x > start:
                out.append((start, x))
            start = x + 1
        return out

    rs, cs = spans(rows, h), spans(cols, w)
    if len(rs) < 3 or len(cs) < 3:
        return None
    cells = np.zeros((len(rs), len(cs)), dtype=np.int64)
    for i, (a, b) in enumerate(rs):
        for j, (c, d) in enumerate(cs):
            block = g[a:b, c:d]
            if block.size == 0 or np.any(block != block.flat[0]) or block.flat[0] == sep:
                return None
            cells[i, j] = block.flat[0]
    return cells, rs, cs, sep


def _apply_cells(g: np.ndarray, table: dict[int, int]) -> np.ndarray | None:
    split = _cells(g)
    if split is None:
        return None
    cells, rs, cs, _ = split
    new = _apply(cells, table)
    if new is None:
        return None
    out = g.copy()
    for i, (a, b) in enumerate(rs):
        for j, (c, d) in enumerate(cs):
            out[a:b, c:d] = new[i, j]
    return out


def _learn(task: ArcTask, cell_level: bool) -> dict[int, int] | None:
    """Per marker colour, the first transform whose stamps agree with every demo output."""
    allowed: dict[int, set[int]] = {}
    for i, o in task.train:
        i, o = np.asarray(i), np.asarray(o)
        if cell_level:
            si, so = _cells(i), _cells(o)
            if si is None or so is None or si[0].shape != so[0].shape:
                return None
            i, o = si[0], so[0]
        bg = O.background_color(i)
        found = _templates(i, bg)
        if found is None:
            return None
        temps, lone = found
        for k, offs in temps.items():
            ok = set()
            for t in range(8):
                out = i.copy()
                for at in lone.get(k, []):
                    _stamp(out, bg, at, offs, t)
                changed = out != i
                if np.array_equal(out[changed], o[changed]):
                    ok.add(t)
            allowed[k] = allowed.get(k, ok) & ok
            if not allowed[k]:
                return None
    return {k: min(v) for k, v in allowed.items()}


def _hypotheses(task: ArcTask, deadline: float) -> Iterator[Hypothesis]:
    for cell_level in (False, True):
        check_deadline(deadline)
        table = _learn(task, cell_level)
        if table is None:
            continue
        text = ", ".join(f"{k}:{_NAMES[t]}" for k, t in sorted(table.items()))
        fn = (lambda g, tb=table: _apply_cells(np.asarray(g), tb)) if cell_level else \
            (lambda g, tb=table: _apply(np.asarray(g), tb))
        level = "cells" if cell_level else "pixels"
        yield Hypothesis(fn, f"marker_stamp({level}, {{{text}}})",
                         f"copy each marker's template onto the lone cells of its colour ({level}, {text})", 3)


def marker_stamps(task: ArcTask, deadline: float) -> list[Candidate]:
    """Stamp each template onto the lone cells of its marker colour, with a learned per-colour transform."""
    if not task.train or not same_shapes(task):
        return []
    for i, o in task.train:
        d = np.asarray(i) != np.asarray(o)
        if not d.any():
            return []
    return first_solution(task, "marker_stamp", _hypotheses(task, deadline))
