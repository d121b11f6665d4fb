"""Session-5 specialists (colour lists, empty boxes, symmetry about a found centre, shape swaps, key-coloured
patterns, the marked object, panel summaries, template completion): each solves the held-out test input of real
ARC-AGI-1 *training* tasks, learns its rule on small hand-made grids, and declines tasks it does not fit."""

from __future__ import annotations

import time

import numpy as np
import pytest

from synthloop.arc.dataset import load_tasks
from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists import SPECIALISTS
from synthloop.arc.dsl.specialists.align import align_objects, align_to_anchor
from synthloop.arc.dsl.specialists.blockshape import block_factor, shrink_block_shape, shrink_shape
from synthloop.arc.dsl.specialists.bounce import bounce, bouncing_rays
from synthloop.arc.dsl.specialists.bracketmirror import back_line, bracket_mirror, mirror_across_brackets
from synthloop.arc.dsl.specialists.bridge import bridge, bridges
from synthloop.arc.dsl.specialists.centrelines import centre_lines, lines_through_centres
from synthloop.arc.dsl.specialists.colourlist import colour_list
from synthloop.arc.dsl.specialists.countdiag import count_diagonal, count_on_diagonal
from synthloop.arc.dsl.specialists.cropmarked import crop_marked, crop_marked_object
from synthloop.arc.dsl.specialists.emptyboxes import (
    empty_boxes,
    empty_windows,
    greedy_windows,
    largest_rectangle,
)
from synthloop.arc.dsl.specialists.framefit import fit_into_frame, frame_fit
from synthloop.arc.dsl.specialists.halveskron import halves_kron, key_times_shape
from synthloop.arc.dsl.specialists.keeprect import keep_rectangle, keep_solid_rectangle
from synthloop.arc.dsl.specialists.keyquadrants import key_quadrants, recolour_by_key
from synthloop.arc.dsl.specialists.leak import fill_and_leak, leaking_boxes
from synthloop.arc.dsl.specialists.matchkey import match_key_shapes, paint_matches
from synthloop.arc.dsl.specialists.objsymmetry import complete_symmetry
from synthloop.arc.dsl.specialists.panelsummary import panel_summary, split_panels, summarise
from synthloop.arc.dsl.specialists.paneltransforms import fill_panels, panel_transforms
from synthloop.arc.dsl.specialists.runextend import repeat_runs, repeat_runs_along_lines
from synthloop.arc.dsl.specialists.selfshift import shift_by_size, shift_objects_by_size
from synthloop.arc.dsl.specialists.shapeswap import swap_shapes
from synthloop.arc.dsl.specialists.stripes import repeat_stripes, stripes
from synthloop.arc.dsl.specialists.templatefill import complete_fragments, template_fill
from synthloop.arc.grid import ArcTask, Candidate, as_grid

NEW = [colour_list, empty_boxes, complete_symmetry, swap_shapes, key_quadrants, crop_marked_object, panel_summary,
       template_fill, frame_fit, bracket_mirror, shrink_block_shape, lines_through_centres,
       bridges, leaking_boxes, keep_solid_rectangle, match_key_shapes, align_objects, shift_objects_by_size,
       panel_transforms, repeat_runs_along_lines, bouncing_rays, stripes, count_on_diagonal, halves_kron]


def _real(tid: str) -> ArcTask:
    return load_tasks("arcagi", "training", ids=[tid])[0]


def _task(pairs, tests) -> ArcTask:
    return ArcTask(id="synthetic", train=[(as_grid(i), as_grid(o)) for i, o in pairs],
                   test=[(as_grid(i), as_grid(o)) for i, o in tests])


def _deadline() -> float:
    return time.monotonic() + 10.0


def _solved(spec, task: ArcTask) -> list[Candidate]:
    return [c for c in spec(task, _deadline()) if c.solves_train]


def _right(task: ArcTask, cands: list[Candidate]) -> bool:
    return bool(cands) and all(
        cands[0].predictions[k] is not None and np.array_equal(cands[0].predictions[k], out)
        for k, (_, out) in enumerate(task.test))


