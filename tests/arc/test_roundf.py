"""Round-f specialist families (parity flood through a maze, colour-keyed templates, corner folding, stacked row
steps, a stamp at the markers' midpoint) on real ARC-AGI-1 *training* tasks: each predicts the held-out test output,
and each says nothing where its rule does not hold."""

from __future__ import annotations

import numpy as np
import pytest

from synthloop.arc.dsl.specialists import SPECIALISTS
from synthloop.arc.dsl.specialists.barbeam import bar_beam, bar_beams
from synthloop.arc.dsl.specialists.centrestack import centred_stack, stack_centred
from synthloop.arc.dsl.specialists.cornerfold import corner_fold, fold_corners
from synthloop.arc.dsl.specialists.countshift import count_shift_lines, shift_lines_by_count
from synthloop.arc.dsl.specialists.cyclicshear import cyclic_shear, shear_cyclically
from synthloop.arc.dsl.specialists.keytemplate import colour_key, keyed_template
from synthloop.arc.dsl.specialists.ladder import ladder_lines, line_ladder
from synthloop.arc.dsl.specialists.linetopology import topology, topology_recolour
from synthloop.arc.dsl.specialists.midstamp import draw_at_midpoint, midpoint_stamp
from synthloop.arc.dsl.specialists.parityflood import parity_flood, parity_flood_fill
from synthloop.arc.dsl.specialists.rowstack import row_stack, stack_rows
from synthloop.arc.dsl.specialists.scaledmatch import pick_scaled_match, scaled_match
from synthloop.arc.dsl.specialists.seedrings import ringed_seeds, seed_rings
from synthloop.arc.dsl.specialists.speckjump import specks_onto_block, specks_to_block
from synthloop.arc.dsl.specialists.steppedrays import stepped_edge_rays, stepped_rays

from .family_checks import assert_solves_with, fitting, training_task

FAMILIES = [parity_flood_fill, keyed_template, corner_fold, stack_rows, midpoint_stamp, topology_recolour,
            shear_cyclically, specks_to_block, count_shift_lines, stepped_edge_rays, ladder_lines, centred_stack,
            bar_beam, scaled_match, ringed_seeds]


@pytest.mark.parametrize(("spec", "task_id", "program"), [
    (parity_flood_fill, "b782dc8a", "parity_flood(connectivity=4)"),
    (keyed_template, "d4469b4b", "template_by_colours(x)"),
    (corner_fold, "bc1d5164", "fold_corners(size=3x3)"),
    (stack_rows, "bbc9ae5d", "row_stack(smear=right, up=False, rows=half_width, square=False)"),
    (stack_rows, "feca6190", "row_stack(shift=right, up=True, rows=width_times_colours, square=True)"),
    (midpoint_stamp, "e9614598",
     "stamp_at_midpoint([((-1, 0), 3), ((0, -1), 3), ((0, 0), 3), ((0, 1), 3), ((1, 0), 3)])"),
    (topology_recolour, "e509e548", "recolour_by_topology(ends_bends, [((2, 1), 1), ((2, 2), 6), ((3, 1), 2)])"),
    (shear_cyclically, "e9afcf9a", "cyclic_shear(cols, step=1)"),
    (specks_to_block, "d89b689b", "specks_onto_block(keep_block=True)"),
    (count_shift_lines, "e48d4e1a", "shift_lines_by_count(marker=5, step=(1, -1))"),
    (stepped_edge_rays, "f15e1fac", "stepped_rays(seeds=8)"),
    (ladder_lines, "db3e9e38", "line_ladder(other=8, turns=0)"),
    (centred_stack, "c8cbb738", "stack_centred(colors)"),
    (bar_beam, "b527c5c6", "bar_beams(over=False)"),
    (scaled_match, "ce602527", "pick_scaled_match(x)"),
    (ringed_seeds, "d22278a0", "seed_rings(near=manhattan, rings=chebyshev)"),
])
def test_family_solves_held_out_test_input(spec, task_id: str, program: str) -> None:
    assert_solves_with(spec, task_id, program)


@pytest.mark.parametrize("task_id", ["007bbfb7", "0d3d703e", "1e0a9b12", "3c9b0459", "6150a2bd"])
def test_families_say_nothing_on_other_rules(task_id: str) -> None:
    task = training_task(task_id)
    for spec in FAMILIES:
        assert fitting(spec, task) == [], (spec.__name__, task_id)


def test_families_are_registered() -> None:
    for spec in FAMILIES:
        assert spec in SPECIALISTS


def test_parity_flood_alternates_and_stops_at_walls() -> None:
    g = np.array([[1, 0, 0, 5], [5, 5, 0, 5], [0, 0, 5, 5]])  # wall 5, single seed colour 1 floods plainly
    out = parity_flood(g, 4)
    assert out.tolist() == [[1, 1, 1, 5], [5, 5, 1, 5], [0, 0, 5, 5]]
    g2 = np.array([[2, 0, 0, 0], [3, 5, 5, 5], [5, 5, 5, 5]])
    assert parity_flood(g2, 4)[0].tolist() == [2, 3, 2, 3]


