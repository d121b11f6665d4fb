"""Specialists: learned, parametrised rule families for ARC. Each learns its parameters from the train pairs,
verifies on every train pair and returns Candidates with test predictions.

`SPECIALISTS` lists them as callables `(task, deadline) -> list[Candidate]`, deadline a time.monotonic() value.
"""

from __future__ import annotations

from collections.abc import Callable

from synthloop.arc.dsl.specialists.cellular import local_rules, prepared_local_rules, rule_list
from synthloop.arc.dsl.specialists.counting import classify_grid, classify_to_grid, counting, fill_like_input
from synthloop.arc.dsl.specialists.crop import crop_content, crop_selected
from synthloop.arc.dsl.specialists.denoise import majority_fill
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
from synthloop.arc.dsl.specialists.rays import colour_lines, rays_to_target, step_toward
from synthloop.arc.dsl.specialists.regions import fill_touching
from synthloop.arc.dsl.specialists.roles import role_recolour
from synthloop.arc.dsl.specialists.symmetry import extend_pattern, fill_regular
from synthloop.arc.grid import ArcTask, Candidate

Specialist = Callable[[ArcTask, float], list[Candidate]]

SPECIALISTS: list[Specialist] = [  # cheap, precise families first; the broad local rules last
    crop_content,
    arrangement,
    layered,
    select_cell,
    cell_summary,
    fill_regular,
    symmetrize,
    extend_pattern,
    count_scale,
    crop_selected,
    counting,
    classify_grid,
    classify_to_grid,
    fill_like_input,
    gravity,
    move_to_contact,
    draw_rays,
    rays_to_target,
    colour_lines,
    step_toward,
    majority_fill,
    role_recolour,
    object_recolour,
    recolour_by_key,
    object_halo,
    fill_touching,
    rule_list,
    local_rules,
    prepared_local_rules,
]

__all__ = ["SPECIALISTS", "Specialist"]