@pytest.mark.parametrize(("spec", "task_id"), [
    (colour_list, "4be741c5"), (colour_list, "f8b3ba0a"), (colour_list, "9af7a82c"), (colour_list, "a3325580"),
    (empty_boxes, "3eda0437"), (empty_boxes, "6cf79266"),
    (complete_symmetry, "11852cab"), (complete_symmetry, "e40b9e2f"), (complete_symmetry, "1b60fb0c"),
    (swap_shapes, "6c434453"),
    (key_quadrants, "77fdfe62"), (key_quadrants, "7c008303"),
    (crop_marked_object, "48d8fb45"),
    (panel_summary, "1190e5a7"), (panel_summary, "780d0b14"), (panel_summary, "9f236235"),
    (template_fill, "36d67576"), (template_fill, "72322fa7"),
    (frame_fit, "6b9890af"),
    (bracket_mirror, "6855a6e4"), (bracket_mirror, "f8a8fe49"),
    (shrink_block_shape, "5ad4f10b"), (shrink_block_shape, "6ecd11f4"), (lines_through_centres, "41e4d17e"), (bridges, "d6ad076f"),
    (leaking_boxes, "d4f3cd78"), (keep_solid_rectangle, "91714a58"),
    (match_key_shapes, "63613498"), (align_objects, "1caeab9d"), (shift_objects_by_size, "5521c0d9"),
    (panel_transforms, "8e5a5113"), (repeat_runs_along_lines, "e21d9049"),
    (bouncing_rays, "a3df8b1e"), (bouncing_rays, "e179c5f4"), (bouncing_rays, "508bd3b6"),
    (stripes, "0a938d79"), (count_on_diagonal, "d0f5fe59"), (halves_kron, "b190f7f5"),
])
def test_specialist_solves_held_out_test_input(spec, task_id: str) -> None:
    task = _real(task_id)
    cands = _solved(spec, task)
    assert cands, f"{spec.__name__} explains no demo set of {task_id}"
    assert _right(task, cands)
    assert cands[0].program and cands[0].description and cands[0].source == "specialist"


@pytest.mark.parametrize("spec", NEW)
def test_new_specialists_do_not_claim_a_rotation_task(spec) -> None:
    assert not _solved(spec, _real("3c9b0459"))  # rotate by 180 degrees: none of these families applies


def test_new_specialists_are_registered() -> None:
    for spec in NEW:
        assert spec in SPECIALISTS


# ------------------------------------------------------------------------------------------------ colour lists

def _stripes(colours: list[int], widths: list[int], h: int = 3) -> np.ndarray:
    return np.concatenate([np.full((h, w), c, dtype=np.int8) for c, w in zip(colours, widths, strict=True)], axis=1)


def test_colour_list_orders_by_count_as_a_column() -> None:
    def grid(counts: dict[int, int]) -> np.ndarray:
        g = np.zeros((6, 6), dtype=np.int8)
        cells = [(r, c) for r in range(6) for c in range(6)]
        k = 0
        for colour, n in counts.items():
            for _ in range(n):
                g[cells[k]] = colour
                k += 1
        return g
    task = _task([(grid({3: 1, 5: 4, 2: 2}), [[5], [2], [3]]), (grid({1: 5, 7: 3}), [[1], [7]])],
                 [(grid({4: 2, 6: 6, 8: 1, 9: 3}), [[6], [9], [4], [8]])])
    cands = _solved(colour_list, task)
    assert _right(task, cands)
    assert "count" in cands[0].program and "column" in cands[0].program


def test_colour_list_declines_when_the_order_is_not_learnable() -> None:
    # the demos list colours in an order that matches no key (neither counts nor positions)
    task = _task([(_stripes([1, 2, 3], [1, 2, 3]), [[2, 3, 1]]), (_stripes([4, 5, 6], [3, 2, 1]), [[6, 4, 5]])],
                 [(_stripes([7, 8, 9], [1, 1, 1]), [[7, 8, 9]])])
    assert not _solved(colour_list, task)


# ------------------------------------------------------------------------------------------------ empty boxes

def test_empty_windows_cover_and_greedy_differ() -> None:
    blank = np.ones((3, 4), dtype=bool)
    assert empty_windows(blank, 2, 2).all()
    greedy = greedy_windows(blank, 2, 2)
    assert greedy[:2].all() and not greedy[2].any()
    assert largest_rectangle(np.ones((2, 5), dtype=bool)) == (0, 0, 2, 5)
    tied = np.zeros((5, 5), dtype=bool)
    tied[0:2, 0:2] = tied[3:5, 3:5] = True
    assert largest_rectangle(tied) is None


