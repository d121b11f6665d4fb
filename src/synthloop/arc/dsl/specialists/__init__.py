"""Specialists: learned, parametrised rule families for ARC. Each learns its parameters from the train pairs,
verifies on every train pair and returns Candidates with test predictions.

`SPECIALISTS` lists them as callables `(task, deadline) -> list[Candidate]`, deadline a time.monotonic() value.
"""

from __future__ import annotations

from collections.abc import Callable

from synthloop.arc.dsl.specialists.cellular import local_rules
from synthloop.arc.dsl.specialists.counting import counting
from synthloop.arc.dsl.specialists.crop import crop_content, crop_selected
from synthloop.arc.dsl.specialists.layers import arrangement, layered
from synthloop.arc.dsl.specialists.motion import gravity, move_to_contact
from synthloop.arc.dsl.specialists.symmetry import fill_regular
from synthloop.arc.grid import ArcTask, Candidate

Specialist = Callable[[ArcTask, float], list[Candidate]]

SPECIALISTS: list[Specialist] = [
    local_rules,
    crop_content,
    crop_selected,
    arrangement,
    layered,
    fill_regular,
    gravity,
    move_to_contact,
    counting,
]

__all__ = ["SPECIALISTS", "Specialist"]
