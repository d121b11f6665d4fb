"""Count-based outputs: the output's size or fill comes from a count (objects, cells, colours) and its colour from a
property-selected colour. Learned: which count, which colour, which layout (fixed size filled, N-long bar, NxN
square, or the first N cells of a fixed-size grid).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate
from synthloop.arc.grid import ArcTask, Candidate


def _counts(g: np.ndarray) -> dict[str, int]:
    bg = O.background_color(g)
    out: dict[str, int] = {}
    for mode in ("c4", "c8", "m8"):
        objs = O.extract(g, mode)
        out[f"objects({mode})"] = len(objs)
        if objs:
            sizes = [o.size for o in objs]
            out[f"largest_size({mode})"] = max(sizes)
            out[f"objects_of_largest_shape_count({mode})"] = max(O.property_vector(objs, "shape_count"))
        for c in range(10):
            out[f"objects_of_colour({mode},{c})"] = sum(1 for o in objs if o.color == c)
            # the blocks of a colour, ignoring its single-cell specks
            out[f"non_speck_objects_of_colour({mode},{c})"] = sum(1 for o in objs if o.color == c and o.size > 1)
    out["cells"] = int((g != bg).sum())
    out["colours"] = len(set(np.unique(g).tolist()) - {bg})
    for c in range(10):
        out[f"cells_of_colour({c})"] = int((g == c).sum())
    return {k: int(v) for k, v in out.items()}


def _colours(g: np.ndarray) -> dict[str, int]:
    bg = O.background_color(g)
    out: dict[str, int] = {"most_common_colour_with_background": int(O.most_common_color(g))}
    mc = O.most_common_color(g, exclude=[bg])
    lc = O.least_common_color(g, exclude=[bg])
    if mc is not None and (g != bg).any():
        out["most_common_colour"] = mc
    if lc is not None:
        out["least_common_colour"] = lc
    for mode in ("c4", "c8"):
        objs = O.extract(g, mode)
        for prop in ("size", "area", "color_count", "holes", "hole_cells"):
            for largest in (True, False):
                o = O.select(objs, prop, largest)
                if o is not None:
                    out[f"colour_of_{'max' if largest else 'min'}_{prop}({mode})"] = o.color
        if objs:
            cnt = np.bincount([o.color for o in objs], minlength=10)
            if (cnt == cnt.max()).sum() == 1:
                out[f"colour_with_most_objects({mode})"] = int(cnt.argmax())
    return out


def counting(task: ArcTask, deadline: float) -> list[Candidate]:
    """Output = a grid whose size / filled cells come from a learned count and whose colour is learned."""
    if not task.train or any(o.size > 100 for _, o in task.train):
        return []
    if any(i.shape == o.shape for i, o in task.train):
        return []
    outs = [np.asarray(o) for _, o in task.train]
    counts = [_counts(np.asarray(i)) for i, _ in task.train]
    colours = [_colours(np.asarray(i)) for i, _ in task.train]
    fixed_shape = len({o.shape for o in outs}) == 1
    out_colour_sets = [set(np.unique(o).tolist()) for o in outs]
    cands: list[Candidate] = []

    def add(fn: Callable[[np.ndarray], np.ndarray | None], prog: str, desc: str) -> None:
        c = make_candidate(task, fn, family="count", program=prog, description=desc, size=3)
        if c is not None and c.solves_train:
            cands.append(c)

    # colour spec: a learned selector or a constant
    colour_specs: list[tuple[str, Callable[[np.ndarray, dict], int | None]]] = []
    for name in sorted(set.intersection(*[set(c) for c in colours])) if colours else []:
        colour_specs.append((name, lambda g, cs, name=name: cs.get(name)))
    for c in range(10):
        colour_specs.append((str(c), lambda g, cs, c=c: c))

    # (a) fixed output shape filled with one colour
    if fixed_shape and all(len(s) == 1 for s in out_colour_sets):
        shape = outs[0].shape
        for cname, cf in colour_specs:
            if all(cf(np.asarray(i), cs) == int(o[0, 0]) for (i, _), cs, o in zip(task.train, colours, outs, strict=True)):
                add(lambda g, cf=cf: None if (v := cf(g, _colours(g))) is None else np.full(shape, v),
                    f"fill({shape}, {cname})", f"output a {shape[0]}x{shape[1]} grid of {cname}")
                break
    if time.monotonic() > deadline:
        return cands

    # (b) a bar / square whose length is a count, filled with one colour
    shared = set.intersection(*[set(c) for c in counts])
    for layout in ("row", "col", "square"):
        if not all(len(s) == 1 for s in out_colour_sets):
            break
        def n_of(o, layout=layout):
            if layout == "row":
                return o.shape[1] if o.shape[0] == 1 else None
            if layout == "col":
                return o.shape[0] if o.shape[1] == 1 else None
            return o.shape[0] if o.shape[0] == o.shape[1] else None
        ns = [n_of(o) for o in outs]
        if None in ns:
            continue
        for qn in sorted(shared):
            if not all(cn[qn] == n for cn, n in zip(counts, ns, strict=True)):
                continue
            for cname, cf in colour_specs:
                if not all(cf(np.asarray(i), cs) == int(o[0, 0])
                           for (i, _), cs, o in zip(task.train, colours, outs, strict=True)):
                    continue

                def fn(g, qn=qn, cf=cf, layout=layout):
                    n, v = _counts(g).get(qn, 0), cf(g, _colours(g))
                    if n <= 0 or n > 30 or v is None:
                        return None
                    return np.full({"row": (1, n), "col": (n, 1), "square": (n, n)}[layout], v)

                add(fn, f"bar_{layout}(count={qn}, colour={cname})",
                    f"output a {layout} of {cname} as long as the number of {qn}")
                break
            if cands:
                return cands

    # (c) fixed shape; the first N cells (in a learned reading order: left to right, right to left, or column by
    # column) get colour C, the rest colour B
    if fixed_shape:
        shape = outs[0].shape
        idx = np.arange(shape[0] * shape[1]).reshape(shape)
        orders = [("", idx.ravel()), (", from the right", idx[:, ::-1].ravel()), (", by columns", idx.T.ravel())]
        for oname, order in orders:
            flat = [o.ravel()[order] for o in outs]
            for qn in sorted(shared):
                ok = True
                fill, rest = None, None
                for cn, f in zip(counts, flat, strict=True):
                    n = cn[qn]
                    if n > f.size or (n < f.size and rest is not None and f[n] != rest):
                        ok = False
                        break
                    if n and (len(set(f[:n].tolist())) != 1 or (fill is not None and f[0] != fill)):
                        ok = False
                        break
                    if len(set(f[n:].tolist())) > 1:
                        ok = False
                        break
                    fill = int(f[0]) if n else fill
                    rest = int(f[n]) if n < f.size else rest
                if not ok or fill is None or rest is None:
                    continue

                def fn(g, qn=qn, fill=fill, rest=rest, order=order):
                    n = _counts(g).get(qn, 0)
                    if n > shape[0] * shape[1]:
                        return None
                    out = np.full(shape[0] * shape[1], rest)
                    out[order[:n]] = fill
                    return out.reshape(shape)

                add(fn, f"first_n(shape={shape}, count={qn}, colour={fill}, rest={rest}{oname})",
                    f"fill the first cells{oname} of a {shape[0]}x{shape[1]} grid with {fill}, one per {qn}")
                if cands:
                    return cands
    return cands


def _grid_flags(g: np.ndarray) -> dict[str, int]:
    g = np.asarray(g)
    bg = O.background_color(g)
    return {
        "symmetric_lr": int(np.array_equal(g, g[:, ::-1])),
        "symmetric_ud": int(np.array_equal(g, g[::-1])),
        "symmetric_any": int(np.array_equal(g, g[:, ::-1]) or np.array_equal(g, g[::-1])),
        "colours": len(set(np.unique(g).tolist()) - {bg}),
        "objects(c8)": min(len(O.extract(g, "c8")), 20),
        "objects(m8)": min(len(O.extract(g, "m8")), 20),
        "cells": min(int((g != bg).sum()), 30),
    }


def fill_like_input(task: ArcTask, deadline: float) -> list[Candidate]:
    """Output = the input's shape filled with one learned colour (most / least common, of the largest object...)."""
    outs = [np.asarray(o) for _, o in task.train]
    if not task.train or any(i.shape != o.shape or len(np.unique(o)) != 1 for i, o in task.train):
        return []
    cols = [_colours(np.asarray(i)) for i, _ in task.train]
    for name in sorted(set.intersection(*[set(c) for c in cols])):
        if all(c[name] == int(o[0, 0]) for c, o in zip(cols, outs, strict=True)):
            c = make_candidate(task, lambda g, name=name: None if (v := _colours(np.asarray(g)).get(name)) is None
                               else np.full(np.asarray(g).shape, v), family="count", size=3,
                               program=f"fill_like(x, {name})", description=f"paint the whole grid with the {name}")
            if c is not None:
                return [c]
    return []


