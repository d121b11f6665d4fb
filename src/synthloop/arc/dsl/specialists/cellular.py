"""Local cellular rules: output cell = table[features of the input cell], the table learned from the train pairs.

For same-shape tasks. Each feature set (own colour plus neighbours, rays, enclosure, containing-object properties,
...) gives a lookup table; a set is kept when no two train cells with equal features want different colours. Sets
are ranked by leave-one-out accuracy on the train pairs (a table learned from the other pairs, unseen keys keep
the input colour), then by whether the test inputs are fully covered, then by simplicity.
"""

from __future__ import annotations

import time

import numpy as np

from synthloop.arc.dsl.specialists.common import Timeout, check_deadline, make_candidate, same_shapes
from synthloop.arc.dsl.specialists.features import FEATURES, OUT, FeatureMaps
from synthloop.arc.grid import ArcTask, Candidate, as_grid

_BASE = 64

_NB4 = ("nb_n", "nb_s", "nb_e", "nb_w")
_NB8 = _NB4 + ("nb_nw", "nb_ne", "nb_sw", "nb_se")
_RAY4 = ("ray_n", "ray_s", "ray_e", "ray_w")
_RAY8 = _RAY4 + ("ray_nw", "ray_ne", "ray_sw", "ray_se")

_SINGLE = (
    "is_bg", "enclosed", "enclosed8", "n4count", "n8count", "row_colour", "col_colour", "between_h", "between_v",
    "bbox_m8", "bbox_c8", "bbox_colors", "row_uniform", "col_uniform", "bg_region_size2",
    *[f"{m}_{p}" for m in ("c4", "c8", "m8") for p in (
        "size", "holes", "touches_border", "shape_count", "color_count", "is_rectangle", "symmetric", "size_rank",
        "size_rank_asc", "size_ext", "height_ext", "width_ext")],
    "m8_n_colors", "m8_obj_colour", "c8_obj_colour", "m8_minor_colour",
)

FEATURE_SETS: list[tuple[str, ...]] = [
    ("colour",),
    *[("colour", s) for s in _SINGLE],
    ("colour", "between_h", "between_v"),
    ("colour", "between_h", "between_v", "between_d1", "between_d2"),
    ("colour", "between_d1", "between_d2"),
    ("colour", "row_colour", "col_colour"),
    ("colour", "row2", "col2"),
    ("colour", "row3", "col3"),
    ("colour", "row2"),
    ("colour", "col2"),
    ("colour", "n4count", "enclosed"),
    ("colour", "m8_obj_colour", "enclosed"),
    ("colour", *_NB4),
    ("colour", *_NB8),
    ("colour", "ray_n", "ray_s"),
    ("colour", "ray_e", "ray_w"),
    ("colour", *_RAY4),
    ("colour", *_RAY8),
    ("colour", "c4_size", "c4_touches_border"),
    *[("colour", d) for d in _NB8],
    ("colour", "center_row", "center_col"),
    ("colour", "c4_edge"),
    ("colour", "c4_edge", "c4_size_ext"),
    ("colour", "c4_edge", "c4_size_rank"),
    ("colour", "row_uniform", "col_uniform"),
    ("colour", "m8_edge"),
    ("colour", "c4_rel_r2", "c4_rel_c2"),
    ("colour", "m8_rel_r2", "m8_rel_c2"),
    ("colour", "c4_rel_c2"),
    ("colour", "c4_rel_r2"),
    ("colour", "c4_edge", "c4_rel_r2", "c4_rel_c2"),
    ("colour", "c4_shape_count", "c4_size"),
    ("colour", "n8count", "c8_size"),
]


def _is_colour_feature(name: str) -> bool:
    return (name == "colour" or name.startswith(("nb_", "ray_", "between_", "bbox_"))
            or name in ("row_colour", "col_colour") or name.endswith("obj_colour"))


def _role(maps: FeatureMaps, name: str) -> np.ndarray:
    """A colour feature as a role: 0 off-grid / none, 1 background, 2 the cell's own colour, 3 another colour
    (cached in the maps)."""
    key = "_role:" + name
    v = maps.cached(key)
    if v is None:
        v = maps.store(key, np.where((f := maps[name]) == OUT, 0, np.where(f == maps.bg, 1, np.where(f == maps.g, 2, 3))))
    return v


