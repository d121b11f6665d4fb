"""Specialists: learned, parametrised rule families for ARC. Each learns its parameters from the train pairs,
verifies on every train pair and returns Candidates with test predictions.

`SPECIALISTS` lists them as callables `(task, deadline) -> list[Candidate]`, deadline a time.monotonic() value.
"""

from __future__ import annotations

from collections.abc import Callable

from synthloop.arc.dsl.specialists.analogy import complete_by_analogy
from synthloop.arc.dsl.specialists.attract import attract_to_walls
from synthloop.arc.dsl.specialists.bboxfill import fill_bboxes
from synthloop.arc.dsl.specialists.cells import cell_rules
from synthloop.arc.dsl.specialists.cellular import local_rules, prepared_local_rules, rule_list
from synthloop.arc.dsl.specialists.clearlines import paint_clear_lines
from synthloop.arc.dsl.specialists.cornerrays import corner_rays
from synthloop.arc.dsl.specialists.counting import classify_grid, classify_to_grid, counting, fill_like_input
from synthloop.arc.dsl.specialists.crop import crop_content, crop_selected
from synthloop.arc.dsl.specialists.cropbox import crop_box
from synthloop.arc.dsl.specialists.cropcount import crop_by_colour_count
from synthloop.arc.dsl.specialists.denoise import majority_fill
from synthloop.arc.dsl.specialists.elbow import elbow_path
from synthloop.arc.dsl.specialists.keyline import recolour_by_line_key
from synthloop.arc.dsl.specialists.layers import (
    arrangement,
    cell_summary,
    count_scale,
    layered,
    select_cell,
    symmetrize,
)
from synthloop.arc.dsl.specialists.motion import draw_rays, gravity, move_to_contact
from synthloop.arc.dsl.specialists.objrecolour import object_halo, object_recolour, recolour_by_key
from synthloop.arc.dsl.specialists.paste import paste_template
from synthloop.arc.dsl.specialists.periodic import periodic_extend
from synthloop.arc.dsl.specialists.pivot import mirror_about_pivot
from synthloop.arc.dsl.specialists.pull import pull_to_anchor
from synthloop.arc.dsl.specialists.rays import colour_lines, rays_to_target, step_toward
from synthloop.arc.dsl.specialists.regionfill import region_recolour
from synthloop.arc.dsl.specialists.regions import fill_touching
from synthloop.arc.dsl.specialists.roles import role_recolour
from synthloop.arc.dsl.specialists.stamps import object_stamps
from synthloop.arc.dsl.specialists.symmetry import extend_pattern, fill_regular
from synthloop.arc.grid import ArcTask, Candidate

Specialist = Callable[[ArcTask, float], list[Candidate]]

SPECIALISTS: list[Specialist] = [  # cheap, precise families first; the broad local rules last
    crop_content,
    arrangement,
    layered,
    select_cell,
    cell_summary,
    cell_rules,
    fill_regular,
    symmetrize,
    extend_pattern,
    periodic_extend,
    complete_by_analogy,
    mirror_about_pivot,
    count_scale,
    crop_selected,
    crop_by_colour_count,
    crop_box,
    counting,
    classify_grid,
    classify_to_grid,
    fill_like_input,
    gravity,
    move_to_contact,
    attract_to_walls,
    pull_to_anchor,
    draw_rays,
    corner_rays,
    rays_to_target,
    colour_lines,
    elbow_path,
    paint_clear_lines,
    step_toward,
    majority_fill,
    role_recolour,
    object_recolour,
    recolour_by_key,
    recolour_by_line_key,
    object_halo,
    fill_bboxes,
    object_stamps,
    paste_template,
    fill_touching,
    region_recolour,
    rule_list,
    local_rules,
    prepared_local_rules,
]

__all__ = ["SPECIALISTS", "Specialist"]
