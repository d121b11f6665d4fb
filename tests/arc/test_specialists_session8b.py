"""Session-8b specialist families (drawing on a bigger canvas, symmetry completion across the axis, the area with
the most specks, pointer rays, templates completed at their anchors' scale) on real ARC-AGI-1 *training* tasks: each predicts the held-out test output, each says
nothing where its rule does not hold, and each leaves at once when its precondition fails."""

from __future__ import annotations

import time

import numpy as np
import pytest

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists import SPECIALISTS
from synthloop.arc.dsl.specialists.canvas import draw_on_canvas, lay_on_canvas
from synthloop.arc.dsl.specialists.noisecount import area_with_most_specks, specks_per_area
from synthloop.arc.dsl.specialists.pointers import pointer, pointer_rays, shoot_pointers
from synthloop.arc.dsl.specialists.scaledtemplate import complete_templates, scaled_templates
from synthloop.arc.dsl.specialists.sortbars import sort_bars, stack_bars
from synthloop.arc.dsl.specialists.symaxis import complete_symmetry_axis, continue_along
from synthloop.arc.grid import ArcTask, as_grid

from .family_checks import assert_solves_with, fitting, solves, training_task

FAMILIES = [draw_on_canvas, complete_symmetry_axis, area_with_most_specks, pointer_rays, scaled_templates, sort_bars]
OWN = {"d13f3404": draw_on_canvas, "73251a56": complete_symmetry_axis, "de1cd16c": area_with_most_specks,
       "25d487eb": pointer_rays, "57aa92db": scaled_templates, "447fd412": scaled_templates, "beb8660c": sort_bars}


@pytest.mark.parametrize(("spec", "task_id", "program"), [
    (draw_on_canvas, "d13f3404",
     "then(canvas(x, rows times 2, cols times 2, at=top-left), rules(if ray_nw=role 3 then that colour))"),
    (complete_symmetry_axis, "73251a56", "symmetry_fill_axis(x, mask=0, along=diagonal)"),
    (area_with_most_specks, "de1cd16c", "colour_of_area_with_most_specks(x, shape=(1, 1))"),
    (pointer_rays, "25d487eb", "pointer_rays(towards=True, colour=marker, stop=False)"),
    (scaled_templates, "57aa92db", "complete_scaled_templates(x)"),
    (scaled_templates, "447fd412", "complete_scaled_templates(x)"),
    (sort_bars, "beb8660c", "sort_bars(edge=bottom, longest_first, flush=far_end)"),
])
def test_family_solves_held_out_test_input(spec, task_id: str, program: str) -> None:
    assert_solves_with(spec, task_id, program)


@pytest.mark.parametrize("spec", FAMILIES)
@pytest.mark.parametrize("task_id", ["3c9b0459", "a416b8f3", "007bbfb7", "c9e6f938", "10fcaaa3"])
def test_family_claims_nothing_where_it_does_not_apply(spec, task_id: str) -> None:
    # turn 180, tile twice, fractal self-tiling, mirror-tile, tile with diagonal halo
    assert fitting(spec, training_task(task_id)) == []


def test_families_stay_silent_on_each_others_tasks() -> None:
    """A family's rule must not fit by accident on a task solved by another family."""
    for tid, owner in OWN.items():
        task = training_task(tid)
        for spec in FAMILIES:
            if spec is not owner:
                assert fitting(spec, task) == [], f"{spec.__name__} claims {tid}"


def test_families_leave_at_once_when_the_precondition_fails() -> None:
    """The cheap exits: on the other families' tasks (and a turn by 180) each family costs a few milliseconds."""
    for spec in FAMILIES:
        tasks = [training_task(t) for t in ("3c9b0459", *OWN) if OWN.get(t) is not spec]
        for t in tasks:
            spec(t, time.monotonic() + 10.0)  # warm imports
        t0 = time.process_time()
        for _ in range(5):
            for t in tasks:
                spec(t, time.monotonic() + 10.0)
        per_task_ms = 1000 * (time.process_time() - t0) / (5 * len(tasks))
        assert per_task_ms < 5.0, f"{spec.__name__}: {per_task_ms:.2f} ms per task"


def test_canvas_size_and_anchor_are_learned() -> None:
    g = np.array([[0, 0], [0, 3]])
    laid = lay_on_canvas(g, (4, 5), "bottom-right")
    assert laid.shape == (4, 5) and laid[3, 4] == 3 and (laid != 0).sum() == 1
    # each single cell shoots a ray down-right on a canvas three times as big, anchored at the bottom-left
    pairs = []
    for cells, shape in (([(0, 1, 2), (2, 0, 3)], (3, 3)), ([(1, 0, 4), (0, 2, 5)], (3, 4)), ([(0, 0, 7)], (2, 2))):
        i = np.zeros(shape, dtype=np.int64)
        o = np.zeros((3 * shape[0], 3 * shape[1]), dtype=np.int64)
        for r, c, v in cells:
            i[r, c] = v
            rr, cc = r + 2 * shape[0], c
            while rr < o.shape[0] and cc < o.shape[1]:
                o[rr, cc] = v
                rr, cc = rr + 1, cc + 1
        pairs.append((as_grid(i), as_grid(o)))
    task = ArcTask(id="canvas-rays", train=pairs[:2], test=[pairs[2]])
    cands = fitting(draw_on_canvas, task)
    assert cands and "times 3" in cands[0].program and "bottom-left" in cands[0].program
    assert solves(task, cands)