def _code_part(maps: FeatureMaps, name: str, abstract: bool) -> np.ndarray:
    """One feature's digit of the cell codes, clipped to the code base (cached in the maps)."""
    abstract = abstract and _is_colour_feature(name)
    key = ("_part_abs:" if abstract else "_part:") + name
    v = maps.cached(key)
    if v is None:
        if not abstract:
            v = maps[name]
        elif name == "colour":
            v = (maps[name] == maps.bg).astype(np.int64)
        else:
            v = _role(maps, name)
        v = maps.store(key, np.minimum(v, _BASE - 1).astype(np.int64, copy=False))
    return v


def _codes(maps: FeatureMaps, names: tuple[str, ...], abstract: bool = False) -> np.ndarray:
    """One int code per cell. abstract: colour features become (off-grid / background / own colour / other)."""
    code = _code_part(maps, names[0], abstract).copy() if names else np.zeros(maps.g.shape, dtype=np.int64)
    for n in names[1:]:
        code *= _BASE
        code += _code_part(maps, n, abstract)
    return code.ravel()


def _sources(maps: FeatureMaps, names: tuple[str, ...]) -> np.ndarray:
    """(n_sources, n_cells): the colour-valued features of the set (own colour first), then constants 0..9
    (cached in the maps: callers must not write to it)."""
    colour_names = [n for n in names if n != "colour" and _is_colour_feature(n)]
    key = "_sources:" + ",".join(colour_names)
    v = maps.cached(key)
    if v is None:
        n = maps.g.size
        v = np.empty((1 + len(colour_names) + 10, n), dtype=np.int64)
        v[0] = maps["colour"].ravel()
        for k, name in enumerate(colour_names, start=1):
            v[k] = maps[name].ravel()
        v[1 + len(colour_names):] = np.arange(10, dtype=np.int64)[:, None]
        v = maps.store(key, v)
    return v