def test_empty_boxes_learns_the_largest_blank_rectangle() -> None:
    def pair(box: tuple[int, int, int, int], small: tuple[int, int, int, int], shape=(8, 10)):
        g = (np.indices(shape).sum(axis=0) % 2).astype(np.int8)  # a checkerboard: no blank 2x2 anywhere
        t, lf, b, r = box
        g[t:b, lf:r] = 0
        g[small[0]:small[2], small[1]:small[3]] = 0  # a smaller blank block that stays
        o = g.copy()
        o[t:b, lf:r] = 6
        return g, o
    task = _task([pair((1, 1, 3, 5), (5, 7, 7, 10)), pair((2, 3, 5, 6), (5, 0, 8, 2))],
                 [pair((0, 4, 4, 7), (6, 0, 8, 3))])
    cands = _solved(empty_boxes, task)
    assert _right(task, cands)
    assert "largest" in cands[0].program


# ------------------------------------------------------------------------------------------------ symmetry

def test_complete_symmetry_finds_an_off_centre_mirror() -> None:
    def pair(top: int, left: int, shape=(8, 9)):
        full = np.array([[2, 3, 3, 2], [0, 4, 4, 0]], dtype=np.int8)
        o = np.zeros(shape, dtype=np.int8)
        o[top:top + 2, left:left + 4] = full
        g = o.copy()
        g[top:top + 2, left + 3] = 0  # the right column is missing
        return g, o
    task = _task([pair(1, 1), pair(4, 3)], [pair(5, 5)])
    cands = _solved(complete_symmetry, task)
    assert _right(task, cands)
    assert "left-right" in cands[0].program


# ------------------------------------------------------------------------------------------------ shape swap

