"""Layered rules: the input is turned into aligned layers of the output's shape, and each output cell takes its
colour from a learned *source* (one of the layers, or a constant) chosen by a key over the layers at that cell.

Layer builders (the learned structure):
- tiling / scaling: output = (a*h, b*w); layers = the input tiled, the input scaled up, mirrored tilings;
- partitions: the input cut by separator lines (or into equal blocks) into cells of the output's shape; layers =
  the cells, so boolean ops (and / or / xor / nor) and overlays with learned priorities fall out of the table;
- block reduction: output = (h/a, w/b); layers = per-block summaries.
The key is either which layers are non-background (colour-free, generalises to new colours) or the raw colours.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import Timeout, check_deadline, make_candidate
from synthloop.arc.grid import ArcTask, Candidate

Layers = list[np.ndarray]
Builder = Callable[[np.ndarray], "tuple[Layers, int] | None"]  # -> (layers, background)


# ---------------------------------------------------------------------------------------------------------------
# the source-table learner


def _keys(layers: Layers, bg: int, raw: bool) -> np.ndarray:
    code = np.zeros(layers[0].shape, dtype=np.int64)
    for L in layers:
        code = code * 11 + (L.astype(np.int64) if raw else (L != bg).astype(np.int64))
    return code.ravel()


def _sources(layers: Layers) -> np.ndarray:
    """(n_sources, n_cells): each layer's value, then the constants 0..9."""
    n = layers[0].size
    rows = [L.astype(np.int64).ravel() for L in layers]
    rows += [np.full(n, c, dtype=np.int64) for c in range(10)]
    return np.stack(rows)


def learn_source_table(examples: list[tuple[Layers, int, np.ndarray]], raw: bool) -> dict[int, int] | None:
    """key -> source index consistent with every example cell, or None when some key has no consistent source."""
    ok: dict[int, np.ndarray] = {}
    for layers, bg, out in examples:
        keys = _keys(layers, bg, raw)
        srcs = _sources(layers)
        match = srcs == out.astype(np.int64).ravel()[None, :]
        for k in np.unique(keys):
            col = match[:, keys == k].all(axis=1)
            ok[int(k)] = ok[int(k)] & col if int(k) in ok else col
            if not ok[int(k)].any():
                return None
    return {k: int(np.argmax(v)) for k, v in ok.items()}


def apply_source_table(table: dict[int, int], layers: Layers, bg: int, raw: bool) -> np.ndarray | None:
    keys = _keys(layers, bg, raw)
    srcs = _sources(layers)
    out = np.empty(keys.shape, dtype=np.int64)
    for k in np.unique(keys):
        s = table.get(int(k))
        if s is None:
            return None
        sel = keys == k
        out[sel] = srcs[s, sel]
    return out.reshape(layers[0].shape)


def _learn_builder(task: ArcTask, builder: Builder, name: str, desc: str, deadline: float) -> list[Candidate]:
    examples = []
    for i, o in task.train:
        r = builder(i)
        if r is None or r[0][0].shape != o.shape:
            return []
        examples.append((r[0], r[1], o))
    out = []
    for raw in (False, True):
        check_deadline(deadline)
        table = learn_source_table(examples, raw)
        if table is None:
            continue

        def fn(g, table=table, raw=raw):
            r = builder(g)
            return None if r is None else apply_source_table(table, r[0], r[1], raw)

        c = make_candidate(
            task, fn, family="layers", size=3 + len(examples[0][0]) + (2 if raw else 0),
            program=f"{name} |> source_table(key={'colours' if raw else 'occupancy'})",
            description=f"{desc}; each cell takes a colour chosen from the layers by a learned table",
        )
        if c is not None:
            out.append(c)
            break
    return out


# ---------------------------------------------------------------------------------------------------------------
# builders