class _Table:
    """A sorted code -> colour table with conflict detection (raw colours)."""

    def __init__(self, codes: np.ndarray, values: np.ndarray) -> None:
        order = np.argsort(codes, kind="stable")
        c, v = codes[order], values[order]
        same = c[1:] == c[:-1]
        self.consistent = not bool(np.any(same & (v[1:] != v[:-1])))
        keep = np.concatenate([[True], ~same])
        self.keys, self.vals = c[keep], v[keep]

    def lookup(self, codes: np.ndarray, srcs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(values, covered): table values where the key is known, else the cell's own colour (srcs[0])."""
        idx = np.minimum(np.searchsorted(self.keys, codes), len(self.keys) - 1)
        hit = self.keys[idx] == codes
        return np.where(hit, self.vals[idx], srcs[0]), hit


class _SourceTable:
    """A code -> source table: each key picks the first source (feature colour or constant) right for all its cells."""

    def __init__(self, codes: np.ndarray, srcs: np.ndarray, values: np.ndarray) -> None:
        order = np.argsort(codes, kind="stable")
        c = codes[order]
        match = srcs[:, order] == values[order][None, :]
        starts = np.flatnonzero(np.concatenate([[True], c[1:] != c[:-1]]))
        ok = np.logical_and.reduceat(match, starts, axis=1)  # (n_sources, n_keys)
        self.consistent = bool(ok.any(axis=0).all())
        self.keys = c[starts]
        self.vals = np.argmax(ok, axis=0)

    def lookup(self, codes: np.ndarray, srcs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        idx = np.minimum(np.searchsorted(self.keys, codes), len(self.keys) - 1)
        hit = self.keys[idx] == codes
        pick = np.where(hit, self.vals[idx], 0)
        return srcs[pick, np.arange(codes.size)], hit


def _build(abstract: bool, codes: list[np.ndarray], srcs: list[np.ndarray], outs: list[np.ndarray]):
    if abstract:
        return _SourceTable(np.concatenate(codes), np.concatenate(srcs, axis=1), np.concatenate(outs))
    return _Table(np.concatenate(codes), np.concatenate(outs))


def _table_fn(table, names: tuple[str, ...], abstract: bool):
    def fn(g: np.ndarray) -> np.ndarray:
        m = FeatureMaps(g)
        vals, _ = table.lookup(_codes(m, names, abstract), _sources(m, names))
        return vals.reshape(m.g.shape)

    return fn


_D4 = (
    lambda x: x[:, ::-1], lambda x: x[::-1], lambda x: x[::-1, ::-1], lambda x: x.T,
    lambda x: np.rot90(x, 1), lambda x: np.rot90(x, 3), lambda x: np.rot90(x, 2).T,
)


def _augment(task: ArcTask) -> tuple[list[FeatureMaps], list[np.ndarray]]:
    """Feature maps and outputs of the demos under the 7 non-identity flips / rotations."""
    maps, outs = [], []
    for i, o in task.train:
        for f in _D4:
            maps.append(FeatureMaps(np.ascontiguousarray(f(np.asarray(i)))))
            outs.append(np.ascontiguousarray(f(np.asarray(o, dtype=np.int64))).ravel())
    return maps, outs


def local_rules(task: ArcTask, deadline: float) -> list[Candidate]:
    """Learn per-cell lookup tables over many feature sets; return the best consistent ones."""
    if not same_shapes(task) or not task.train:
        return []
    train_maps = [FeatureMaps(i) for i, _ in task.train]
    outs = [np.asarray(o, dtype=np.int64).ravel() for _, o in task.train]
    test_maps = [FeatureMaps(g) for g in task.test_inputs]
    if all(np.array_equal(m.g.ravel(), o) for m, o in zip(train_maps, outs, strict=True)):
        return []
    scored = []
    aug_maps: list[FeatureMaps] | None = None
    aug_outs: list[np.ndarray] = []
    try:
        for names in FEATURE_SETS:
            for abstract in (True, False):
                check_deadline(deadline)
                codes = [_codes(m, names, abstract) for m in train_maps]
                srcs = [_sources(m, names) for m in train_maps]
                table = _build(abstract, codes, srcs, outs)
                if not table.consistent:
                    continue
                loo = 0
                for k in range(len(codes)):
                    others = [j for j in range(len(codes)) if j != k]
                    if not others:
                        continue
                    t = _build(abstract, [codes[j] for j in others], [srcs[j] for j in others],
                               [outs[j] for j in others])
                    if not t.consistent:
                        continue
                    pred, _ = t.lookup(codes[k], srcs[k])
                    loo += bool(np.array_equal(pred, outs[k]))
                covered = all(bool(table.lookup(_codes(m, names, abstract), _sources(m, names))[1].all())
                              for m in test_maps)
                aug = False
                if not covered:  # more evidence: the demos flipped and rotated, if the rule is symmetric
                    if aug_maps is None:
                        aug_maps, aug_outs = _augment(task)
                    t = _build(abstract, codes + [_codes(m, names, abstract) for m in aug_maps],
                               srcs + [_sources(m, names) for m in aug_maps], outs + aug_outs)
                    if t.consistent and all(bool(t.lookup(_codes(m, names, abstract), _sources(m, names))[1].all())
                                            for m in test_maps):
                        table, covered, aug = t, True, True
                # weak: the demos are memorised without any sign of generalising (kept last, at most one)
                weak = not covered and loo == 0
                scored.append((weak, -loo, not covered, len(names) + aug, not abstract, len(table.keys), names, table))
    except Timeout:
        pass
    scored.sort(key=lambda s: s[:6])
    cands: list[Candidate] = []
    seen: set[bytes] = set()
    for weak, neg_loo, uncovered, _, raw, nkeys, names, table in scored:
        if weak and any(c.meta.get("weak") for c in cands):
            break
        fn = _table_fn(table, names, not raw)
        kind = "colours" if raw else "roles"
        cand = make_candidate(
            task, fn, family="local_rule", size=2 + len(names) + 3 * int(uncovered) + int(raw) + 6 * int(weak),
            program=f"local_rule(features={list(names)}, key={kind!r})",
            description=(f"recolour each cell by a table over ({', '.join(names)}) learned from the examples"
                         + (" (unseen cases keep their colour)" if uncovered else "")),
            meta={"loo": -neg_loo, "n_keys": nkeys, "covered": not uncovered, "weak": weak},
        )
        if cand is None:
            continue
        key = b"".join(p.tobytes() if p is not None else b"-" for p in cand.predictions)
        if key in seen:
            continue
        seen.add(key)
        cands.append(cand)
        if len(cands) >= 3 + int(weak):
            break
    return cands


# ------------------------------------------------------------------------------------------------ rule lists

_RULE_FEATURES = tuple(n for n in FEATURES if n != "colour")


def _feature_values(m: FeatureMaps, name: str, abstract: bool) -> np.ndarray:
    return (_role(m, name) if abstract else m[name]).ravel()


def _unique_inverse(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(key, return_inverse=True) for a 1-D int array; by counting when the keys are small non-negative."""
    if key.size and key.min() >= 0 and key.max() < 4096:
        present = np.bincount(key) > 0
        return np.flatnonzero(present), (np.cumsum(present) - 1)[key]
    uniq, inv = np.unique(key, return_inverse=True)
    return uniq, inv.ravel()


def _rule_candidates(train_maps, outs, changed, deadline):
    """Precise rules (feature condition -> source) that cover at least one changed train cell.

    Per feature and key kind, every (source, key) pair that is right on all the key's cells and covers a changed
    cell is one rule, sources in the order feature, const0..const9 and keys ascending; a rule's cover (its changed
    cells, in order) is a read-only slice of one array."""
    colour = np.concatenate([m.g.ravel() for m in train_maps])
    out = np.concatenate(outs)
    changed_idx = np.flatnonzero(changed)  # the changed cells, in order
    colour_key = colour * 64
    const_names = [f"const{c}" for c in range(10)]
    rules = []
    for name in _RULE_FEATURES:
        check_deadline(deadline)
        colour_feature = _is_colour_feature(name)
        wrong = None
        if colour_feature:  # cells where the feature's own colour is not the wanted one
            raw = np.concatenate([m[name].ravel() for m in train_maps])
            wrong = raw != out
        for abstract in ((False, True) if colour_feature else (False,)):
            vals = np.concatenate([_feature_values(m, name, abstract) for m in train_maps])
            for keyed in ("any", "colour"):
                key = vals if keyed == "any" else colour_key + np.minimum(vals, 63)
                uniq, inv = _unique_inverse(key)
                n_keys = uniq.size
                # per key: its changed cells (in order), its size, and how many of its cells want each colour
                ch_keys = inv[changed_idx]
                ch_order = np.argsort(ch_keys, kind="stable")
                ch_starts = np.searchsorted(ch_keys[ch_order], np.arange(n_keys + 1))
                has_changed = ch_starts[1:] > ch_starts[:-1]
                sizes = np.bincount(inv, minlength=n_keys)
                wants = np.bincount(inv * 10 + out, minlength=n_keys * 10).reshape(n_keys, 10)
                # a source is right for a key when it gives the wanted colour on every cell of the key
                right = (wants == sizes[:, None]).T  # (10 constants, n_keys)
                if wrong is not None:
                    right = np.concatenate([(np.bincount(inv[wrong], minlength=n_keys) == 0)[None], right])
                src_idx, key_idx = np.nonzero(right & has_changed)  # row-major: by source, then key
                if not src_idx.size:
                    continue
                snames = (["feature"] if wrong is not None else []) + const_names
                covers = changed_idx[ch_order]
                covers.flags.writeable = False
                starts, ends = ch_starts[key_idx].tolist(), ch_starts[key_idx + 1].tolist()
                for s, k, a, b in zip(src_idx.tolist(), uniq[key_idx].tolist(), starts, ends, strict=True):
                    rules.append((name, abstract, keyed, k, snames[s], covers[a:b]))
    return rules


def _rule_fn(rules):
    def fn(g: np.ndarray) -> np.ndarray:
        m = FeatureMaps(g)
        colour = m.g.ravel()
        out = colour.copy()
        done = np.zeros(colour.size, dtype=bool)
        for name, abstract, keyed, kval, sname, _ in rules:
            vals = _feature_values(m, name, abstract)
            key = vals if keyed == "any" else colour * 64 + np.minimum(vals, 63)
            hit = (key == kval) & ~done
            src = m[name].ravel() if sname == "feature" else np.full(colour.size, int(sname[5:]))
            out[hit] = src[hit]
            done |= hit
        return out.reshape(m.g.shape)

    return fn


def _describe_rule(name, abstract, keyed, kval, sname) -> str:
    cond = f"{name}={'role ' if abstract else ''}{kval % 64 if keyed == 'colour' else kval}"
    if keyed == "colour":
        cond = f"colour={kval // 64} and {cond}"
    return f"if {cond} then {'that colour' if sname == 'feature' else sname[5:]}"


def _single_demo_rules(rules, outs: list[np.ndarray]) -> int:
    """How many rules change cells of one demo only (with 3 or more demos): evidence of a rule made up for it."""
    if len(outs) < 3:
        return 0
    starts = np.cumsum([0] + [o.size for o in outs])
    n = 0
    for r in rules:
        demos = np.unique(np.searchsorted(starts, r[5], side="right") - 1) if r[5].size else []
        n += len(demos) == 1
    return n


def rule_list(task: ArcTask, deadline: float) -> list[Candidate]:
    """A short list of precise 'condition -> colour' rules covering every changed cell; other cells keep theirs."""
    if not same_shapes(task) or not task.train:
        return []
    train_maps = [FeatureMaps(i) for i, _ in task.train]
    outs = [np.asarray(o, dtype=np.int64).ravel() for _, o in task.train]
    changed = np.concatenate([m.g.ravel() != o for m, o in zip(train_maps, outs, strict=True)])
    if not changed.any() or changed.mean() > 0.5:
        return []
    try:
        rules = _rule_candidates(train_maps, outs, changed, deadline)
    except Timeout:
        return []
    chosen = []
    left = changed.copy()
    while left.any() and len(chosen) < 8:
        best, best_n = None, 0
        for r in rules:
            n = int(left[r[5]].sum())
            if n > best_n:
                best, best_n = r, n
        if best is None:
            return []
        chosen.append(best)
        left[best[5]] = False
    if left.any():
        return []
    c = make_candidate(
        task, _rule_fn(chosen), family="local_rule", size=3 + 2 * len(chosen),
        program="rules(" + "; ".join(_describe_rule(*r[:5]) for r in chosen) + ")",
        description="change cells by these rules, leave the rest: "
                    + "; ".join(_describe_rule(*r[:5]) for r in chosen),
        meta={"n_rules": len(chosen), "single_demo_rules": _single_demo_rules(chosen, outs)},
    )
    return [c] if c is not None and c.solves_train else []


# ------------------------------------------------------------------------------------------------ prepared inputs

def _preps(a: int, b: int) -> list[tuple[str, str, object]]:
    def tile(g):
        return np.tile(g, (a, b))

    def scale(g):
        return np.kron(g, np.ones((a, b), dtype=g.dtype))

    def mirror(g):
        h, w = g.shape
        out = np.zeros((a * h, b * w), dtype=g.dtype)
        for i in range(a):
            for j in range(b):
                blk = g[::-1] if i % 2 else g
                out[i * h:(i + 1) * h, j * w:(j + 1) * w] = blk[:, ::-1] if j % 2 else blk
        return out

    return [("tile", f"tile the input {a}x{b}", tile), ("scale", f"scale the input up {a}x{b}", scale),
            ("mirror_tile", f"tile the input {a}x{b} with mirrored copies", mirror)]


def prepared_local_rules(task: ArcTask, deadline: float) -> list[Candidate]:
    """For outputs a fixed multiple of the input: tile / scale / mirror-tile first, then learn a local rule."""
    if not task.train or same_shapes(task):
        return []
    ratios = {(o.shape[0] / i.shape[0], o.shape[1] / i.shape[1]) for i, o in task.train}
    if len(ratios) != 1:
        return []
    ra, rb = ratios.pop()
    if ra != int(ra) or rb != int(rb) or ra * rb > 16:
        return []
    out: list[Candidate] = []
    for name, text, prep in _preps(int(ra), int(rb)):
        if time.monotonic() > deadline:
            break
        sub = ArcTask(task.id, [(as_grid(prep(np.asarray(i))), o) for i, o in task.train],
                      [(as_grid(prep(np.asarray(i))), o) for i, o in task.test], task.source)
        for spec in (rule_list, local_rules):
            for c in spec(sub, deadline):
                if not c.solves_train or c.meta.get("weak"):
                    continue
                c.program = f"{name}(x, {int(ra)}, {int(rb)}) |> {c.program}"
                c.description = f"{text}, then {c.description}"
                c.size += 2
                out.append(c)
        if out:
            break
    return out[:3]