def test_swap_shapes_needs_every_test_shape_seen() -> None:
    ring = np.array([[1, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=np.int8)
    plus = np.array([[0, 2, 0], [2, 2, 2], [0, 2, 0]], dtype=np.int8)

    def grid(spots, patch):
        g = np.zeros((8, 8), dtype=np.int8)
        for r, c in spots:
            g[r:r + 3, c:c + 3] = patch
        return g
    pairs = [(grid([(0, 0), (4, 4)], ring), grid([(0, 0), (4, 4)], plus)),
             (grid([(1, 4)], ring), grid([(1, 4)], plus))]
    good = _task(pairs, [(grid([(5, 0)], ring), grid([(5, 0)], plus))])
    assert _right(good, _solved(swap_shapes, good))
    odd = grid([(5, 0)], ring)
    odd[0, 7] = 1  # a single cell: a shape no demo showed
    unseen = _task(pairs, [(odd, odd)])
    cands = _solved(swap_shapes, unseen)
    assert not cands or cands[0].predictions[0] is None


# ------------------------------------------------------------------------------------------------ key quadrants

def test_recolour_by_key_scales_the_key_over_the_pattern() -> None:
    g = np.zeros((7, 7), dtype=np.int8)
    g[0, 0], g[0, 1], g[1, 0], g[1, 1] = 2, 3, 4, 6
    g[2, :] = 5  # frame line
    g[3:7, 3:7] = np.array([[8, 0, 0, 8], [0, 8, 8, 0], [8, 8, 0, 0], [0, 0, 8, 8]])
    out = recolour_by_key(g)
    assert out is not None and out.shape == (4, 4)
    assert out.tolist() == [[2, 0, 0, 3], [0, 2, 3, 0], [4, 4, 0, 0], [0, 0, 6, 6]]


# ------------------------------------------------------------------------------------------------ marked object

def test_crop_marked_takes_the_touched_object_only() -> None:
    g = np.zeros((8, 8), dtype=np.int8)
    g[1:3, 1:3] = 3
    g[5:7, 4:7] = [[1, 0, 1], [1, 1, 1]]
    g[4, 3] = 5  # marker touches the second object diagonally
    assert crop_marked(g, 5).tolist() == [[1, 0, 1], [1, 1, 1]]
    g[0, 0] = 5  # a second marker on the other object: ambiguous
    assert crop_marked(g, 5) is None


# ------------------------------------------------------------------------------------------------ panels

def test_summarise_handles_unequal_panels() -> None:
    g = np.full((7, 9), 3, dtype=np.int8)
    g[2, :] = 7
    g[:, 3] = 7
    g[:, 7] = 7
    g[3:, 4:7] = 4
    g[0, 0] = 4  # noise does not change the majority
    assert split_panels(g) is not None
    assert summarise(g).tolist() == [[3, 3, 3], [3, 4, 3]]
    assert summarise(np.full((4, 4), 3, dtype=np.int8)) is None  # no separator lines


# ------------------------------------------------------------------------------------------------ templates

def test_complete_fragments_places_the_template_over_split_fragments() -> None:
    g = np.zeros((9, 9), dtype=np.int8)
    g[1, 1:4] = [4, 8, 4]  # template
    g[5, 2], g[5, 4] = 4, 4  # two fragments that together are one copy's ends
    g[7, 7] = 8  # a centre alone
    out = complete_fragments(g, "m8", False)
    assert out is not None
    assert out[5, 2:5].tolist() == [4, 8, 4]
    assert out[7, 6:9].tolist() == [4, 8, 4]
    g[7, 8] = 0
    g[7, 7] = 0
    g[3, 8] = 4  # a lone end next to the border: the copy would leave the grid on one side only
    out = complete_fragments(g, "m8", False)
    assert out is not None and out[3, 6:9].tolist() == [4, 8, 4]


# ------------------------------------------------------------------------------------------------ frame fit

def test_fit_into_frame_scales_the_shape_to_the_inside() -> None:
    g = np.zeros((12, 12), dtype=np.int8)
    g[0:6, 0:6] = 2
    g[1:5, 1:5] = 0  # a 6x6 frame, 4x4 inside
    g[8:10, 8:10] = [[3, 0], [3, 3]]
    out = fit_into_frame(g)
    assert out is not None and out.shape == (6, 6)
    assert out[1:5, 1:5].tolist() == [[3, 3, 0, 0], [3, 3, 0, 0], [3, 3, 3, 3], [3, 3, 3, 3]]
    g[8:11, 8:11] = 3  # a 3x3 shape: 4 is no whole multiple of 3
    assert fit_into_frame(g) is None


# ------------------------------------------------------------------------------------------------ bracket mirror

def test_mirror_across_brackets_uses_the_nearest_back_line() -> None:
    g = np.zeros((12, 9), dtype=np.int8)
    g[3, 1:6] = 2
    g[4, 1], g[4, 5] = 2, 2  # bracket opening downwards, back line = row 3
    g[0, 3], g[1, 3] = 5, 5  # a bar above it
    bracket = next(o for o in O.extract(g, "c8") if o.color == 2)
    assert back_line(bracket) == ("row", 3)
    out = mirror_across_brackets(g, 5)
    assert out is not None
    assert out[5, 3] == 5 and out[6, 3] == 5 and out[0, 3] == 0 and out[1, 3] == 0
    g[6, 3] = 7  # another shape sits where the image would land: declined
    assert mirror_across_brackets(g, 5) is None


# ------------------------------------------------------------------------------------------------ block shape

def test_shrink_shape_picks_the_blocky_colour_not_the_most_common() -> None:
    assert block_factor(np.kron(np.eye(2, dtype=bool), np.ones((3, 3), dtype=bool))) == 3
    assert block_factor(np.eye(3, dtype=bool)) is None
    g = np.zeros((12, 12), dtype=np.int8)
    g[0:6, 3:6] = 4
    g[3:6, 0:3] = 4  # an L of 3x3 blocks
    noise = [(8, 1), (9, 5), (10, 9), (11, 2), (7, 10), (8, 8), (11, 11), (10, 0), (9, 7), (7, 7), (11, 6)]
    for rc in noise:
        g[rc] = 2  # scattered noise: no k x k blocks
    assert shrink_shape(g, "other").tolist() == [[0, 2], [2, 2]]
    assert shrink_shape(g, "own").tolist() == [[0, 4], [4, 4]]
    assert shrink_shape(g, "key") is None  # no many-coloured picture to mask


def test_shrink_shape_masks_the_key_picture() -> None:
    g = np.zeros((12, 12), dtype=np.int8)
    g[0:6, 3:6] = 1
    g[3:6, 0:3] = 1
    g[9:11, 9:11] = [[1, 7], [6, 9]]  # the picture shares colour 1 with the shape
    assert shrink_shape(g, "key").tolist() == [[0, 7], [6, 9]]


# ------------------------------------------------------------------------------------------------ centre lines

def test_centre_lines_need_a_middle_cell() -> None:
    g = np.zeros((7, 7), dtype=np.int8)
    g[1:4, 2:5] = 3
    out = centre_lines(g, "c8", "both", 6)
    assert out is not None and (out[2, [0, 1, 5, 6]] == 6).all() and (out[[0, 4, 5, 6], 3] == 6).all()
    assert out[2, 3] == 3  # the object's own cells keep their colour
    g[1:4, 5] = 3  # width 4: no middle column
    assert centre_lines(g, "c8", "cols", 6) is None


# ------------------------------------------------------------------------------------------------ bridges

def test_bridge_spans_the_overlap_less_the_margin_and_stops_at_obstacles() -> None:
    g = np.zeros((8, 10), dtype=np.int8)
    g[1:6, 0:2] = 4
    g[2:7, 7:10] = 6  # rows 2..5 overlap
    out = bridge(g, 1, 8)
    assert out is not None
    assert (out[3:5, 2:7] == 8).all() and (out[2, 2:7] == 0).all() and (out[5, 2:7] == 0).all()
    g[3, 4] = 1  # something in the gap: no bridge
    assert bridge(g, 1, 8) is None


# ------------------------------------------------------------------------------------------------ leaking boxes

def test_fill_and_leak_runs_out_of_the_gap_until_blocked() -> None:
    g = np.zeros((9, 7), dtype=np.int8)
    g[1:5, 1:6] = 5
    g[2:4, 2:5] = 0
    g[4, 3] = 0  # a gap in the bottom wall
    g[7, 3] = 2  # something below stops the leak
    out = fill_and_leak(g, True, 8)
    assert out is not None
    assert (out[2:4, 2:5] == 8).all() and out[4, 3] == 8 and out[5, 3] == 8 and out[6, 3] == 8
    assert out[7, 3] == 2 and out[8, 3] == 0
    assert fill_and_leak(g, False, 8)[5, 3] == 0
    g[4, 3] = 5  # closed box: nothing leaks, nothing to fill
    assert fill_and_leak(g, True, 8) is None


# ------------------------------------------------------------------------------------------------ solid rectangle

def test_keep_rectangle_ignores_noise_and_ties() -> None:
    g = np.zeros((8, 8), dtype=np.int8)
    g[2:5, 1:5] = 3
    g[0, 0], g[6, 6], g[2, 5], g[7, 2] = 3, 4, 7, 3  # noise, some of it touching the rectangle
    out = keep_rectangle(g, False)
    assert out is not None and int((out == 3).sum()) == 12 and (out[2:5, 1:5] == 3).all()
    assert keep_rectangle(g, True).shape == (3, 4)
    g[6:8, 4:8] = 4
    g[5, 4:7] = 4  # a second colour whose largest filled rectangle is 2x4 = 8 cells: smaller, so 3 still wins
    assert keep_rectangle(g, False)[2, 1] == 3
    g[5:8, 4:8] = 4  # now a 3x4 rectangle too: a tie, declined
    assert keep_rectangle(g, False) is None


# ------------------------------------------------------------------------------------------------ key shapes

def test_paint_matches_repaints_only_copies_of_the_boxed_key() -> None:
    g = np.zeros((10, 10), dtype=np.int8)
    g[0:4, 3] = 5
    g[3, 0:4] = 5  # a corner box
    g[0, 1], g[1, 0], g[1, 1] = 3, 3, 3  # the key inside it
    g[6, 6], g[7, 5], g[7, 6] = 9, 9, 9  # a copy of the key's shape
    g[6, 1], g[7, 1], g[7, 2] = 4, 4, 4  # another shape
    out = paint_matches(g, 5)
    assert out is not None
    assert (out[[6, 7, 7], [6, 5, 6]] == 5).all() and (out[[6, 7, 7], [1, 1, 2]] == 4).all()
    assert (out[[0, 1, 1], [1, 0, 1]] == 3).all()  # the key itself stays
    g[0:4, 3] = 0
    g[3, 0:4] = 0  # no box: no key
    assert paint_matches(g, 5) is None


# ------------------------------------------------------------------------------------------------ moves

def test_align_to_anchor_lines_objects_up_and_refuses_overlaps() -> None:
    g = np.zeros((8, 8), dtype=np.int8)
    g[4:6, 0:2] = 1  # anchor
    g[0:2, 3:5] = 2
    g[6:8, 6:8] = 4
    out = align_to_anchor(g, 1, "rows", "start")
    assert out is not None
    assert (out[4:6, 3:5] == 2).all() and (out[4:6, 6:8] == 4).all() and (out[4:6, 0:2] == 1).all()
    assert int((out != 0).sum()) == 12
    g[6:8, 6:8] = 0
    g[6:8, 0:2] = 4  # right below the anchor: lining up would put it on the anchor
    assert align_to_anchor(g, 1, "rows", "start") is None


def test_shift_by_size_moves_taller_objects_further() -> None:
    g = np.zeros((10, 6), dtype=np.int8)
    g[8:10, 0] = 3  # height 2
    g[6:10, 3] = 5  # height 4
    out = shift_by_size(g, "up")
    assert out is not None
    assert (out[6:8, 0] == 3).all() and (out[2:6, 3] == 5).all() and int((out != 0).sum()) == 6
    assert shift_by_size(g, "down") is None  # would leave the grid


def test_fill_panels_turns_the_drawn_panel_per_position() -> None:
    g = np.zeros((2, 5), dtype=np.int8)
    g[:, 2] = 5
    g[0:2, 0:2] = [[1, 2], [3, 4]]
    out = fill_panels(g, ["as is", "mirrored left-right"])
    assert out is not None and out[:, 3:5].tolist() == [[2, 1], [4, 3]] and out[:, 0:2].tolist() == [[1, 2], [3, 4]]
    g[0, 4] = 7  # two drawn panels: which one is the source is unclear
    assert fill_panels(g, ["as is", "mirrored left-right"]) is None


def test_repeat_runs_only_extends_unbroken_runs() -> None:
    g = np.zeros((3, 7), dtype=np.int8)
    g[0, 2:4] = [3, 4]
    g[2, 1], g[2, 4] = 5, 6  # two runs of one cell: left alone
    out = repeat_runs(g, "rows")
    assert out is not None and out[0].tolist() == [3, 4, 3, 4, 3, 4, 3] and out[2].tolist() == g[2].tolist()
    assert repeat_runs(g[2:], "rows") is None


def test_bounce_turns_off_walls_and_optionally_off_side_edges() -> None:
    g = np.zeros((6, 3), dtype=np.int8)
    g[5, 0] = 1  # a stroke in the bottom-left corner
    out = bounce(g, None, None, True)
    assert out is not None and [int(np.flatnonzero(row)[0]) for row in out] == [1, 0, 1, 2, 1, 0]
    stopped = bounce(g, None, None, False)
    assert stopped is not None and int((stopped != 0).sum()) == 3  # leaves through the right edge
    g[5, 0] = 0
    g[2, 1] = 4  # a cell in the middle: no stroke in a corner, nothing to shoot
    assert bounce(g, None, None, True) is None


def test_repeat_stripes_runs_towards_the_far_end() -> None:
    g = np.zeros((3, 10), dtype=np.int8)
    g[0, 2], g[2, 3] = 4, 6
    out = repeat_stripes(g)
    assert out is not None and out[1].tolist() == [0, 0, 4, 6, 4, 6, 4, 6, 4, 6]
    g[1, 7] = 1  # three seeds: not this rule
    assert repeat_stripes(g) is None


def test_count_diagonal_and_key_times_shape() -> None:
    g = np.zeros((6, 6), dtype=np.int8)
    g[0, 0], g[2, 2:4], g[5, 5] = 8, 8, 8
    assert count_diagonal(g, "c8", False).tolist() == [[8, 0, 0], [0, 8, 0], [0, 0, 8]]
    assert count_diagonal(g, "c8", True)[0, 2] == 8
    g[4, 0] = 3  # objects of two colours: no single colour to draw
    assert count_diagonal(g, "c8", False) is None
    halves = np.array([[2, 0, 0, 8], [0, 3, 8, 8]], dtype=np.int8)  # key | shape
    out = key_times_shape(halves)
    assert out is not None and out.tolist() == [[0, 2, 0, 0], [2, 2, 0, 0], [0, 0, 0, 3], [0, 0, 3, 3]]