def _tiling(a: int, b: int) -> list[tuple[str, str, Builder]]:
    def plain(g: np.ndarray):
        g = np.asarray(g)
        return [np.tile(g, (a, b)), np.kron(g, np.ones((a, b), dtype=g.dtype))], O.background_color(g)

    def mirror(g: np.ndarray):
        g = np.asarray(g)
        h, w = g.shape
        out = np.zeros((a * h, b * w), dtype=g.dtype)
        for i in range(a):
            for j in range(b):
                blk = g[::-1] if i % 2 else g
                blk = blk[:, ::-1] if j % 2 else blk
                out[i * h : (i + 1) * h, j * w : (j + 1) * w] = blk
        return [out, np.kron(g, np.ones((a, b), dtype=g.dtype))], O.background_color(g)

    return [
        (f"tile_and_scale(x, {a}, {b})", f"lay the input out {a}x{b} times next to itself and scaled up {a}x{b}", plain),
        (f"mirror_tile(x, {a}, {b})", f"lay the input out {a}x{b} times, mirroring alternate copies", mirror),
    ]


def find_separators(g: np.ndarray) -> tuple[int, list[int], list[int]] | None:
    """(colour, separator rows, separator cols): full lines of one colour cutting the grid into >= 2 equal cells.

    Among colours that qualify, the background colour comes last, then more lines win.
    """
    g = np.asarray(g)
    h, w = g.shape
    bg = O.background_color(g)
    best = None
    for c in np.unique(g):
        c = int(c)
        rows = [r for r in range(h) if (g[r] == c).all()]
        cols = [k for k in range(w) if (g[:, k] == c).all()]
        if (not rows and not cols) or len(rows) == h or len(cols) == w:
            continue
        shapes = {(r1 - r0, c1 - c0) for r0, r1 in _runs(h, rows) for c0, c1 in _runs(w, cols)}
        n = len(_runs(h, rows)) * len(_runs(w, cols))
        if n < 2 or len(shapes) != 1:
            continue
        score = (c != bg, len(rows) + len(cols))
        if best is None or score > best[0]:
            best = (score, c, rows, cols)
    return None if best is None else (best[1], best[2], best[3])


def _runs(n: int, seps: list[int]) -> list[tuple[int, int]]:
    out, start = [], 0
    for s in seps + [n]:
        if s > start:
            out.append((start, s))
        start = s + 1
    return out


def split_cells(g: np.ndarray) -> list[np.ndarray] | None:
    """Cells between separator lines, in reading order (all of one shape)."""
    sep = find_separators(g)
    if sep is None:
        return None
    _, rows, cols = sep
    return [np.asarray(g)[r0:r1, c0:c1] for r0, r1 in _runs(g.shape[0], rows) for c0, c1 in _runs(g.shape[1], cols)]


def _partition(g: np.ndarray):
    cells = split_cells(g)
    if cells is None or len(cells) > 6:
        return None
    bg = O.background_color(np.concatenate([c.ravel() for c in cells])[None, :])
    return cells, bg


def _equal_split(a: int, b: int) -> Builder:
    def fn(g: np.ndarray):
        g = np.asarray(g)
        h, w = g.shape
        if h % a or w % b:
            return None
        hh, ww = h // a, w // b
        cells = [g[i * hh : (i + 1) * hh, j * ww : (j + 1) * ww] for i in range(a) for j in range(b)]
        return cells, O.background_color(g)

    return fn


