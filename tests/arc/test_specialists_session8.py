"""Session-8 specialist families (key panel layouts, concentric ring recolouring, mending dashed lines, stamping the
key picture on markers) on real ARC-AGI-1 *training* tasks: each predicts the held-out test output, and each says
nothing where its rule does not hold."""

from __future__ import annotations

import numpy as np
import pytest

from synthloop.arc.dsl.specialists import SPECIALISTS
from synthloop.arc.dsl.specialists.dashes import mend_dashed_lines
from synthloop.arc.dsl.specialists.panelkey import panel_key
from synthloop.arc.dsl.specialists.rings import recolour_rings, ring_colours
from synthloop.arc.dsl.specialists.stampkey import stamp_key
from synthloop.arc.grid import ArcTask, as_grid

from .family_checks import assert_solves_with, fitting, solves, training_task

FAMILIES = [panel_key, recolour_rings, mend_dashed_lines, stamp_key]


@pytest.mark.parametrize(("spec", "task_id", "program"), [
    (panel_key, "09629e4f", "panel_key_blow_up(key=fewest_cells)"),
    (panel_key, "6d0160f0", "panel_key_place(key=holding(4), marker=4)"),
    (recolour_rings, "85c4e7cd", "rings(grid, reverse)"),
    (recolour_rings, "bda2d7a6", "rings(grid, next_outward)"),
    (mend_dashed_lines, "4612dd53", "mend_dashed_lines(colour=1, share>0.5, paint=2)"),
    (stamp_key, "363442ee", "stamp_key(marker=1, anchor=centre)"),
    (stamp_key, "88a10436", "stamp_key(marker=5, anchor=centre)"),
])
def test_family_solves_held_out_test_input(spec, task_id: str, program: str) -> None:
    assert_solves_with(spec, task_id, program)


@pytest.mark.parametrize("spec", FAMILIES)
@pytest.mark.parametrize("task_id", ["3c9b0459", "a416b8f3", "0d3d703e"])  # turn 180, tile twice, colour map
def test_family_claims_nothing_where_it_does_not_apply(spec, task_id: str) -> None:
    assert fitting(spec, training_task(task_id)) == []


def test_families_stay_silent_on_each_others_tasks() -> None:
    """A family's rule must not fit by accident on a task solved by another family."""
    own = {"09629e4f": panel_key, "85c4e7cd": recolour_rings, "4612dd53": mend_dashed_lines, "363442ee": stamp_key}
    for tid, owner in own.items():
        task = training_task(tid)
        for spec in FAMILIES:
            if spec is not owner:
                assert fitting(spec, task) == [], f"{spec.__name__} claims {tid}"


def _ring_block(colours: list[int]) -> np.ndarray:
    n = 2 * len(colours)
    r, c = np.indices((n, n))
    depth = np.minimum(np.minimum(r, n - 1 - r), np.minimum(c, n - 1 - c))
    return np.asarray(colours)[depth]


def _on_canvas(blocks: list[tuple[int, int, np.ndarray]], shape: tuple[int, int]) -> np.ndarray:
    g = np.zeros(shape, dtype=np.int64)
    for r, c, b in blocks:
        g[r:r + b.shape[0], c:c + b.shape[1]] = b
    return g


def _block_task(outputs_reversed: bool) -> ArcTask:
    """Two demos and a test of ring blocks on a blank canvas; the demos reverse each block's ring colours."""
    pairs = []
    for specs in ([(1, 1, [3, 4]), (5, 6, [2, 7, 8])], [(0, 5, [1, 6, 9])], [(2, 0, [4, 8]), (6, 6, [5, 1])]):
        ins = _on_canvas([(r, c, _ring_block(cols)) for r, c, cols in specs], (12, 12))
        outs = _on_canvas([(r, c, _ring_block(cols[::-1] if outputs_reversed else cols[1:] + cols[:1]))
                           for r, c, cols in specs], (12, 12))
        pairs.append((as_grid(ins), as_grid(outs)))
    return ArcTask(id="ring-blocks", train=pairs[:2], test=[pairs[2]])


def test_rings_recolour_each_block_on_a_background() -> None:
    task = _block_task(outputs_reversed=True)
    cands = fitting(recolour_rings, task)
    assert cands and cands[0].program == "rings(blocks, reverse)"
    assert solves(task, cands)


def test_rings_claim_nothing_when_the_colours_are_not_a_ring_permutation() -> None:
    task = training_task("85c4e7cd")
    i, o = task.train[0]
    bad = np.asarray(o).copy()
    bad[0, :] = 9  # the outer ring half in a colour the picture does not have
    broken = ArcTask(id="broken", train=[(i, as_grid(bad)), *task.train[1:]], test=task.test)
    assert fitting(recolour_rings, broken) == []
    assert ring_colours(np.asarray(task.train[0][0])) == [4, 2, 1, 3, 5, 8]


def test_stamp_key_needs_single_cell_markers() -> None:
    task = training_task("363442ee")
    i, o = task.train[0]
    g = np.asarray(i).copy()
    r, c = np.argwhere(g == 1)[0]
    g[r, c + 1] = 1  # two touching markers: no longer single cells
    broken = ArcTask(id="broken", train=[(as_grid(g), o), *task.train[1:]], test=task.test)
    assert fitting(stamp_key, broken) == []


def test_panel_key_needs_the_separator_lines_kept() -> None:
    task = training_task("09629e4f")
    i, o = task.train[0]
    bad = np.asarray(o).copy()
    bad[3, :] = 0  # the output drops a separator line
    broken = ArcTask(id="broken", train=[(i, as_grid(bad)), *task.train[1:]], test=task.test)
    assert fitting(panel_key, broken) == []


def test_families_are_registered_once() -> None:
    for spec in FAMILIES:
        assert SPECIALISTS.count(spec) == 1
