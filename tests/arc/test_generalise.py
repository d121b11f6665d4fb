"""Generalisation checks: demo invariants, output-size rules and the rank penalties built from them."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.generalise import SAME_FAMILY_PENALTY, Generalisation, diversify, family
from synthloop.arc.dsl.invariants import broken_invariants, learn_invariants
from synthloop.arc.dsl.sizerules import fit_size_rules, predict_sizes
from synthloop.arc.grid import ArcTask, Candidate, as_grid


def _rng_grid(seed: int, h: int, w: int, colours: tuple[int, ...] = (1, 2), density: float = 0.3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    g = np.zeros((h, w), dtype=np.int8)
    mask = rng.random((h, w)) < density
    g[mask] = rng.choice(colours, size=int(mask.sum()))
    return g


def _fill_holes_right(g: np.ndarray) -> np.ndarray:
    """A demo rule that only adds: paint the background cell right of every colour-1 cell with 3."""
    out = g.copy()
    for r, c in zip(*np.nonzero(g == 1), strict=True):
        if c + 1 < g.shape[1] and g[r, c + 1] == 0:
            out[r, c + 1] = 3
    return out


def _task(pairs, tests) -> ArcTask:
    return ArcTask("t", [(as_grid(i), as_grid(o)) for i, o in pairs], [(as_grid(t), None) for t in tests])


def test_invariants_of_an_adding_rule():
    pairs = [(g, _fill_holes_right(g)) for g in (_rng_grid(s, 6, 7) for s in range(3))]
    inv = learn_invariants(pairs)
    names = {i.name for i in inv.invariants}
    assert "keeps_shapes" in names  # every coloured input cell survives
    assert "keeps_background" not in names  # the rule paints background cells
    assert inv.added_colours == {3}
    test = _rng_grid(9, 6, 7)
    assert broken_invariants(pairs, test, _fill_holes_right(test)) == []
    erased = _fill_holes_right(test)
    erased[test == 2] = 0  # erases a colour the demos always keep
    assert "keeps_shapes" in broken_invariants(pairs, test, erased)
    foreign = _fill_holes_right(test)
    foreign[0, 0] = 7  # a colour neither in the test input nor ever added by the demos
    assert "unseen_colour" in broken_invariants(pairs, test, foreign)


def test_symmetry_is_only_kept_when_informative():
    sym_in = [np.array([[1, 0, 1], [2, 2, 2]], dtype=np.int8), np.array([[3, 3], [0, 0]], dtype=np.int8)]
    pairs = [(g, g) for g in sym_in]  # inputs already symmetric: symmetric outputs say nothing
    assert "sym_lr" not in {i.name for i in learn_invariants(pairs).invariants}
    asym = [_rng_grid(s, 4, 5, density=0.5) for s in range(3)]
    pairs = [(g, np.maximum(g, g[:, ::-1])) for g in asym]  # a rule that makes the grid symmetric
    assert any(not np.array_equal(g, g[:, ::-1]) for g in asym)
    assert "sym_lr" in {i.name for i in learn_invariants(pairs).invariants}


def test_size_rule_scale_by_colour_count():
    def scale_by_colours(g: np.ndarray) -> np.ndarray:
        k = len(set(g.ravel().tolist()) - {0})
        return np.kron(g, np.ones((k, k), dtype=np.int8))

    grids = [np.array([[1, 0], [0, 2]], dtype=np.int8), np.array([[1, 0, 2, 0, 3, 0, 0]], dtype=np.int8),
             np.array([[0, 4], [4, 4], [0, 0]], dtype=np.int8)]
    pairs = [(g, scale_by_colours(g)) for g in grids]
    names = [r.name for r in fit_size_rules(pairs)]
    assert "scale_by_colours" in names
    assert "const(4,4)" not in names
    test = np.array([[5, 0, 6, 0, 7, 0]], dtype=np.int8)
    assert scale_by_colours(test).shape in predict_sizes(fit_size_rules(pairs), test)


def test_size_rule_largest_object_box():
    def largest_box(g: np.ndarray) -> tuple[int, int]:
        return (g == 2).any(axis=1).sum(), (g == 2).any(axis=0).sum()

    grids = []
    for h, w, bh, bw in ((10, 10, 3, 4), (12, 9, 5, 2), (8, 11, 2, 6)):
        g = np.zeros((h, w), dtype=np.int8)
        g[1:1 + bh, 1:1 + bw] = 2  # the big rectangle
        g[h - 1, w - 1] = 1  # a single cell
        grids.append(g)
    pairs = [(g, np.full(largest_box(g), 5, dtype=np.int8)) for g in grids]
    names = [r.name for r in fit_size_rules(pairs)]
    assert "largest_m8" in names
    test = np.zeros((9, 9), dtype=np.int8)
    test[2:5, 3:8] = 2
    test[0, 0] = 1
    assert predict_sizes(fit_size_rules(pairs), test) >= {(3, 5)}


def _cand(pred: np.ndarray, fam: str, size: int = 2) -> Candidate:
    return Candidate(program=fam, description=fam, predictions=[as_grid(pred)], train_correct=2, train_total=2,
                     size=size, meta={"family": fam})


def test_penalty_prefers_the_prediction_that_keeps_the_demo_properties():
    pairs = [(g, _fill_holes_right(g)) for g in (_rng_grid(s, 5, 6) for s in range(2))]
    test = _rng_grid(7, 5, 6)
    task = _task(pairs, [test])
    gen = Generalisation(task)
    good = _cand(_fill_holes_right(test), "good")
    shrunk = _cand(_fill_holes_right(test)[:4], "shrunk")  # the demos keep the input's shape
    wiped = _cand(np.zeros_like(test), "wiped")
    assert gen.penalty(good) == 0
    assert gen.penalty(shrunk) >= 1
    assert gen.penalty(wiped) >= 1


def test_diversify_lets_another_family_take_the_second_attempt():
    a1, a2 = _cand(np.ones((2, 2)), "local_rule", 3), _cand(np.full((2, 2), 2), "local_rule", 4)
    b = _cand(np.full((2, 2), 3), "dsl-search", 6)
    diversify([a1, a2, b])
    assert a1.meta.get("rank_penalty", 0) == 0
    assert a2.meta["rank_penalty"] == SAME_FAMILY_PENALTY
    assert b.meta.get("rank_penalty", 0) == 0
    assert family(b) == "dsl-search"
    one = [_cand(np.ones((2, 2)), "x"), _cand(np.zeros((2, 2)), "x")]
    diversify(one)  # one family only: nothing to diversify
    assert all(c.meta.get("rank_penalty", 0) == 0 for c in one)


def test_search_tiles_by_the_number_of_colours():
    import time

    from synthloop.arc.dsl.countops import count_ops
    from synthloop.arc.dsl.search import solve_task

    def tile_by_colours(g: np.ndarray) -> np.ndarray:
        k = len(set(g.ravel().tolist()) - {0})
        return np.tile(g, (k, k))

    grids = [np.array([[1, 0], [0, 2]], dtype=np.int8), np.array([[0, 3, 0], [0, 0, 0]], dtype=np.int8),
             np.array([[1, 0, 1], [0, 2, 0]], dtype=np.int8)]
    pairs = [(g, tile_by_colours(g)) for g in grids]
    assert [o.name for o in count_ops([i for i, _ in pairs], [o for _, o in pairs])] == [
        "upscale_by(colours)", "tile_by(colours)"]
    test = np.array([[4, 0], [5, 6], [0, 0]], dtype=np.int8)
    sols = solve_task(pairs, [test], time.monotonic() + 20, cpu_limit_s=5.0)
    assert sols and sols[0].train_correct == 3
    assert np.array_equal(sols[0].predictions[0], np.tile(test, (3, 3)))


def test_solver_drops_a_memorised_table_that_breaks_the_demos():
    import time

    from synthloop.arc.symbolic import SymbolicSolver

    pairs = [(g, _fill_holes_right(g)) for g in (_rng_grid(s, 5, 6) for s in range(3))]
    test = _rng_grid(11, 5, 6)
    task = _task(pairs, [test])

    def tables(t: ArcTask, _deadline: float) -> list[Candidate]:
        unchanged = Candidate("table", "a memorised table", [as_grid(test)], 3, 3, size=5,
                              meta={"family": "local_rule", "weak": True, "covered": False})
        right = Candidate("rule", "paint right of 1", [as_grid(_fill_holes_right(test))], 3, 3, size=9,
                          meta={"family": "paint_right"})
        return [unchanged, right]

    solver = SymbolicSolver(time_limit_s=5, cpu_limit_s=0.5, specialists=[tables], use_frames=False)
    cands = solver.solve(task, time.monotonic() + 5)
    programs = [c.program for c in cands]
    assert "table" not in programs  # leaves the test input unchanged while every demo changes: dropped
    assert "rule" in programs
    best = min(cands, key=lambda c: (-c.train_correct, c.meta.get("rank_penalty", 0), c.size))
    assert np.array_equal(best.predictions[0], _fill_holes_right(test))


def test_single_demo_colour_map_entries():
    from synthloop.arc.dsl.search import single_demo_entries

    grids = [np.array([[1, 2]], dtype=np.int8), np.array([[1, 0]], dtype=np.int8), np.array([[1, 3]], dtype=np.int8)]
    # 1 is in every demo; 2 and 3 each in one demo only
    expected = sum(1 for a in (1, 2, 3) if sum(int((g == a).any()) for g in grids) == 1)
    assert single_demo_entries({1: 5, 2: 6, 3: 7}, grids) == expected == 2
    assert single_demo_entries({1: 5}, grids) == 0
    assert single_demo_entries({2: 6}, grids[:2]) == 0  # two demos: no evidence either way