def _block_reduce(a: int, b: int) -> Builder:
    def fn(g: np.ndarray):
        g = np.asarray(g)
        h, w = g.shape
        if h % a or w % b:
            return None
        bg = O.background_color(g)
        blocks = g.reshape(h // a, a, w // b, b).transpose(0, 2, 1, 3).reshape(h // a, w // b, a * b)
        nonbg = np.where(blocks != bg, blocks, -1).max(axis=2)
        nonbg = np.where(nonbg < 0, bg, nonbg)
        counts = (blocks[..., None] == np.arange(10)).sum(axis=2)
        majority = counts.argmax(axis=2)
        return [nonbg, blocks[:, :, 0], majority], bg

    return fn


def layered(task: ArcTask, deadline: float) -> list[Candidate]:
    """Try tiling/scaling, partitions, equal splits and block reductions consistent with the train shapes."""
    if not task.train:
        return []
    ratios = set()
    for i, o in task.train:
        ratios.add((o.shape[0] / i.shape[0], o.shape[1] / i.shape[1]))
    builders: list[tuple[str, str, Builder]] = []
    if len(ratios) == 1:
        ra, rb = ratios.pop()
        if ra >= 1 and rb >= 1 and ra == int(ra) and rb == int(rb) and (ra, rb) != (1, 1) and ra * rb <= 16:
            builders += _tiling(int(ra), int(rb))
        if ra <= 1 and rb <= 1 and (ra, rb) != (1, 1):
            a, b = round(1 / ra), round(1 / rb)
            if abs(a * ra - 1) < 1e-9 and abs(b * rb - 1) < 1e-9:
                builders.append((f"split_equal(x, {a}, {b})", f"cut the input into {a}x{b} equal blocks",
                                 _equal_split(a, b)))
                builders.append((f"block_reduce(x, {a}, {b})",
                                 f"shrink each {a}x{b} block of the input to one cell", _block_reduce(a, b)))
    if all(i.shape != o.shape for i, o in task.train):
        builders.append(("split_by_separators(x)", "cut the input into cells along its separator lines", _partition))
    out: list[Candidate] = []
    try:
        for name, desc, b in builders:
            out += _learn_builder(task, b, name, desc, deadline)
    except Timeout:
        pass
    return out


_D4: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "id": lambda x: x,
    "fliplr": lambda x: x[:, ::-1],
    "flipud": lambda x: x[::-1],
    "rot180": lambda x: x[::-1, ::-1],
    "rot90": lambda x: np.rot90(x, 1),
    "rot270": lambda x: np.rot90(x, 3),
    "transpose": lambda x: x.T,
    "antitranspose": lambda x: np.rot90(x, 2).T,
}


def arrangement(task: ArcTask, deadline: float) -> list[Candidate]:
    """Output = an a x b arrangement of flipped / rotated copies of the input, one learned transform per block."""
    if not task.train:
        return []
    ratios = {(o.shape[0] / i.shape[0], o.shape[1] / i.shape[1]) for i, o in task.train}
    if len(ratios) != 1:
        return []
    ra, rb = ratios.pop()
    if ra != int(ra) or rb != int(rb) or ra * rb > 16:
        return []
    a, b = int(ra), int(rb)
    if (a, b) == (1, 1) and all(np.array_equal(i, o) for i, o in task.train):
        return []
    plan: list[list[str]] = []
    for bi in range(a):
        row = []
        for bj in range(b):
            names = []
            for name, f in _D4.items():
                good = True
                for i, o in task.train:
                    h, w = i.shape
                    blk = o[bi * h : (bi + 1) * h, bj * w : (bj + 1) * w]
                    x = f(np.asarray(i))
                    if x.shape != blk.shape or not np.array_equal(x, blk):
                        good = False
                        break
                if good:
                    names.append(name)
            if not names:
                return []
            row.append(names[0])
        plan.append(row)
    if plan == [["id"]]:
        return []
    if time.monotonic() > deadline:
        return []

    def fn(g: np.ndarray) -> np.ndarray | None:
        g = np.asarray(g)
        blocks = [[_D4[n](g) for n in row] for row in plan]
        if any(x.shape != g.shape for row in blocks for x in row):
            return None
        return np.block(blocks)

    c = make_candidate(task, fn, family="layers", size=2, program=f"arrange(x, {plan})",
                       description=f"lay out {a}x{b} copies of the input transformed as {plan}")
    return [c] if c is not None and c.solves_train else []


def _cell_props(cells: list[np.ndarray], bg: int) -> dict[str, list[float]]:
    keys = [c.tobytes() for c in cells]
    colsets = [frozenset(np.unique(c).tolist()) - {bg} for c in cells]
    return {
        "filled": [float((c != bg).sum()) for c in cells],
        "colours": [float(len(s)) for s in colsets],
        "pattern_count": [float(keys.count(k)) for k in keys],
        "colourset_count": [float(colsets.count(s)) for s in colsets],
        "symmetric": [float(np.array_equal(c, c[:, ::-1]) or np.array_equal(c, c[::-1])) for c in cells],
        "transpose_symmetric": [float(c.shape[0] == c.shape[1] and np.array_equal(c, c.T)) for c in cells],
    }


