"""Round-5b family: template stamp (complete a template's body around recurrences of its anchors)."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.templatestamp import stamp_template, template_stamp

from .family_checks import assert_solves_with, fitting, training_task


def test_template_stamp_solves_6aa20dc0() -> None:
    assert_solves_with(template_stamp, "6aa20dc0", "stamp_template(strategy='colour', clip=False, crop=False)")


def test_template_stamp_solves_7df24a62() -> None:
    assert_solves_with(template_stamp, "7df24a62", "stamp_template(strategy='colour', clip=True, crop=False)")


def test_template_stamp_solves_8a004b2b() -> None:
    assert_solves_with(template_stamp, "8a004b2b", "stamp_template(strategy='component', clip=False, crop=True)")


def test_template_stamp_rejects_a_recolouring_task() -> None:
    assert fitting(template_stamp, training_task("a5313dff")) == []


def test_stamp_scales_and_mirrors() -> None:
    g = np.zeros((10, 10), dtype=np.int8)
    g[0, 0], g[0, 1], g[1, 1], g[1, 0] = 2, 5, 3, 5  # template: anchors 2 (top-left), 3 (bottom-right), body 5
    g[4:6, 8:10] = 2  # a mirrored copy at scale 2: 2 top-right, 3 bottom-left
    g[6:8, 6:8] = 3
    out = stamp_template(g, "colour", False)
    assert out is not None
    assert (out[4:6, 6:8] == 5).all() and (out[6:8, 8:10] == 5).all()
    assert (out[4:6, 8:10] == 2).all() and (out[6:8, 6:8] == 3).all()