def test_canvas_needs_the_input_kept() -> None:
    task = training_task("d13f3404")
    i, o = task.train[0]
    bad = np.asarray(o).copy()
    bad[0, 1] = 9  # the output no longer shows the input at any anchor
    broken = ArcTask(id="broken", train=[(i, as_grid(bad)), *task.train[1:]], test=task.test)
    assert fitting(draw_on_canvas, broken) == []


def test_continue_along_needs_agreeing_ends() -> None:
    g = np.array([[1, 2, 2], [2, 0, 2], [2, 2, 1]])
    known = g != 0
    assert continue_along(g, known, (1, 1))[1, 1] == 1
    assert continue_along(g, known, (1, 0))[1, 1] == 2
    assert continue_along(g, known, (1, -1))[1, 1] == 2
    g[2, 2] = 3
    assert continue_along(g, g != 0, (1, 1)) is None


def test_symmetry_axis_needs_the_mask_gone_from_the_outputs() -> None:
    task = training_task("73251a56")
    i, o = task.train[0]
    bad = np.asarray(o).copy()
    bad[0, 0] = 0  # an output keeps a mask-coloured cell
    broken = ArcTask(id="broken", train=[(i, as_grid(bad)), *task.train[1:]], test=task.test)
    assert fitting(complete_symmetry_axis, broken) == []


def test_specks_are_counted_per_area() -> None:
    g = np.array([[1, 1, 1, 2, 2, 2],
                  [1, 5, 1, 2, 5, 2],
                  [1, 1, 1, 2, 2, 2],
                  [1, 1, 1, 2, 5, 2],
                  [1, 1, 1, 2, 2, 2]])
    assert specks_per_area(g) == {1: 1, 2: 2}
    task = training_task("de1cd16c")
    i, o = task.train[0]
    flipped = ArcTask(id="fewest", train=[(i, as_grid(np.full((1, 1), 1)))] + [
        (a, b) for a, b in task.train[1:]], test=task.test)
    assert fitting(area_with_most_specks, flipped) == []  # most in one demo, fewest in another: no rule


def test_pointer_direction_and_ray() -> None:
    g = np.zeros((7, 7), dtype=np.int64)
    g[3, 1:4] = 4
    g[2, 2] = g[4, 2] = 4
    g[3, 1] = 6  # marker on the left end: points right
    obj = next(o for o in O.extract(g, "m8") if o.n_colors == 2)
    assert pointer(obj) == ((3, 1), (0, 1), 6)
    out = shoot_pointers(g, towards=True, marker_colour=True, stop=False)
    assert out is not None and (out[3, 4:] == 6).all() and (out[3, :4] == g[3, :4]).all()
    assert shoot_pointers(np.where(g == 6, 4, g), True, True, False) is None  # one colour: no pointer


def test_scaled_template_is_drawn_at_the_anchor_scale_and_colour() -> None:
    g = np.zeros((12, 12), dtype=np.int64)
    g[0, 0:3] = [5, 5, 2]  # template: two body cells then the anchor
    g[1, 1] = 5
    g[6:8, 8:10] = 2  # the anchor at scale 2
    g[6:8, 6:8] = 3  # a body cell in a new colour
    out = complete_templates(g)
    assert out is not None
    assert (out[6:8, 4:8] == 3).all() and (out[8:10, 6:8] == 3).all() and (out[6:8, 8:10] == 2).all()
    assert int((out != g).sum()) == 4 + 4  # the scaled body cells not already drawn
    g[10, 4:6] = 2  # anchor cells no placement explains (two cells side by side)
    assert complete_templates(g) is None
    g[10, 4:6] = 0
    g[11, 0] = 2  # an anchor whose template would lie wholly outside the grid
    assert complete_templates(g) is None


def test_bars_pile_against_the_edge_in_order() -> None:
    g = np.zeros((5, 4), dtype=np.int64)
    g[0, 1:3] = 3  # length 2
    g[2, 0:3] = 5  # length 3
    g[4, 3] = 7  # length 1
    out = stack_bars(g, "top", longest_first=True, flush_end=False)
    assert out is not None
    assert out[0].tolist() == [5, 5, 5, 0] and out[1].tolist() == [3, 3, 0, 0] and out[2].tolist() == [7, 0, 0, 0]
    assert int((out != 0).sum()) == 6
    g[4, 0:2] = 7  # two bars of length 2 in different colours: no order
    assert stack_bars(g, "top", True, False) is None
    g[4, 0] = 0
    g[3, 3] = 7  # an L-shaped object is no bar
    assert stack_bars(g, "top", True, False) is None


def test_families_are_registered_once() -> None:
    for spec in FAMILIES:
        assert SPECIALISTS.count(spec) == 1
