"""Recolour whole objects by one object property: a table property value -> new colour (or "keep its colour"),
learned over every object of every demo. Rank properties (largest, second largest, ...) and predicates (is a
rectangle, touches the border, has holes) carry over to test inputs whose objects have new sizes or colours.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import Timeout, check_deadline, make_candidate, same_shapes
from synthloop.arc.dsl.specialists.learn import narrow_tables, paint_by_table
from synthloop.arc.grid import ArcTask, Candidate

KEEP = -1
MODES = ("c4", "c8", "m8")


def _dense_rank(vals: list[float], descending: bool) -> list[int]:
    order = sorted(set(vals), reverse=descending)
    return [order.index(v) for v in vals]


def _features(objs: list[O.Object]) -> dict[str, list]:
    feats: dict[str, list] = {name: [float(f(o)) for o in objs] for name, f in O.PROPERTIES.items()
                              if name not in ("top", "left", "bottom", "right")}
    feats.update({name: [bool(f(o)) for o in objs] for name, f in O.PREDICATES.items()})
    feats.update({name: list(v) for name, v in O.group_properties(objs).items()})
    sizes = [float(o.size) for o in objs]
    feats["size_rank_desc"] = _dense_rank(sizes, True)
    feats["size_rank_asc"] = _dense_rank(sizes, False)
    feats["is_largest"] = [s == max(sizes) for s in sizes]
    feats["is_smallest"] = [s == min(sizes) for s in sizes]
    feats["colour"] = [o.color for o in objs]
    for k in range(1, 13):
        feats[f"size=={k}"] = [s == k for s in sizes]
        feats[f"size>={k + 1}"] = [s >= k + 1 for s in sizes]
    return feats


def _learn(task: ArcTask, mode: str) -> list[tuple[str, dict, int]]:
    """(feature, table, n_keys) for every feature whose table explains every demo and covers the test objects."""
    allowed: dict[str, dict] = {}
    bad: set[str] = set()
    changed = False
    for i, o in task.train:
        i, o = np.asarray(i), np.asarray(o)
        objs = O.extract(i, mode)
        if not objs or len(objs) > 60:
            return []
        covered = np.zeros(i.shape, dtype=bool)
        targets = []
        for ob in objs:
            covered[ob.rows, ob.cols] = True
            outs = np.unique(o[ob.rows, ob.cols])
            if len(outs) == 1:
                c = int(outs[0])
                keep = np.array_equal(o[ob.rows, ob.cols], i[ob.rows, ob.cols])
                targets.append({c, KEEP} if keep else {c})
            elif np.array_equal(o[ob.rows, ob.cols], i[ob.rows, ob.cols]):
                targets.append({KEEP})
            else:
                return []
            changed |= KEEP not in targets[-1]
        if not np.array_equal(i[~covered], o[~covered]):
            return []
        for name, vals in _features(objs).items():
            if name in bad:
                continue
            table = allowed.setdefault(name, {})
            for v, t in zip(vals, targets, strict=True):
                cur = table.get(v)
                new = t if cur is None else cur & t
                if not new:
                    bad.add(name)
                    break
                table[v] = new
    if not changed:
        return []
    test_feats = [_features(O.extract(np.asarray(g), mode)) for g in task.test_inputs]
    out = []
    for name, table in allowed.items():
        if name in bad or len(table) < 2:
            continue
        if not all(v in table for tf in test_feats for v in tf[name]):
            continue
        final = {v: (KEEP if KEEP in s else min(s)) for v, s in table.items()}
        out.append((name, final, len(set(final.values()))))
    out.sort(key=lambda r: (r[2], len(r[1])))
    return out


def _fn(mode: str, name: str, table: dict) -> Callable[[np.ndarray], np.ndarray | None]:
    def fn(g: np.ndarray) -> np.ndarray | None:
        g = np.asarray(g)
        objs = O.extract(g, mode)
        return paint_by_table(g, objs, _features(objs)[name], table, KEEP)

    return fn


def object_recolour(task: ArcTask, deadline: float) -> list[Candidate]:
    """Objects (several extraction modes) recoloured by a table over one property."""
    if not task.train or not same_shapes(task):
        return []
    cands: list[Candidate] = []
    seen: set[bytes] = set()
    try:
        for mode in MODES:
            check_deadline(deadline)
            for name, table, n_vals in _learn(task, mode)[:4]:
                text = ", ".join(f"{k}->{'keep' if v == KEEP else v}" for k, v in sorted(table.items(), key=str))
                c = make_candidate(task, _fn(mode, name, table), family="object_recolour",
                                   program=f"recolour_objects({mode}, by={name}, {{{text}}})",
                                   description=f"recolour each of the {O.EXTRACTOR_TEXT[mode]} by its {name}: {text}",
                                   size=4 + n_vals + (name == "colour"))
                if c is None or not c.solves_train:
                    continue
                key = b"".join(p.tobytes() if p is not None else b"-" for p in c.predictions)
                if key in seen:
                    continue
                seen.add(key)
                cands.append(c)
                if len(cands) >= 2:
                    return cands
    except Timeout:
        pass
    return cands


# ------------------------------------------------------------------------------------------ colour from a key


def _source_colour(g: np.ndarray, ob: O.Object, target: int, bg: int, how: str) -> int | None:
    """The colour `ob` takes from the other cells (not bg, not the target colour): in its columns / rows, or the
    nearest one; None when there is no single such colour."""
    other = (g != bg) & (g != target)
    if how == "column":
        vals = np.unique(g[:, np.unique(ob.cols)][other[:, np.unique(ob.cols)]])
    elif how == "row":
        vals = np.unique(g[np.unique(ob.rows), :][other[np.unique(ob.rows), :]])
    else:
        ys, xs = np.nonzero(other)
        if ys.size == 0:
            return None
        d = np.min(np.abs(ys[None, :] - ob.rows[:, None]) + np.abs(xs[None, :] - ob.cols[:, None]), axis=0)
        vals = np.unique(g[ys[d == d.min()], xs[d == d.min()]])
    return int(vals[0]) if len(vals) == 1 else None


def _key_fn(target: int, mode: str, how: str) -> Callable[[np.ndarray], np.ndarray | None]:
    def fn(g: np.ndarray) -> np.ndarray | None:
        g = np.asarray(g)
        bg = O.background_color(g)
        out = g.copy()
        for ob in O.extract(g, mode):
            if ob.color != target:
                continue
            c = _source_colour(g, ob, target, bg, how)
            if c is None:
                return None
            out[ob.rows, ob.cols] = c
        return out

    return fn


def recolour_by_key(task: ArcTask, deadline: float) -> list[Candidate]:
    """Objects of one colour take the colour of a key cell: the one sharing their columns or rows, or the nearest."""
    if not task.train or not same_shapes(task):
        return []
    changed = set()
    for i, o in task.train:
        i, o = np.asarray(i), np.asarray(o)
        changed |= set(np.unique(i[i != o]).tolist())
    if len(changed) != 1:
        return []
    target = changed.pop()
    cands: list[Candidate] = []
    for how in ("column", "row", "nearest"):
        for mode in ("c4", "c8"):
            if time.monotonic() > deadline:
                return cands
            c = make_candidate(task, _key_fn(target, mode, how), family="object_recolour",
                               program=f"recolour_by_key(colour={target}, {mode}, key={how})",
                               description=f"each object of colour {target} ({O.EXTRACTOR_TEXT[mode]}) takes the "
                                           f"colour of the {'nearest other cell' if how == 'nearest' else 'other cells in its ' + how + 's'}",
                               size=5)
            if c is not None and c.solves_train:
                return [c]
    return cands


# ------------------------------------------------------------------------------------------------------- halos


def _halo(ob: O.Object, shape: tuple[int, int], diagonal: bool) -> np.ndarray:
    m = np.zeros(shape, dtype=bool)
    m[ob.rows, ob.cols] = True
    h = m.copy()
    h[1:] |= m[:-1]
    h[:-1] |= m[1:]
    h[:, 1:] |= m[:, :-1]
    h[:, :-1] |= m[:, 1:]
    if diagonal:
        h[1:, 1:] |= m[:-1, :-1]
        h[1:, :-1] |= m[:-1, 1:]
        h[:-1, 1:] |= m[1:, :-1]
        h[:-1, :-1] |= m[1:, 1:]
    return h & ~m


def _halo_fn(mode: str, name: str, table: dict, diagonal: bool) -> Callable[[np.ndarray], np.ndarray | None]:
    def fn(g: np.ndarray) -> np.ndarray | None:
        g = np.asarray(g)
        bg = O.background_color(g)
        objs = O.extract(g, mode)
        vals = _features(objs)[name]
        out = g.copy()
        for ob, v in zip(objs, vals, strict=True):
            t = table.get(v)
            if t is None:
                return None
            if t != KEEP:
                out[_halo(ob, g.shape, diagonal) & (g == bg)] = t
        return out

    return fn


def object_halo(task: ArcTask, deadline: float) -> list[Candidate]:
    """Objects chosen by one property get a ring (4- or 8-neighbours) of a colour learned per property value."""
    if not task.train or not same_shapes(task):
        return []
    for i, o in task.train:  # only background cells change
        i, o = np.asarray(i), np.asarray(o)
        if np.any(i[i != o] != O.background_color(i)):
            return []
    for mode in ("c4", "c8"):
        for diagonal in (True, False):
            if time.monotonic() > deadline:
                return []
            allowed: dict[str, dict] = {}
            bad: set[str] = set()
            for i, o in task.train:
                i, o = np.asarray(i), np.asarray(o)
                bg = O.background_color(i)
                objs = O.extract(i, mode)
                if not objs or len(objs) > 60:
                    bad = {"*"}
                    break
                targets = []
                for ob in objs:
                    ring = _halo(ob, i.shape, diagonal) & (i == bg)
                    vals = np.unique(o[ring])
                    targets.append({KEEP} if len(vals) == 0 or (len(vals) == 1 and vals[0] == bg)
                                   else {int(vals[0])} if len(vals) == 1 else {KEEP})
                narrow_tables(allowed, bad, _features(objs), targets)
            if "*" in bad:
                continue
            test_feats = [_features(O.extract(np.asarray(g), mode)) for g in task.test_inputs]
            options = []
            for name, table in allowed.items():
                if name in bad or all(KEEP in s for s in table.values()):
                    continue
                if not all(v in table for tf in test_feats for v in tf[name]):
                    continue
                final = {v: (KEEP if KEEP in s else min(s)) for v, s in table.items()}
                options.append((len(set(final.values())), len(final), name, final))
            for n_vals, _, name, table in sorted(options, key=lambda r: r[:2])[:4]:
                text = ", ".join(f"{k}->{'none' if v == KEEP else v}" for k, v in sorted(table.items(), key=str))
                c = make_candidate(task, _halo_fn(mode, name, table, diagonal), family="object_recolour",
                                   program=f"halo({mode}, {'8' if diagonal else '4'}-ring, by={name}, {{{text}}})",
                                   description=f"surround each of the {O.EXTRACTOR_TEXT[mode]} with a ring whose "
                                               f"colour depends on its {name}: {text}", size=5 + n_vals)
                if c is not None and c.solves_train:
                    return [c]
    return []
