"""Round-m specialist families on real training tasks: meet lines, marker extrude, cup fill, anchor fit, spiral,
hint repeat, track slide."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.anchorfit import anchor_fit, fit_to_anchors
from synthloop.arc.dsl.specialists.cupfill import cup_fill, fill_cups
from synthloop.arc.dsl.specialists.extrude import extrude, marker_extrude
from synthloop.arc.dsl.specialists.hintrepeat import hint_repeat, repeat_hints
from synthloop.arc.dsl.specialists.meetlines import meet_lines, meet_lines_spec
from synthloop.arc.dsl.specialists.spiral import spiral, spiral_mask
from synthloop.arc.dsl.specialists.trackslide import slide_on_track, track_slide

from .family_checks import assert_solves_with, fitting, training_task


def _g(rows: list[str]) -> np.ndarray:
    return np.array([[0 if ch == "." else int(ch) for ch in r] for r in rows], dtype=np.int8)


# meet lines

def test_meet_lines_solves_29c11459() -> None:
    assert_solves_with(meet_lines_spec, "29c11459", "meet_lines(axis='rows', mid=5)")


def test_meet_lines_solves_ded97339() -> None:
    assert_solves_with(meet_lines_spec, "ded97339", "meet_lines(axis='both', mid=8)")


def test_meet_lines_rejects_a_recolouring_task() -> None:
    assert fitting(meet_lines_spec, training_task("a5313dff")) == []


def test_meet_lines_unit() -> None:
    g = _g(["1.....2", "......."])
    assert np.array_equal(meet_lines(g, "rows", 5), _g(["1115222", "......."]))
    assert meet_lines(_g(["1..2..3"]), "rows", 5) is None  # three cells on a line: refused


# marker extrude

def test_marker_extrude_solves_1f0c79e5() -> None:
    assert_solves_with(marker_extrude, "1f0c79e5", "marker_extrude(marker=2, by_size=False)")


def test_marker_extrude_rejects_a_recolouring_task() -> None:
    assert fitting(marker_extrude, training_task("a5313dff")) == []


def test_extrude_unit() -> None:
    g = _g(["....", "....", ".42.", ".44."])
    assert np.array_equal(extrude(g, 2, False), _g(["...4", "..44", ".444", ".44."]))


# cup fill

def test_cup_fill_solves_444801d8() -> None:
    assert_solves_with(cup_fill, "444801d8", "fill_cups(overflow=True)")


def test_cup_fill_rejects_a_recolouring_task() -> None:
    assert fitting(cup_fill, training_task("a5313dff")) == []


def test_fill_cups_unit() -> None:
    g = _g([".....", "1...1", "1.3.1", "11111"])
    assert np.array_equal(fill_cups(g, True), _g(["33333", "13331", "13331", "11111"]))
    assert np.array_equal(fill_cups(g, False), _g([".....", "13331", "13331", "11111"]))


# anchor fit

def test_anchor_fit_solves_0e206a2e() -> None:
    assert_solves_with(anchor_fit, "0e206a2e", "fit_to_anchors(erase=True)")


def test_anchor_fit_rejects_a_recolouring_task() -> None:
    assert fitting(anchor_fit, training_task("a5313dff")) == []


def test_fit_to_anchors_unit() -> None:
    g = _g(["1552....", "......2.", "........", "........", "......1."])
    out = fit_to_anchors(g, True)  # the bar turns upright to join 2 and 1
    assert np.array_equal(out, _g(["........", "......2.", "......5.", "......5.", "......1."]))
    assert fit_to_anchors(_g(["1552....", "......2.", "........", "......1."]), True) is None  # does not fit


# spiral

def test_spiral_solves_28e73c20() -> None:
    assert_solves_with(spiral, "28e73c20", "draw_spiral(colour=3, orientation=0)")


def test_spiral_rejects_a_recolouring_task() -> None:
    assert fitting(spiral, training_task("a5313dff")) == []


def test_spiral_mask_unit() -> None:
    m = spiral_mask(6, 6).astype(int)
    assert np.array_equal(m, (_g(["333333", ".....3", "3333.3", "3.33.3", "3....3", "333333"]) > 0).astype(int))


# hint repeat

def test_hint_repeat_solves_045e512c() -> None:
    assert_solves_with(hint_repeat, "045e512c", "repeat_hints(gap=1)")


def test_hint_repeat_rejects_a_recolouring_task() -> None:
    assert fitting(hint_repeat, training_task("a5313dff")) == []


def test_repeat_hints_unit() -> None:
    g = _g(["11.2.....", "11......."])
    assert np.array_equal(repeat_hints(g, 1), _g(["11.22.22.", "11.22.22."]))


# track slide

def test_track_slide_solves_5168d44c() -> None:
    assert_solves_with(track_slide, "5168d44c", "slide_on_track(sign=1)")


def test_track_slide_rejects_a_recolouring_task() -> None:
    assert fitting(track_slide, training_task("a5313dff")) == []


def test_slide_on_track_unit() -> None:
    g = _g(["222......", "2323.3.3.", "222......"])
    assert np.array_equal(slide_on_track(g, 1), _g(["..222....", ".32323.3.", "..222...."]))
