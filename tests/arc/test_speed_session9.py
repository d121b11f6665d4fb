"""The speed-ups of session 9 (issue #4) change nothing they compute.

Each faster function is checked against the definition it replaces (the code before the change, kept here as the
reference) on many random grids and on real training tasks: the vectorised rule candidates of the cellular learner,
the ray feature maps, mirror repair and period completion, fractal and scale-by-count ops, the size-rule fitting
of the count ops, the picks shared by the selectors of one grid's pieces, and the int8 results that are no longer
copied twice. The state search and the specialists as a whole are pinned by test_dsl_speed_equivalence.py and
test_solver_speed_equivalence.py.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from synthloop.arc.dataset import load_tasks
from synthloop.arc.dsl import countops
from synthloop.arc.dsl import primitives as P
from synthloop.arc.dsl.sizerules import COUNTERS, fit_size_rules
from synthloop.arc.dsl.specialists import cellular
from synthloop.arc.dsl.specialists import features as F
from synthloop.arc.dsl.specialists.common import check_deadline

TASK_IDS = ["00d62c1b", "0ca9ddb6", "3aa6fb7a", "a5313dff", "b1948b0a", "c0f76784", "d364b489", "6f8cd79b",
            "aabf363d", "d511f180", "b6afb2da", "44d8ac46", "a61f2674", "913fb3ed", "4258a5f9", "dc1df850",
            "543a7ed5", "67385a82", "ded97339", "1b60fb0c", "3befdf3e", "a64e4611", "7837ac64", "9d9215db"]


@pytest.fixture(scope="module")
def tasks() -> list:
    return load_tasks("arcagi", "training", ids=TASK_IDS)


def _random_grids(n: int, seed: int, colours: int = 10) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    out = []
    for k in range(n):
        h, w = (int(x) for x in rng.integers(1, 31, 2))
        g = rng.integers(0, int(rng.integers(1, colours + 1)), (h, w)) * (rng.random((h, w)) < rng.random())
        if k % 3 == 0:  # periodic grids
            g = np.tile(g[: max(1, h // 3), : max(1, w // 2)], (4, 3))[:h, :w]
        if k % 5 == 0:  # mirror-symmetric grids with a noise patch
            g = np.hstack([g, g[:, ::-1]])[:, :30]
            if k % 10 == 0:
                g = np.vstack([g, g[::-1]])[:30]
            g = g.copy()
            y, x = int(rng.integers(0, g.shape[0])), int(rng.integers(0, g.shape[1]))
            g[y:y + 3, x:x + 4] = int(rng.integers(0, colours))
        out.append(g.astype(np.int8))
    return out


def _same(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b)


# ------------------------------------------------------------------------------------------------ references


def _ref_rule_candidates(train_maps, outs, changed, deadline):
    colour = np.concatenate([m.g.ravel() for m in train_maps])
    out = np.concatenate(outs)
    changed_idx = np.flatnonzero(changed)
    rules = []
    for name in cellular._RULE_FEATURES:
        check_deadline(deadline)
        for abstract in ((False, True) if cellular._is_colour_feature(name) else (False,)):
            vals = np.concatenate([cellular._feature_values(m, name, abstract) for m in train_maps])
            raw = np.concatenate([m[name].ravel() for m in train_maps]) if cellular._is_colour_feature(name) else None
            for keyed in ("any", "colour"):
                key = vals if keyed == "any" else colour * 64 + np.minimum(vals, 63)
                uniq, inv = np.unique(key, return_inverse=True)
                inv = inv.ravel()
                n_keys = uniq.size
                ch_keys = inv[changed_idx]
                ch_order = np.argsort(ch_keys, kind="stable")
                ch_starts = np.searchsorted(ch_keys[ch_order], np.arange(n_keys + 1))
                has_changed = ch_starts[1:] > ch_starts[:-1]
                sizes = np.bincount(inv, minlength=n_keys)
                wants = np.bincount(inv * 10 + out, minlength=n_keys * 10).reshape(n_keys, 10)
                rights = [] if raw is None else [("feature", np.bincount(inv[raw != out], minlength=n_keys) == 0)]
                rights += [(f"const{c}", wants[:, c] == sizes) for c in range(10)]
                for sname, right in rights:
                    for g in np.flatnonzero(right & has_changed).tolist():
                        cover = changed_idx[ch_order[ch_starts[g]:ch_starts[g + 1]]]
                        rules.append((name, abstract, keyed, int(uniq[g]), sname, cover))
    return rules


def _ref_ray(g: np.ndarray, bg: int, dr: int, dc: int) -> np.ndarray:
    h, w = g.shape
    out = np.full((h, w), F.OUT, dtype=np.int64)
    cur = F._shift(g, dr, dc)
    known = np.zeros((h, w), dtype=bool)
    for k in range(1, max(h, w) + 1):
        hit = ~known & (cur != bg) & (cur != F.OUT)
        out[hit] = cur[hit]
        known |= hit | (cur == F.OUT)
        if known.all():
            break
        cur = F._shift(g, dr * (k + 1), dc * (k + 1))
    return out


def _ref_repair_symmetry(noise: int):
    def f(g):
        bad = g == noise
        if not bad.any() or bad.all():
            return None
        out = g.astype(np.int16).copy()
        h, w = g.shape
        found = False
        for axis in (0, 1):
            n = h if axis == 0 else w
            best = None
            for s in range(n // 2, 2 * n - 1 - n // 2):
                idx = s - np.arange(n)
                valid = (idx >= 0) & (idx < n)
                if valid.sum() < n * 0.5:
                    continue
                a = g if axis == 0 else g.T
                src = np.arange(n)[valid]
                dst = idx[valid]
                A, B = a[src], a[dst]
                ok = (A != noise) & (B != noise)
                if ok.sum() == 0 or (A[ok] != B[ok]).any():
                    continue
                best = (src, dst)
                break
            if best is None:
                continue
            src, dst = best
            o = out if axis == 0 else out.T
            gg = g if axis == 0 else g.T
            view = o[src]
            mirror = gg[dst]
            fix = (view == noise) & (mirror != noise)
            if fix.any():
                view[fix] = mirror[fix]
                o[src] = view
                found = True
        if g.shape[0] == g.shape[1]:
            for im in (g.T, np.rot90(g, 1), np.rot90(g, 2)):
                ok = (g != noise) & (im != noise)
                if ok.any() and (g[ok] == im[ok]).all():
                    fix = (out == noise) & (im != noise)
                    out[fix] = im[fix]
                    found = found or bool(fix.any())
        if not found or (out == noise).any():
            return None
        return out.astype(np.int8)

    return f


def _ref_complete_period(noise: int):
    def f(g):
        bad = g == noise
        if not bad.any() or bad.mean() > 0.5:
            return None
        h, w = g.shape
        pys = [py for py in range(1, h) if P._period_tile(g, noise, py, w) is not None]
        pxs = [px for px in range(1, w) if P._period_tile(g, noise, h, px) is not None]
        pys.append(h)
        pxs.append(w)
        for py, px in sorted(((a, b) for a in pys for b in pxs), key=lambda t: t[0] * t[1]):
            if py * px >= h * w * 0.75:
                break
            t = P._period_tile(g, noise, py, px)
            if t is None or (t < 0).any():
                continue
            return np.tile(t, (h // py + 1, w // px + 1))[:h, :w].astype(np.int8)
        return None

    return f


# ------------------------------------------------------------------------------------------------ tests


def test_rule_candidates_are_the_reference(tasks: list) -> None:
    compared = 0
    for t in tasks:
        if any(i.shape != o.shape for i, o in t.train):
            continue
        outs = [np.asarray(o, dtype=np.int64).ravel() for _, o in t.train]
        for state in ("input", "shifted"):  # the demo inputs, and a state that leaves most cells wrong
            grids = [np.asarray(i) if state == "input" else np.roll(np.asarray(i), 1, axis=1) for i, _ in t.train]
            maps = [F.FeatureMaps(g) for g in grids]
            changed = np.concatenate([m.g.ravel() != o for m, o in zip(maps, outs, strict=True)])
            want = _ref_rule_candidates(maps, outs, changed, time.monotonic() + 600)
            got = cellular._rule_candidates(maps, outs, changed, time.monotonic() + 600)
            assert len(got) == len(want)
            for a, b in zip(got, want, strict=True):
                assert a[:5] == b[:5] and type(a[3]) is int
                assert a[5].dtype == b[5].dtype and np.array_equal(a[5], b[5])
                assert not a[5].flags.writeable  # shared slices: read-only
            compared += len(want)
    assert compared > 1000


def test_unique_inverse_path_of_rule_candidates_matches_for_large_keys() -> None:
    # colour-keyed codes above 4096 take np.unique's path; the counting path below it: both give np.unique's answer
    rng = np.random.default_rng(3)
    for hi in (50, 5000):
        key = rng.integers(0, hi, 500)
        uniq, inv = np.unique(key, return_inverse=True)
        u, i = cellular._unique_inverse(key)
        assert np.array_equal(u, uniq) and np.array_equal(i, inv.ravel())


def test_rays_are_the_walk() -> None:
    rng = np.random.default_rng(11)
    for k, g in enumerate(_random_grids(400, seed=12, colours=11)):
        g = g.astype(np.int64)
        # the grid's own background, any colour, and OUT (a cell of colour OUT ends a walk either way)
        bg = (F.O.background_color(np.minimum(g, 9)), int(rng.integers(0, 10)), F.OUT)[k % 3]
        for dr, dc in F._DIRS.values():
            want, got = _ref_ray(g, bg, dr, dc), F._ray(g, bg, dr, dc)
            assert got.dtype == want.dtype and np.array_equal(got, want) and got.flags.c_contiguous


def test_feature_maps_of_tasks_are_unchanged(tasks: list) -> None:
    for t in tasks[:10]:
        for g in [np.asarray(i) for i, _ in t.train] + [np.asarray(x) for x in t.test_inputs]:
            m = F.FeatureMaps(g)
            for d, (dr, dc) in F._DIRS.items():
                assert np.array_equal(m["ray_" + d], _ref_ray(m.g, m.bg, dr, dc))


def test_mirror_repair_and_period_completion_are_their_definitions() -> None:
    grids = _random_grids(300, seed=21)
    found = {"repair": 0, "period": 0}
    for g in grids:
        for noise in range(10):
            want, got = _ref_repair_symmetry(noise)(g), P.repair_symmetry(noise)(g)
            assert _same(got, want)
            found["repair"] += want is not None
            hidden = P.noise_region(noise)(g)
            assert _same(hidden, None if want is None else P.crop_mask(want, g == noise))
            want, got = _ref_complete_period(noise)(g), P.complete_period(noise)(g)
            assert _same(got, want)
            found["period"] += want is not None
    assert found["repair"] >= 30 and found["period"] >= 30  # the answers compared include real repairs


def test_line_periods_are_the_one_dimensional_tiles() -> None:
    for g in _random_grids(300, seed=22, colours=4):
        for noise in (0, 1, 3):
            for a in (g, g.T):
                h, w = a.shape
                want = [p for p in range(1, h) if P._period_tile(a, noise, p, w) is not None]
                assert P._line_periods(a, noise) == want


def test_fractal_ops_are_the_kron() -> None:
    for g in _random_grids(300, seed=31) + [np.array([[1, 0], [0, 2]], np.int8), np.ones((5, 6), np.int8)]:
        for cast in (np.int8, np.int64):
            x = g.astype(cast)
            assert _same(P.fractal(x), P._ok(np.kron((x != 0).astype(np.int8), x).astype(np.int8)))
            assert _same(P.fractal_inv(x), P._ok(np.kron((x == 0).astype(np.int8), x).astype(np.int8)))


def test_scale_by_count_is_the_kron() -> None:
    for g in _random_grids(200, seed=41):
        for _, _, count in COUNTERS:
            k = count(g)
            scaled = countops._by_count(count, "scale")(g)
            if k < 1 or k * max(g.shape) > countops.MAX_SIDE:
                assert scaled is None
            else:
                assert _same(scaled, np.kron(g, np.ones((k, k), dtype=g.dtype)))


def test_count_ops_are_those_of_the_fitted_size_rules(tasks: list) -> None:
    more = load_tasks("arcagi", "training", ids=["6d0aefbc", "c3e719e8", "b91ae062", "d0f5fe59", "9172f3a0"])
    offered = 0
    for t in list(tasks) + more:
        ins = [np.asarray(i, np.int8) for i, _ in t.train]
        outs = [np.asarray(o, np.int8) for _, o in t.train]
        fitted = {r.name for r in fit_size_rules(list(zip(ins, outs, strict=True)))}
        want = [n for name, _, _ in COUNTERS if f"scale_by_{name}" in fitted
                for n in (f"upscale_by({name})", f"tile_by({name})")]
        got = [op.name for op in countops.count_ops(ins, outs)]
        assert got == want
        offered += len(got)
    assert offered >= 2
    assert countops.count_ops([], []) == []


def test_selectors_share_picks_and_choose_as_before() -> None:
    calls = []
    base = dict((name, pick) for name, pick, _, _ in P.PICKS)
    for g in _random_grids(150, seed=51, colours=5):
        for sp in P.SPLITTERS:
            ps = sp.fn(g)
            if ps is None:
                continue
            assert isinstance(ps, P.Pieces) and ps.picks == {}
            plain = list(ps)
            for sel in P.SELECTORS:
                if sp.kind not in sel.kinds:
                    continue
                try:
                    want = sel.fn(plain)  # a plain list: no sharing
                except Exception as e:  # noqa: BLE001 - the same failure must happen on the shared pieces
                    with pytest.raises(type(e)):
                        sel.fn(ps)
                    continue
                assert _same(sel.fn(ps), want)
            for name, p in ps.picks.items():
                assert p is base[name](plain)
                calls.append(name)
    assert len(calls) > 1000


def test_a_pick_is_computed_once_per_pieces() -> None:
    n = [0]

    def counting(ps):
        n[0] += 1
        return ps[0]

    pick = P._shared_pick("first", counting)
    pieces = P.Pieces([P.Piece(np.ones((1, 1), np.int8), np.ones((1, 1), bool), 0, 0, np.ones((2, 2), np.int8))])
    assert pick(pieces) is pieces[0] and pick(pieces) is pieces[0] and n[0] == 1
    assert pick(list(pieces)) is pieces[0] and n[0] == 2  # plain lists are not cached


def test_int8_results_are_fresh_arrays() -> None:
    ops = {o.name: o.fn for o in P.base_ops()}
    for g in _random_grids(100, seed=61):
        for fn in (P.keep_colour(1), P.remove_colour(1), ops["to_new"], ops["invert"], ops["fill_enclosed"],
                   ops["halo4"], ops["interior"], ops["border_cells"]):
            r = fn(g)
            assert r.dtype == np.int8 and not np.shares_memory(r, g)
        assert _same(P.keep_colour(2)(g), np.where(g == 2, g, 0).astype(np.int8))
        assert _same(P.remove_colour(2)(g), np.where(g == 2, 0, g).astype(np.int8))


def test_shared_count_is_the_count_computed_once_per_grid() -> None:
    seen = []

    def counting(g: np.ndarray) -> int:
        seen.append(g.tobytes())
        return COUNTERS[0][2](g)

    shared = countops._shared_count(counting)
    grids = _random_grids(60, seed=71)
    for g in grids + [g.copy() for g in grids]:
        assert shared(g) == COUNTERS[0][2](g)
    assert len(seen) == len({(g.shape, g.tobytes()) for g in grids})
    scale, tile = countops._by_count(shared, "scale"), countops._by_count(shared, "tile")
    for g in grids:
        for fn, plain in ((scale, countops._by_count(COUNTERS[0][2], "scale")),
                          (tile, countops._by_count(COUNTERS[0][2], "tile"))):
            assert _same(fn(g), plain(g))


def _ref_objects_from_labels(g: np.ndarray, labels: np.ndarray, n: int) -> list:
    from synthloop.arc.dsl.objects import Object

    if n == 0:
        return []
    flat = labels.ravel()
    order = np.argsort(flat, kind="stable")
    starts = np.searchsorted(flat[order], np.arange(1, n + 2))
    w = g.shape[1]
    gv = np.asarray(g, dtype=np.int8).ravel()
    objs = []
    for i in range(n):
        idx = order[starts[i]: starts[i + 1]]
        objs.append(Object(idx // w, idx % w, gv[idx], (g.shape[0], g.shape[1]), index=i))
    return objs


def test_objects_and_their_properties_are_the_reference() -> None:
    from synthloop.arc.dsl import objects as ob

    props = list(ob.PROPERTIES) + list(ob.PREDICATES) + ["color_count", "shape_count", "patch_count"]
    for g in _random_grids(120, seed=81):
        for mode, conn, multi in (("c4", 4, False), ("c8", 8, False), ("m8", 8, True)):
            mask = g != ob.background_color(g)
            labels, n = ob.label(mask, conn) if multi else ob.label_colors(g, conn, mask)
            want, got = _ref_objects_from_labels(g, labels, n), ob.extract(g, mode)
            assert len(got) == len(want)
            for a, b in zip(got, want, strict=True):
                for att in ("rows", "cols", "values"):
                    assert getattr(a, att).dtype == getattr(b, att).dtype
                    assert np.array_equal(getattr(a, att), getattr(b, att))
                assert (a.grid_shape, a.index, a.bbox, a.colors, a.color, a.shape_key, a.patch_key, a.holes,
                        a.hole_cells, a.symmetric_lr, a.symmetric_ud) == (
                    b.grid_shape, b.index, b.bbox, b.colors, b.color, b.shape_key, b.patch_key, b.holes,
                    b.hole_cells, b.symmetric_lr, b.symmetric_ud)
                assert np.array_equal(a.mask, b.mask) and np.array_equal(a.patch, b.patch)
            for p in props:
                assert ob.property_vector(got, p) == ob.property_vector(want, p)


def test_cached_object_properties_are_computed_once() -> None:
    from synthloop.arc.dsl import objects as ob

    o = ob.extract(np.array([[1, 1, 0], [0, 1, 2]], np.int8), "c4")[0]
    assert "bbox" not in o.__dict__
    first = o.bbox
    assert o.__dict__["bbox"] == first == (0, 0, 2, 2) and o.bbox is first
    assert isinstance(ob.Object.bbox, ob._once) and ob.Object.bbox.__doc__.startswith("(top, left")


def test_enclosed_background_is_the_labelling() -> None:
    grids = _random_grids(300, seed=91, colours=3)
    grids += [np.kron(g[:10, :10], np.ones((3, 3), np.int8))[:30, :30] for g in grids[:100]]
    spiral = np.zeros((9, 9), np.int8)  # a path with many turns: reach takes several rounds
    spiral[1, 1:8] = spiral[1:8, 7] = spiral[7, 1:8] = spiral[3:8, 1] = spiral[3, 1:6] = spiral[3:6, 5] = 1
    grids.append(spiral)
    found = 0
    for g in grids:
        lab, n = P.label(g == 0, 4)
        border = np.unique(np.concatenate([lab[0], lab[-1], lab[:, 0], lab[:, -1]]))
        want = (lab > 0) & ~np.isin(lab, border)
        got = P.enclosed(g, 4)
        assert got.dtype == bool and np.array_equal(got, want)
        found += bool(want.any())
    assert found >= 50