def classify_grid(task: ArcTask, deadline: float) -> list[Candidate]:
    """Fixed-shape single-colour output whose colour is a learned function of one grid-level feature."""
    outs = [np.asarray(o) for _, o in task.train]
    if not task.train or len({o.shape for o in outs}) != 1 or any(len(np.unique(o)) != 1 for o in outs):
        return []
    return _classify(task, outs, single_colour=True)


def classify_to_grid(task: ArcTask, deadline: float) -> list[Candidate]:
    """Output = one of a few fixed grids (seen in the demos), chosen by a grid-level feature."""
    outs = [np.asarray(o) for _, o in task.train]
    if not task.train or len({o.shape for o in outs}) != 1 or len({o.tobytes() for o in outs}) < 2:
        return []
    if len({o.tobytes() for o in outs}) == len(outs) and len(outs) > 2:
        return []  # every demo has its own output: nothing to classify into
    return _classify(task, outs, single_colour=False)


def _classify(task: ArcTask, outs: list[np.ndarray], single_colour: bool) -> list[Candidate]:
    shape = outs[0].shape
    flags = [_grid_flags(i) for i, _ in task.train]
    test_flags = [_grid_flags(g) for g in task.test_inputs]
    out = []
    for name in flags[0]:
        table: dict[int, bytes] = {}
        if any(table.setdefault(f[name], o.tobytes()) != o.tobytes() for f, o in zip(flags, outs, strict=True)):
            continue
        if len(set(table.values())) < 2 or len(table) >= len(outs) or any(tf[name] not in table for tf in test_flags):
            continue  # needs two outputs, and a demo that confirms a feature value seen before
        grids = {k: np.frombuffer(v, dtype=outs[0].dtype).reshape(shape) for k, v in table.items()}
        shown = {k: int(v[0, 0]) for k, v in grids.items()} if single_colour else {k: "grid" for k in grids}
        c = make_candidate(task, lambda g, name=name, grids=grids: grids[_grid_flags(g)[name]],
                           family="count", size=3, program=f"classify({name}, {shown})",
                           description=f"output the {shape[0]}x{shape[1]} grid that goes with the input's {name}")
        if c is not None and c.solves_train:
            out.append(c)
    return out[:2]
