"""Breadth in the DSL search: colour maps by role, per-piece transforms, marked additions, background as noise.

Every task here is built from grids in the test and solved by the real search; the expected test outputs are
computed independently of the DSL (by hand-written numpy), never taken from the solver.
"""

from __future__ import annotations

import time

import numpy as np

from synthloop.arc.dsl.colourroles import RoleMap, input_roles, learn_role_map
from synthloop.arc.dsl.compose import Composer
from synthloop.arc.dsl.objmap import each, fill_box
from synthloop.arc.dsl.primitives import NEW, _obj_pieces, fit_to, marked, rays, task_info, task_ops
from synthloop.arc.dsl.search import search
from synthloop.arc.symbolic import solution_to_candidate


def _ring_task(h: int, w: int, top: int, left: int, size: int, ring: int, marker: int,
               marker_at: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """A square ring of colour `ring` and one lone `marker` cell; the output fills the ring with the marker colour."""
    g = np.zeros((h, w), np.int8)
    g[top : top + size, left : left + size] = ring
    g[top + 1 : top + size - 1, left + 1 : left + size - 1] = 0
    g[marker_at] = marker
    o = g.copy()
    o[top + 1 : top + size - 1, left + 1 : left + size - 1] = marker
    return g, o


def test_input_roles_rank_colours_and_drop_ties() -> None:
    g = np.array([[1, 1, 1, 2], [2, 0, 3, 0], [0, 0, 0, 0]], np.int8)
    assert input_roles(g) == {"rank0": 1, "rank1": 2, "rank2": 3, "rarest": 3}
    tie = np.array([[4, 4, 5, 5, 6]], np.int8)
    assert input_roles(tie) == {"rank2": 6, "rarest": 6}


def test_role_map_learns_the_marker_colour_and_refuses_a_fixed_map() -> None:
    pairs = [_ring_task(7, 7, 1, 1, 5, 3, 2, (6, 6)), _ring_task(8, 8, 2, 2, 4, 4, 7, (0, 0))]
    ins = [i for i, _ in pairs]
    outs = [o for _, o in pairs]
    states = [np.where((o != i), NEW, i).astype(np.int8) for i, o in pairs]  # filled cells marked NEW
    rmap = learn_role_map(states, ins, outs)
    assert rmap is not None and dict(rmap.rules)["cNEW"] in ("rank1", "rarest")  # two colours: the same one
    for s, i, o in zip(states, ins, outs, strict=True):
        assert np.array_equal(rmap.apply(s, i), o)
    # a colour map that one fixed table explains is not a role map
    same = [np.where(o != i, 9, i).astype(np.int8) for i, o in pairs]
    fixed_outs = [np.where(o != i, 9, i).astype(np.int8) for i, o in pairs]
    assert learn_role_map(same, ins, fixed_outs) is None
    # a state colour that maps two ways inside one pair cannot be recoloured
    assert learn_role_map([np.zeros((7, 7), np.int8)], [ins[0]], [outs[0]]) is None
    assert RoleMap((("cNEW", "rarest"),)).apply(np.full((2, 2), NEW, np.int8), np.zeros((2, 2), np.int8)) is None


def test_search_fills_with_a_colour_the_demos_never_showed() -> None:
    train = [_ring_task(7, 7, 1, 1, 5, 3, 2, (6, 6)), _ring_task(8, 8, 2, 2, 4, 4, 7, (0, 0)),
             _ring_task(9, 7, 3, 1, 5, 1, 6, (0, 6))]
    test_in, test_out = _ring_task(8, 9, 1, 3, 6, 5, 8, (7, 0))  # colours 5 and 8 appear in no demo
    sols = search(train, [test_in], time.monotonic() + 20.0)
    assert sols, "no program found"
    best = sols[0]
    assert best.role_map is not None and "fill_enclosed" in best.program
    assert np.array_equal(best.predictions[0], test_out)
    cand = solution_to_candidate(best)
    assert "colour of the input" in cand.description


def _shapes_grid(h: int, w: int, shapes: list[tuple[int, int, np.ndarray]]) -> np.ndarray:
    g = np.zeros((h, w), np.int8)
    for top, left, s in shapes:
        g[top : top + s.shape[0], left : left + s.shape[1]] = s
    return g


L = np.array([[1, 0, 0], [1, 1, 0], [1, 1, 1]], np.int8)
T = np.array([[2, 2, 2, 2], [0, 2, 0, 0]], np.int8)
Z = np.array([[4, 4, 0], [0, 4, 4]], np.int8)
S = np.array([[0, 6], [6, 6], [6, 0]], np.int8)


def test_each_object_is_mirrored_in_place() -> None:
    layouts = [
        (10, 10, [(0, 0, L), (5, 4, T)]),
        (9, 12, [(1, 7, Z), (5, 1, L), (6, 8, S)]),
        (8, 8, [(0, 4, S), (4, 0, T)]),
    ]

    def pair(h: int, w: int, shapes: list) -> tuple[np.ndarray, np.ndarray]:
        return _shapes_grid(h, w, shapes), _shapes_grid(h, w, [(t, lf, s[:, ::-1]) for t, lf, s in shapes])

    train = [pair(*lay) for lay in layouts]
    test_in, test_out = pair(11, 11, [(0, 6, T), (4, 1, Z), (7, 7, L)])
    sols = search(train, [test_in], time.monotonic() + 20.0)
    assert sols and "each_flip_lr" in sols[0].program, [s.program for s in sols]
    assert np.array_equal(sols[0].predictions[0], test_out)


def test_each_leaves_unchanged_pieces_and_refuses_a_no_op() -> None:
    g = _shapes_grid(8, 8, [(0, 0, np.array([[3, 3], [3, 3]], np.int8)), (4, 4, Z)])
    pieces = _obj_pieces(g, "c4")
    assert pieces is not None
    out = each(fill_box)(pieces)
    expect = g.copy()
    expect[4, 6] = NEW
    expect[5, 4] = NEW
    assert np.array_equal(out, expect)  # the full square has nothing to fill and stays as it was
    square_only = _obj_pieces(_shapes_grid(6, 6, [(0, 0, np.full((2, 2), 3, np.int8)), (3, 3, np.full((2, 2), 5, np.int8))]), "c4")
    assert each(fill_box)(square_only) is None


def test_marked_paints_only_what_the_op_adds() -> None:
    g = np.array([[0, 2, 0], [0, 0, 0], [3, 0, 0]], np.int8)
    r = marked(rays(0))(g)  # rays downwards; the added cells become NEW, the sources keep their colour
    assert r is not None
    assert r.tolist() == [[0, 2, 0], [0, NEW, 0], [3, NEW, 0]]
    assert marked(rays(0))(np.zeros((2, 2), np.int8)) is None


def test_search_marks_added_lines_in_their_own_colour() -> None:
    def pair(h: int, w: int, pts: list[tuple[int, int, int]]) -> tuple[np.ndarray, np.ndarray]:
        g = np.zeros((h, w), np.int8)
        for y, x, c in pts:
            g[y, x] = c
        o = g.copy()
        for y, _x, _c in pts:
            o[y][o[y] == 0] = 8
        return g, o

    train = [pair(5, 6, [(1, 2, 3), (3, 4, 1)]), pair(6, 5, [(0, 0, 2), (4, 3, 2)]), pair(4, 7, [(2, 6, 1)])]
    test_in, test_out = pair(7, 7, [(0, 3, 3), (3, 0, 1), (6, 6, 2)])
    sols = search(train, [test_in], time.monotonic() + 20.0)
    assert sols and "lines_h+mark" in sols[0].program, [s.program for s in sols]
    assert np.array_equal(sols[0].predictions[0], test_out)


def test_background_counts_as_noise_when_every_output_fills_it() -> None:
    pat = np.array([[1, 2, 1, 2, 1, 2], [3, 4, 3, 4, 3, 4]] * 3, np.int8)
    holed = pat.copy()
    holed[1:3, 2:4] = 0
    info = task_info([holed], [pat])
    assert info.noise_colours[0] == 0
    names = {op.name for op in task_ops(info)}
    assert {"repair_sym(0)", "hidden_by(0)"} <= names
    assert 0 not in task_info([holed], [holed]).noise_colours


def _rays_pair(h: int, w: int, pts: list[tuple[int, int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """Cells of colour 2 shoot a ray down, cells of colour 3 a ray up (each to the border)."""
    g = np.zeros((h, w), np.int8)
    for y, x, c in pts:
        g[y, x] = c
    o = g.copy()
    for y, x, c in pts:
        if c == 2:
            o[y:, x] = 2
        else:
            o[: y + 1, x] = 3
    return g, o


def test_composer_keeps_only_parts_that_are_right_where_they_paint() -> None:
    g, o = _rays_pair(5, 5, [(1, 1, 2), (3, 3, 3)])
    comp = Composer([o])
    assert comp.offer([g], ("identity",), 0)
    assert not comp.offer([g], ("again",), 0)  # the same painted cells are kept once
    wrong = g.copy()
    wrong[0, 0] = 2
    assert not comp.offer([wrong], ("wrong",), 1)
    down = np.where(np.arange(5)[:, None] >= 1, 1, 0) * (np.arange(5)[None, :] == 1) * NEW
    assert comp.offer([down.astype(np.int8)], ("down-new",), 1)
    assert comp.parts[-1].recolours == {NEW: 2}
    assert comp.combine() is None  # the ray up is still missing


def test_search_composes_two_partial_programs() -> None:
    train = [_rays_pair(6, 6, [(1, 1, 2), (4, 4, 3)]), _rays_pair(7, 5, [(2, 0, 3), (3, 2, 2), (5, 4, 3)]),
             _rays_pair(5, 7, [(0, 6, 2), (2, 3, 3), (3, 0, 2)])]
    test_in, test_out = _rays_pair(8, 8, [(1, 2, 3), (3, 5, 2), (6, 1, 2), (5, 7, 3)])
    sols = search(train, [test_in], time.monotonic() + 30.0, cpu_deadline=time.process_time() + 6.0)
    assert sols, "no program found"
    best = sols[0]
    assert best.parts and best.program.startswith("overlay("), best.program
    assert np.array_equal(best.predictions[0], test_out)
    text = solution_to_candidate(best).description
    assert "lay these on top of each other" in text


def test_a_part_may_recolour_what_it_paints() -> None:
    g, o = _rays_pair(5, 5, [(1, 1, 2), (3, 3, 3)])
    comp = Composer([o])
    swapped = np.where(g == 2, 7, g).astype(np.int8)  # colour 7 where the output has 2: one map fixes it
    assert comp.offer([swapped], ("swapped",), 1)
    assert comp.parts[0].recolours == {7: 2}
    assert np.array_equal(comp.parts[0].paint(swapped), g)
    two_ways = swapped.copy()
    two_ways[3, 3] = 7  # 7 would have to become 2 and 3
    assert not comp.offer([two_ways], ("two ways",), 1)


def test_a_program_that_explains_all_pairs_but_one_is_offered_with_its_score() -> None:
    rng = np.random.default_rng(7)
    grids = [rng.integers(0, 4, size=(4, 5)).astype(np.int8) for _ in range(4)]
    train = [(g, g[:, ::-1].copy()) for g in grids[:3]]
    odd = grids[2].copy()
    odd[0, 0], odd[3, 4] = 9, 8  # an exception in the third demo that no program explains
    train[2] = (grids[2], odd)
    sols = search(train, [grids[3]], time.monotonic() + 20.0, cpu_deadline=time.process_time() + 3.0,
                  compose=False)
    assert sols, "nothing offered"
    best = sols[0]
    assert (best.train_correct, best.train_total) == (2, 3)
    assert not best.plain
    assert np.array_equal(best.predictions[0], grids[3][:, ::-1])
    two = search(train[:2], [grids[3]], time.monotonic() + 20.0)  # with two demos both must be explained
    assert two and two[0].train_correct == two[0].train_total == 2


def test_fit_to_shrinks_or_stretches_to_the_one_output_shape() -> None:
    g = np.zeros((6, 4), np.int8)
    g[0:3, 0:2] = 5
    g[3:6, 2:4] = 7
    g[0, 3] = 9  # a block takes its most common non-background colour, even from a single cell
    assert fit_to(2, 2)(g).tolist() == [[5, 9], [0, 7]]
    assert fit_to(12, 8)(g).shape == (12, 8)
    assert fit_to(6, 4)(g) is None and fit_to(4, 4)(g) is None
    info = task_info([g, np.zeros((9, 6), np.int8)], [np.zeros((3, 2), np.int8), np.zeros((3, 2), np.int8)])
    assert info.out_shape == (3, 2) and "fit(3,2)" in {op.name for op in task_ops(info)}
    assert task_info([g], [g]).out_shape == (6, 4)
