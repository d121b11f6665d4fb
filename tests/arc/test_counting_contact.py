"""Counting blocks while ignoring specks, colour lists written into a fixed grid in snake order, and contact
recolouring, each on the real training task it was made for, plus near misses it must decline."""

from __future__ import annotations

import numpy as np
from tests.arc.family_checks import assert_solves_with, fitting, training_task

from synthloop.arc.dsl.specialists.colourlist import colour_list
from synthloop.arc.dsl.specialists.contact import contact_recolour
from synthloop.arc.dsl.specialists.counting import counting
from synthloop.arc.grid import ArcTask, as_grid


def test_counting_counts_blocks_not_specks():
    # count the blue 2x2 squares (single blue cells do not count): that many 1s in a 1x5 row
    assert_solves_with(counting, "1fad071e",
                       "first_n(shape=(1, 5), count=non_speck_objects_of_colour(c4,1), colour=1, rest=0)")


def test_colour_list_fills_a_fixed_grid_in_snake_order():
    # the dots read left to right, written into a 3x3 grid row by row, the middle row right to left
    assert_solves_with(colour_list, "cdecee7f",
                       "colour_list(source='largest_objects', order='left', layout='fill_snake')")


def test_contact_recolour_changes_touching_pairs():
    # a green touching a red turns azure and the red is erased; a green touching grey stays
    assert_solves_with(contact_recolour, "d90796e8", "contact_recolour(4-conn, 2 touching 3 -> 0; 3 touching 2 -> 8)")


def test_contact_recolour_declines_other_rules():
    assert fitting(contact_recolour, training_task("ce9e57f2")) == []  # bars half recoloured: no contact rule
    assert fitting(contact_recolour, training_task("1fad071e")) == []  # output of another shape
    # a touching 3 changes in one demo but not in the other: no consistent rule
    pairs = [([[3, 2, 0], [0, 0, 3]], [[8, 2, 0], [0, 0, 3]]), ([[0, 3, 2], [1, 0, 0]], [[0, 3, 2], [0, 0, 0]])]
    task = ArcTask("synthetic", [(as_grid(i), as_grid(o)) for i, o in pairs], [(as_grid([[3, 2]]), None)])
    assert contact_recolour(task, float("inf")) == []


def test_contact_recolour_applies_rules_to_a_new_grid():
    pairs = [([[3, 2, 0, 3], [0, 0, 0, 5], [2, 0, 0, 0]], [[8, 0, 0, 3], [0, 0, 0, 5], [2, 0, 0, 0]]),
             ([[0, 0, 3], [0, 0, 2], [0, 0, 0]], [[0, 0, 8], [0, 0, 0], [0, 0, 0]])]
    task = ArcTask("synthetic", [(as_grid(i), as_grid(o)) for i, o in pairs], [(as_grid([[2, 3, 5], [3, 0, 0]]), None)])
    (cand,) = contact_recolour(task, float("inf"))
    assert np.array_equal(cand.predictions[0], [[0, 8, 5], [8, 0, 0]])