def _pick(vals: list[float], largest: bool) -> int | None:
    best = max(vals) if largest else min(vals)
    hits = [k for k, v in enumerate(vals) if v == best]
    return hits[0] if len(hits) == 1 else None


def select_cell(task: ArcTask, deadline: float) -> list[Candidate]:
    """Output = the one cell (between separator lines, or of an equal split) picked by a learned property."""
    if not task.train or any(i.shape == o.shape for i, o in task.train):
        return []
    splitters: list[tuple[str, Callable[[np.ndarray], list[np.ndarray] | None]]] = [("separators", split_cells)]
    ratios = {(i.shape[0] // o.shape[0], i.shape[1] // o.shape[1]) for i, o in task.train
              if i.shape[0] % o.shape[0] == 0 and i.shape[1] % o.shape[1] == 0}
    if len(ratios) == 1:
        a, b = ratios.pop()
        splitters.append((f"equal_{a}x{b}", lambda g, a=a, b=b: (_equal_split(a, b)(g) or (None,))[0]))
    out = []
    for sname, split in splitters:
        if time.monotonic() > deadline:
            break
        per = []
        for i, o in task.train:
            cells = split(np.asarray(i))
            if not cells or cells[0].shape != o.shape:
                per = []
                break
            per.append((_cell_props(cells, O.background_color(np.asarray(i))), cells, o))
        if not per:
            continue
        for prop in per[0][0]:
            for largest in (True, False):
                if all((k := _pick(props[prop], largest)) is not None and np.array_equal(cells[k], o)
                       for props, cells, o in per):
                    def fn(g, split=split, prop=prop, largest=largest):
                        cells = split(np.asarray(g))
                        if not cells:
                            return None
                        k = _pick(_cell_props(cells, O.background_color(np.asarray(g)))[prop], largest)
                        return None if k is None else cells[k]

                    c = make_candidate(task, fn, family="layers", size=3,
                                       program=f"select_cell({sname}, {'max' if largest else 'min'}:{prop})",
                                       description=f"cut the input into cells ({sname}) and output the cell with the "
                                                   f"{'most' if largest else 'fewest'} {prop}")
                    if c is not None:
                        out.append(c)
    return out[:3]


def cell_summary(task: ArcTask, deadline: float) -> list[Candidate]:
    """Output = one cell per separator-partition cell, coloured by a learned table over the cell's fill count,
    or the cell's majority non-background colour."""
    if not task.train or any(i.shape == o.shape for i, o in task.train):
        return []

    def grid_of(g: np.ndarray):
        sep = find_separators(g)
        if sep is None:
            return None
        _, rows, cols = sep
        rr, cc = _runs(g.shape[0], rows), _runs(g.shape[1], cols)
        bg = O.background_color(np.asarray(g))
        cnt = np.zeros((len(rr), len(cc)), dtype=np.int64)
        maj = np.zeros((len(rr), len(cc)), dtype=np.int64)
        for a, (r0, r1) in enumerate(rr):
            for b, (c0, c1) in enumerate(cc):
                cell = np.asarray(g)[r0:r1, c0:c1]
                cnt[a, b] = int((cell != bg).sum())
                m = O.most_common_color(cell, exclude=[bg, sep[0]])
                maj[a, b] = bg if m is None or not (cell == m).any() else m
        return cnt, maj

    data = []
    for i, o in task.train:
        r = grid_of(np.asarray(i))
        if r is None or r[0].shape != o.shape:
            return []
        data.append((r, np.asarray(o)))
    out = []
    # majority colour per cell
    if all(np.array_equal(maj, o) for (_, maj), o in data):
        c = make_candidate(task, lambda g: (r := grid_of(np.asarray(g))) and r[1], family="layers", size=3,
                           program="cell_majority(split_by_separators(x))",
                           description="one output cell per partition cell, coloured with its main colour")
        if c is not None:
            out.append(c)
    # count -> colour table
    table: dict[int, int] = {}
    ok = True
    for (cnt, _), o in data:
        for k, v in zip(cnt.ravel().tolist(), o.ravel().tolist(), strict=True):
            if table.setdefault(k, v) != v:
                ok = False
    if ok and time.monotonic() < deadline:
        def fn(g):
            r = grid_of(np.asarray(g))
            if r is None or any(int(k) not in table for k in r[0].ravel()):
                return None
            return np.vectorize(table.get)(r[0])

        c = make_candidate(task, fn, family="layers", size=4, program=f"cell_count_table(split_by_separators(x), {table})",
                           description="one output cell per partition cell, coloured by how many cells it has filled")
        if c is not None:
            out.append(c)
    return out


_SYMS: dict[str, tuple[Callable[[np.ndarray], np.ndarray], ...]] = {
    "left-right": (lambda x: x[:, ::-1],),
    "up-down": (lambda x: x[::-1],),
    "four-fold": (lambda x: x[:, ::-1], lambda x: x[::-1], lambda x: x[::-1, ::-1]),
    "half-turn": (lambda x: x[::-1, ::-1],),
    "diagonal": (lambda x: x.T,),
    "eight-fold": tuple(_D4.values())[1:],
}


def symmetrize(task: ArcTask, deadline: float) -> list[Candidate]:
    """Output = the input overlaid with its mirror images (background cells take the mirrored colour)."""
    if not task.train or any(i.shape != o.shape for i, o in task.train):
        return []
    out = []
    for name, ops in _SYMS.items():
        def fn(g, ops=ops):
            g = np.asarray(g)
            bg = O.background_color(g)
            res = g.copy()
            for op in ops:
                m = op(g)
                if m.shape != g.shape:
                    return None
                res = np.where(res == bg, m, res)
            return res

        c = make_candidate(task, fn, family="symmetry", size=2, program=f"symmetrize(x, {name!r})",
                           description=f"complete the picture with its {name} mirror images")
        if c is not None and c.solves_train:
            out.append(c)
            break
    return out


def _scale_counts(g: np.ndarray) -> dict[str, int]:
    bg = O.background_color(g)
    return {
        "colours": len(set(np.unique(g).tolist()) - {bg}),
        "cells": int((g != bg).sum()),
        "objects(c8)": len(O.extract(g, "c8")),
        "background cells": int((g == bg).sum()),
    }


def count_scale(task: ArcTask, deadline: float) -> list[Candidate]:
    """Output = the input scaled up (or tiled) k times, k a learned count (colours, cells, objects)."""
    if not task.train:
        return []
    ks = []
    for i, o in task.train:
        if o.shape[0] % i.shape[0] or o.shape[1] % i.shape[1]:
            return []
        k, k2 = o.shape[0] // i.shape[0], o.shape[1] // i.shape[1]
        if k != k2 or k < 1:
            return []
        ks.append(k)
    if len(set(ks)) < 2:
        return []  # a fixed factor is the tiling specialist's job
    counts = [_scale_counts(np.asarray(i)) for i, _ in task.train]
    out = []
    for name in counts[0]:
        if not all(c[name] == k for c, k in zip(counts, ks, strict=True)):
            continue
        for how, op in (("scale", lambda g, k: np.kron(g, np.ones((k, k), dtype=g.dtype))),
                        ("tile", lambda g, k: np.tile(g, (k, k)))):
            def fn(g, name=name, op=op):
                g = np.asarray(g)
                k = _scale_counts(g)[name]
                return None if k < 1 or k * max(g.shape) > 30 else op(g, k)

            c = make_candidate(task, fn, family="layers", size=3, program=f"{how}_by_count(x, {name})",
                               description=f"{how} the input by the number of {name}")
            if c is not None and c.solves_train:
                out.append(c)
        if out:
            break
    return out