def test_fold_corners_rejects_clashes() -> None:
    g = np.array([[1, 0, 2], [0, 0, 0], [0, 0, 0]])
    assert fold_corners(g, 1, 1) is None
    assert fold_corners(np.array([[1, 0, 0], [0, 0, 0], [0, 0, 4]]), 2, 2).tolist() == [[1, 0], [0, 4]]


def test_keyed_template_and_row_stack_helpers() -> None:
    assert colour_key(np.array([[0, 3, 0], [0, 0, 1], [0, 0, 0]])) == (1, 3)
    out = row_stack(np.array([[4, 0, 0, 0]]), "smear", True, False, "width", False)
    assert out.tolist() == [[4, 0, 0, 0], [4, 4, 0, 0], [4, 4, 4, 0], [4, 4, 4, 4]]
    assert row_stack(np.zeros((2, 4), dtype=np.int8), "shift", True, False, "width", False) is None


def test_midpoint_needs_two_equal_markers_an_even_distance_apart() -> None:
    stamp = {(0, 0): 3}
    g = np.zeros((5, 5), dtype=np.int8)
    g[0, 0] = g[0, 4] = 1
    assert draw_at_midpoint(g, stamp)[0, 2] == 3
    g[0, 4], g[0, 3] = 0, 1
    assert draw_at_midpoint(g, stamp) is None


def test_topology_counts_ends_bends_branches() -> None:
    from synthloop.arc.dsl import objects as O
    u = np.array([[3, 0, 3], [3, 0, 3], [3, 3, 3]])
    (ob,) = O.extract(u, "c4")
    assert topology(ob) == {"ends": 2, "bends": 2, "branches": 0}


def test_shear_line_shift_ladder_stack_helpers() -> None:
    assert cyclic_shear(np.array([[1, 1], [2, 2]]), "cols", 1).tolist() == [[1, 2], [2, 1]]
    g = np.array([[0, 4, 0, 5], [4, 4, 4, 4], [0, 4, 0, 0], [0, 4, 0, 0]])
    assert shift_lines_by_count(g, 5, 1, 1).tolist() == [[0, 0, 4, 0], [0, 0, 4, 0], [4, 4, 4, 4], [0, 0, 4, 0]]
    assert line_ladder(np.array([[0, 7, 0], [0, 7, 0], [0, 0, 0]]), 8, 0).tolist() == [[8, 7, 8], [0, 7, 0],
                                                                                       [0, 0, 0]]
    two = np.array([[1, 0, 1, 0, 0], [0, 0, 0, 0, 0], [1, 0, 1, 0, 2]])
    assert stack_centred(two, "colors").tolist() == [[1, 0, 1], [0, 2, 0], [1, 0, 1]]
    odd = np.array([[1, 1, 0, 0, 2], [1, 1, 0, 0, 0], [0, 0, 0, 0, 0]])
    assert stack_centred(odd, "colors") is None  # odd size difference: no common centre
    b = np.zeros((6, 6), dtype=np.int8)
    b[2:4, 2:4] = 8
    b[0, 0] = 1
    assert specks_onto_block(b, True)[2, 2] == 1 and specks_onto_block(b, True)[0, 0] == 0


def test_stepped_rays_need_side_markers() -> None:
    g = np.zeros((4, 4), dtype=np.int8)
    g[0, 1] = 8
    assert stepped_rays(g, 8) is None
    g[2, 3] = 2
    assert stepped_rays(g, 8)[:, :3].tolist() == [[0, 8, 0], [0, 8, 0], [8, 0, 0], [8, 0, 0]]


def test_bar_beam_is_as_wide_as_the_bar_is_thick() -> None:
    g = np.zeros((5, 6), dtype=np.int8)
    g[3:5, 1:5] = 3
    g[3, 2] = 2
    out = bar_beams(g, False)
    assert out[:3, 1:4].tolist() == [[3, 2, 3]] * 3
    g[3, 2] = 3
    assert bar_beams(g, False) is None  # no marker, no beam


def test_scaled_match_needs_a_unique_enlarged_shape() -> None:
    g = np.zeros((8, 8), dtype=np.int8)
    g[0, 0:2] = g[1, 0] = 3  # small L
    g[0, 4] = g[0, 6] = g[1, 5] = 4  # small zigzag
    g[4:8, 4:8] = 5
    g[6:8, 6:8] = 0  # big L at scale 2
    assert pick_scaled_match(g).tolist() == [[3, 3], [3, 0]]
    g[0, 4:6] = g[1, 4] = 4  # now both small shapes are Ls: ambiguous
    g[0, 6] = g[1, 5] = 0
    assert pick_scaled_match(g) is None


def test_seed_rings_leave_ties_empty() -> None:
    g = np.zeros((3, 5), dtype=np.int8)
    g[0, 0], g[0, 4] = 1, 2
    out = seed_rings(g, "chebyshev", "chebyshev")
    assert out[0].tolist() == [1, 0, 0, 0, 2]  # the middle column is a tie; rings 1 and 3 stay empty
    assert out[2].tolist() == [1, 1, 0, 2, 2]
