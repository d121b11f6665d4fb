"""The zoomrays specialist on real training tasks, plus a hand-made grid."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.zoomrays import zoom_rays, zoom_rays_spec

from .family_checks import assert_solves_with, fitting, training_task


def test_zoom_rays_spec_solves_469497ad() -> None:
    assert_solves_with(zoom_rays_spec, "469497ad", "zoom_rays(factor='colours', colour=2)")


def test_zoom_rays_spec_rejects_an_unrelated_task() -> None:
    assert fitting(zoom_rays_spec, training_task("a5313dff")) == []


def test_zoom_rays_scales_by_colour_count() -> None:
    g = np.zeros((4, 4), dtype=np.int8)
    g[1, 1] = 5
    g[3, :] = 3
    out = zoom_rays(g, "colours", 2)
    assert out is not None and out.shape == (8, 8)
    assert (out[2:4, 2:4] == 5).all() and out[1, 1] == 2 and out[0, 0] == 2
    assert out[4, 4] == 2 and out[5, 5] == 2 and out[6, 6] == 3 and out[4, 1] == 2
