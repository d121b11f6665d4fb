"""Line and box drawing families (box-corner rays, boxes growing to markers, the box that markers span, lines that
step around obstacles) on real ARC-AGI-1 *training* tasks: each predicts the held-out test output, and each says
nothing where its rule does not hold."""

from __future__ import annotations

import numpy as np
import pytest

from synthloop.arc.dsl.specialists import SPECIALISTS
from synthloop.arc.dsl.specialists.cornerrays import corner_rays
from synthloop.arc.dsl.specialists.detour import detour_lines, detour_rays
from synthloop.arc.dsl.specialists.growbox import grow_boxes, grow_to_markers
from synthloop.arc.dsl.specialists.markerbox import marker_box, outline_inside
from synthloop.arc.dsl.specialists.shadow import rain, shadow_rain

from .family_checks import assert_solves_with, fitting, training_task

FAMILIES = [grow_boxes, marker_box, detour_rays, shadow_rain]


@pytest.mark.parametrize(("spec", "task_id", "program"), [
    (corner_rays, "6e19193c",
     "box_corner_rays(corners='empty', own_colour=True, holders_only=False, stop_at_obstacles=True)"),
    (corner_rays, "ec883f72",
     "box_corner_rays(corners='filled', own_colour=False, holders_only=True, stop_at_obstacles=True)"),
    (grow_boxes, "b548a754", "grow_to_markers()"),
    (marker_box, "928ad970", "marker_box_outline(marker=5)"),
    (marker_box, "a1570a43", "marker_box_move(marker=3)"),
    (detour_rays, "d9f24cd1", "detour_lines(colour=2, step='right')"),
    (shadow_rain, "6d58a25d", "rain(side='below')"),
])
def test_family_solves_held_out_test_input(spec, task_id: str, program: str) -> None:
    assert_solves_with(spec, task_id, program)


@pytest.mark.parametrize("spec", [*FAMILIES, corner_rays])
@pytest.mark.parametrize("task_id", ["3c9b0459", "a416b8f3", "0d3d703e", "d4f3cd78"])  # turn, tile, colours, leak
def test_family_claims_nothing_where_it_does_not_apply(spec, task_id: str) -> None:
    assert fitting(spec, training_task(task_id)) == []


def test_families_stay_silent_on_each_others_tasks() -> None:
    own = {"b548a754": grow_boxes, "928ad970": marker_box, "a1570a43": marker_box, "d9f24cd1": detour_rays,
           "6d58a25d": shadow_rain}
    for tid, owner in own.items():
        task = training_task(tid)
        for spec in FAMILIES:
            if spec is not owner:
                assert fitting(spec, task) == [], f"{spec.__name__} claims {tid}"


def test_grow_keeps_the_border_and_repeats_the_inner_line() -> None:
    g = np.zeros((6, 8), dtype=np.int64)
    g[1:4, 1:4] = 3
    g[2, 2] = 2
    g[2, 6] = 8  # marker to the right, in the box's rows
    out = grow_to_markers(g)
    assert out is not None
    assert out[2].tolist() == [0, 3, 2, 2, 2, 2, 3, 0]
    assert out[1].tolist() == [0, 3, 3, 3, 3, 3, 3, 0]
    g[2, 6], g[5, 6] = 0, 8  # a marker in line with nothing: no rule
    assert grow_to_markers(g) is None


def test_outline_needs_lone_markers() -> None:
    g = np.zeros((8, 8), dtype=np.int64)
    g[0, 3], g[7, 3], g[3, 0], g[4, 7], g[3, 3] = 5, 5, 5, 5, 1
    out = outline_inside(g, 5)
    assert out is not None and out[1, 1:7].tolist() == [1] * 6 and out[2:6, 1].tolist() == [1] * 4
    g[0, 4] = 5  # two touching marker cells are no markers
    assert outline_inside(g, 5) is None


def test_detour_steps_to_the_learned_hand() -> None:
    g = np.zeros((5, 5), dtype=np.int64)
    g[4, 1], g[2, 1] = 2, 5
    right = detour_lines(g, 2, right=True)
    left = detour_lines(g, 2, right=False)
    assert right is not None and left is not None
    assert right[:, 2].tolist() == [2, 2, 2, 2, 0] and right[3, 1] == 2 and right[2, 1] == 5
    assert left[:, 0].tolist() == [2, 2, 2, 2, 0] and left[:, 2].tolist() == [0] * 5


def test_rain_falls_only_on_the_learned_side() -> None:
    g = np.zeros((7, 7), dtype=np.int64)
    g[1, 2:5] = 4
    g[5, 3], g[1, 0] = 3, 3  # one marker below the bar, one beside it
    down = rain(g, 0)
    assert down is not None and down[2:, 3].tolist() == [3] * 5 and down[1, 1] == 0
    assert rain(g, 2) is None  # nothing lies above the bar


def test_families_are_registered_once() -> None:
    for spec in [*FAMILIES, corner_rays]:
        assert SPECIALISTS.count(spec) == 1
