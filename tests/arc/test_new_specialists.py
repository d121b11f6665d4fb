"""The region-recolour and object-stamp specialists on small synthetic tasks: each learns its rule from the demos
and predicts a new test input, and declines near misses (a test the demos do not cover, inconsistent demos, a
pattern that runs to the border like a ray)."""

from __future__ import annotations

import time

import numpy as np

from synthloop.arc.dsl.specialists import SPECIALISTS
from synthloop.arc.dsl.specialists.analogy import complete_by_analogy
from synthloop.arc.dsl.specialists.attract import attract_to_walls
from synthloop.arc.dsl.specialists.bboxfill import fill_bboxes
from synthloop.arc.dsl.specialists.cells import cell_rules
from synthloop.arc.dsl.specialists.clearlines import paint_clear_lines
from synthloop.arc.dsl.specialists.cornerrays import corner_rays
from synthloop.arc.dsl.specialists.cropbox import crop_box
from synthloop.arc.dsl.specialists.cropcount import crop_by_colour_count
from synthloop.arc.dsl.specialists.elbow import elbow_path
from synthloop.arc.dsl.specialists.keyline import recolour_by_line_key
from synthloop.arc.dsl.specialists.paste import paste_template
from synthloop.arc.dsl.specialists.periodic import periodic_extend
from synthloop.arc.dsl.specialists.pivot import mirror_about_pivot
from synthloop.arc.dsl.specialists.pull import pull_to_anchor
from synthloop.arc.dsl.specialists.regionfill import region_recolour
from synthloop.arc.dsl.specialists.stamps import object_stamps
from synthloop.arc.grid import ArcTask, as_grid


def _task(pairs, tests) -> ArcTask:
    return ArcTask(id="synthetic", train=[(as_grid(i), as_grid(o)) for i, o in pairs],
                   test=[(as_grid(i), None if o is None else as_grid(o)) for i, o in tests])


def _deadline() -> float:
    return time.monotonic() + 5.0


# --------------------------------------------------------------------------------------------- region recolour

FILL = {1: 6, 4: 7, 9: 8, 16: 9}  # hole size -> colour


def _boxes(shape, boxes, filled):
    """Grid with hollow squares of colour 5 (top, left, side); `filled` paints each hole by its size."""
    g = np.zeros(shape, dtype=np.int8)
    for t, c, s in boxes:
        g[t:t + s, c:c + s] = 5
        g[t + 1:t + s - 1, c + 1:c + s - 1] = FILL[(s - 2) ** 2] if filled else 0
    return g


def _box_pair(shape, boxes):
    return _boxes(shape, boxes, False), _boxes(shape, boxes, True)


def test_region_recolour_fills_holes_by_size():
    task = _task([_box_pair((10, 10), [(0, 0, 3), (5, 5, 4)]),
                  _box_pair((10, 12), [(1, 6, 4), (6, 1, 3), (6, 7, 3)]),
                  _box_pair((8, 8), [(0, 4, 3), (3, 0, 4)])],
                 [_box_pair((11, 11), [(1, 1, 4), (6, 6, 3), (0, 7, 3)])])
    cands = region_recolour(task, _deadline())
    assert len(cands) == 1 and cands[0].solves_train
    assert np.array_equal(cands[0].predictions[0], task.test[0][1])
    assert "size" in cands[0].description


def test_region_recolour_declines_unseen_size_and_inconsistent_demos():
    pairs = [_box_pair((12, 12), [(0, 0, 3), (5, 5, 4), (0, 6, 5)]),
             _box_pair((6, 6), [(1, 1, 4)]), _box_pair((6, 6), [(2, 2, 3)])]  # no rank or threshold rule fits
    unseen = _task(pairs, [_box_pair((12, 12), [(1, 1, 6), (8, 8, 3)])])  # a 4x4 hole no demo filled
    assert region_recolour(unseen, _deadline()) == []
    i, o = _box_pair((10, 10), [(0, 0, 3), (5, 5, 3)])
    o = o.copy()
    o[6, 6] = 8  # the second 1-cell hole gets another colour: no table explains both
    inconsistent = _task(pairs + [(i, o)], [_box_pair((10, 10), [(0, 0, 3)])])
    assert region_recolour(inconsistent, _deadline()) == []


# ------------------------------------------------------------------------------------------------ object stamps

def _stamped(shape, pixels, stamp: bool):
    """Pixels of colour 3 get a plus of 4s, pixels of colour 2 get 1s on their diagonals."""
    g = np.zeros(shape, dtype=np.int8)
    for r, c, colour in pixels:
        g[r, c] = colour
        if not stamp:
            continue
        offs = [(-1, 0), (1, 0), (0, -1), (0, 1)] if colour == 3 else [(-1, -1), (-1, 1), (1, -1), (1, 1)]
        for dr, dc in offs:
            g[r + dr, c + dc] = 4 if colour == 3 else 1
    return g


def _stamp_pair(shape, pixels):
    return _stamped(shape, pixels, False), _stamped(shape, pixels, True)


STAMP_DEMOS = [_stamp_pair((9, 9), [(2, 2, 3), (6, 5, 2)]),
               _stamp_pair((10, 8), [(3, 5, 2), (7, 2, 3), (1, 1, 2)])]


def test_object_stamps_learns_a_pattern_per_marker_colour():
    task = _task(STAMP_DEMOS, [_stamp_pair((12, 12), [(1, 8, 3), (5, 3, 2), (9, 9, 2), (10, 1, 3)])])
    cands = object_stamps(task, _deadline())
    assert len(cands) == 1 and cands[0].solves_train
    assert np.array_equal(cands[0].predictions[0], task.test[0][1])


def test_object_stamps_declines_unseen_kind_and_rays():
    g = np.zeros((9, 9), dtype=np.int8)
    g[4, 4] = 6  # a marker colour no demo showed
    unseen = _task(STAMP_DEMOS, [(g, None)])
    assert object_stamps(unseen, _deadline()) == []

    def x_pair(n):  # a centre pixel whose diagonals run to the grid corners: a ray rule, not a fixed stamp
        i = np.zeros((n, n), dtype=np.int8)
        i[n // 2, n // 2] = 3
        o = i.copy()
        for k in range(n):
            o[k, k] = o[k, n - 1 - k] = 3
        return i, o

    rays = _task([x_pair(5), x_pair(7)], [x_pair(11)])
    assert object_stamps(rays, _deadline()) == []


# ---------------------------------------------------------------------------------------------- template paste

TEMPLATE = np.array([[0, 2, 0], [2, 1, 1], [0, 1, 3]], dtype=np.int8)


def _paste_pair(shape, at, markers):
    """The template at `at`; grey point markers that the output replaces by template copies centred on them."""
    i = np.zeros(shape, dtype=np.int8)
    i[at[0]:at[0] + 3, at[1]:at[1] + 3] = TEMPLATE
    o = i.copy()
    for r, c in markers:
        i[r, c] = 5
        window = o[r - 1:r + 2, c - 1:c + 2]
        window[TEMPLATE > 0] = TEMPLATE[TEMPLATE > 0]
    return i, o


def test_paste_template_centres_copies_on_markers():
    task = _task([_paste_pair((9, 9), (0, 0), [(5, 5)]), _paste_pair((10, 10), (6, 1), [(2, 6), (7, 7)])],
                 [_paste_pair((12, 12), (1, 8), [(3, 2), (9, 5)])])
    cands = paste_template(task, _deadline())
    assert len(cands) == 1 and cands[0].solves_train
    assert np.array_equal(cands[0].predictions[0], task.test[0][1])
    assert "centred" in cands[0].description


def test_paste_template_declines_two_templates():
    i, _ = _paste_pair((12, 12), (1, 8), [(3, 2)])
    i[8:11, 8:11] = TEMPLATE[::-1]  # a second, different template: which one to copy is not determined
    task = _task([_paste_pair((9, 9), (0, 0), [(5, 5)]), _paste_pair((10, 10), (6, 1), [(2, 6), (7, 7)])],
                 [(i, None)])
    assert paste_template(task, _deadline()) == []


# --------------------------------------------------------------------------------------------- wall attraction

def _walls_pair(shape, pixels):
    """A colour-2 wall on the left, a colour-3 wall at the bottom; pixels of those colours move against their
    wall, pixels of other colours vanish."""
    h, w = shape
    i = np.zeros(shape, dtype=np.int8)
    i[:, 0] = 2
    i[h - 1, 1:] = 3
    o = i.copy()
    for r, c, colour in pixels:
        i[r, c] = colour
        if colour == 2:
            o[r, 1] = 2
        elif colour == 3:
            o[h - 2, c] = 3
    return i, o


def test_attract_to_walls_moves_pixels_to_their_wall():
    task = _task([_walls_pair((8, 8), [(2, 5, 2), (1, 3, 3), (4, 4, 7)]),
                  _walls_pair((9, 10), [(6, 7, 2), (2, 2, 3), (3, 8, 3), (1, 6, 4)])],
                 [_walls_pair((10, 10), [(1, 8, 2), (3, 3, 3), (5, 6, 6), (7, 4, 2)])])
    cands = attract_to_walls(task, _deadline())
    assert len(cands) == 1 and cands[0].solves_train
    assert np.array_equal(cands[0].predictions[0], task.test[0][1])


def test_attract_to_walls_declines_when_pixels_stop_short():
    pairs = [_walls_pair((8, 8), [(2, 5, 2), (1, 3, 3)]), _walls_pair((9, 10), [(6, 7, 2), (2, 2, 3)])]
    i, o = pairs[1]
    o = i.copy()
    o[6, 7], o[6, 6] = 0, 2  # this pixel only steps once toward its wall
    task = _task([pairs[0], (i, o)], [_walls_pair((10, 10), [(1, 8, 2)])])
    assert attract_to_walls(task, _deadline()) == []


def _band_pair(shape, band_rows, pixels):
    """A horizontal band of 5s; pixels of any colour fall straight onto it (from above or below), stack, and
    turn 5."""
    i = np.zeros(shape, dtype=np.int8)
    i[band_rows[0]:band_rows[1], :] = 5
    o = i.copy()
    top, bottom = band_rows[0] - 1, band_rows[1]
    for r, c, colour in sorted(pixels, key=lambda p: abs(p[0] - band_rows[0])):
        i[r, c] = colour
    for r, c, _ in pixels:
        if r < band_rows[0]:
            rr = top
            while o[rr, c] == 5:
                rr -= 1
        else:
            rr = bottom
            while o[rr, c] == 5:
                rr += 1
        o[rr, c] = 5
    return i, o


def test_pull_to_anchor_pixels_fall_onto_the_band_and_stack():
    task = _task([_band_pair((10, 8), (4, 6), [(0, 1, 2), (2, 5, 2), (8, 3, 2), (9, 6, 2)]),
                  _band_pair((10, 9), (3, 5), [(0, 2, 3), (2, 2, 3), (7, 7, 3), (9, 0, 3)])],
                 [_band_pair((12, 10), (5, 7), [(0, 4, 4), (2, 4, 4), (10, 8, 4), (11, 1, 4), (1, 9, 4)])])
    cands = pull_to_anchor(task, _deadline())
    assert len(cands) == 1 and cands[0].solves_train
    assert np.array_equal(cands[0].predictions[0], task.test[0][1])


def test_pull_to_anchor_declines_growing_drawings():
    i, o = _band_pair((10, 8), (4, 6), [(0, 1, 2), (2, 5, 2)])
    o = o.copy()
    o[0, 0] = 2  # a new pixel appears: not a pull
    task = _task([(i, o), _band_pair((10, 9), (3, 5), [(0, 2, 3)])], [_band_pair((12, 10), (5, 7), [(0, 4, 4)])])
    assert pull_to_anchor(task, _deadline()) == []


# ------------------------------------------------------------------------------------------------ cell rules

def _cell_grid(n_cells, contents):
    """n_cells x n_cells cells of 3x3 separated by colour-5 lines; contents[(cr, cc)] = list of (r, c, colour)."""
    size = n_cells * 4 - 1
    g = np.zeros((size, size), dtype=np.int8)
    g[3::4, :] = 5
    g[:, 3::4] = 5
    for (cr, cc), cells in contents.items():
        for r, c, colour in cells:
            g[cr * 4 + r, cc * 4 + c] = colour
    return g


def _fullest_pair(n_cells, contents):
    """The cells holding the most coloured pixels are filled with their colour; the others are emptied."""
    i = _cell_grid(n_cells, contents)
    most = max(len(v) for v in contents.values())
    o = _cell_grid(n_cells, {})
    for (cr, cc), cells in contents.items():
        if len(cells) == most:
            o[cr * 4:cr * 4 + 3, cc * 4:cc * 4 + 3] = cells[0][2]
    return i, o


def test_cell_rules_fills_the_fullest_cell():
    task = _task([_fullest_pair(3, {(0, 0): [(0, 0, 1)], (1, 2): [(0, 1, 1), (2, 2, 1)], (2, 1): [(1, 1, 1)]}),
                  _fullest_pair(2, {(0, 1): [(0, 0, 4), (1, 1, 4), (2, 0, 4)], (1, 0): [(2, 2, 4)]}),
                  _fullest_pair(3, {(2, 2): [(0, 0, 2), (1, 1, 2)], (0, 2): [(1, 2, 2)]})],
                 [_fullest_pair(3, {(1, 1): [(0, 0, 6), (2, 1, 6), (1, 2, 6)], (0, 0): [(1, 1, 6)],
                                    (2, 0): [(0, 2, 6), (2, 2, 6)]})])
    cands = cell_rules(task, _deadline())
    assert len(cands) == 1 and cands[0].solves_train
    assert np.array_equal(cands[0].predictions[0], task.test[0][1])
    assert "is_fullest" in cands[0].program


def test_cell_rules_declines_an_undetermined_fill_and_grids_without_lines():
    demos = [_fullest_pair(3, {(0, 0): [(0, 0, 1)], (1, 2): [(0, 1, 1), (2, 2, 1)], (2, 1): [(1, 1, 1)]}),
             _fullest_pair(2, {(0, 1): [(0, 0, 4), (1, 1, 4), (2, 0, 4)], (1, 0): [(2, 2, 4)]})]
    two_colours = _cell_grid(3, {(1, 1): [(0, 0, 6), (2, 1, 7)], (0, 0): [(1, 1, 6)]})  # fill with 6 or 7?
    assert cell_rules(_task(demos, [(two_colours, None)]), _deadline()) == []
    i = np.zeros((6, 6), dtype=np.int8)
    i[1, 1] = 3
    o = i.copy()
    o[0:3, 0:3] = 3
    assert cell_rules(_task([(i, o), (i, o)], [(i, None)]), _deadline()) == []


# ------------------------------------------------------------------------------------- elbow paths, periodic

def _elbow_pair(shape, a, b):
    """Pixel 2 at a, pixel 3 at b, joined by 8s along a's row, then b's column."""
    i = np.zeros(shape, dtype=np.int8)
    i[a], i[b] = 2, 3
    o = i.copy()
    c0, c1 = sorted((a[1], b[1]))
    o[a[0], c0:c1 + 1] = np.where(o[a[0], c0:c1 + 1] == 0, 8, o[a[0], c0:c1 + 1])
    r0, r1 = sorted((a[0], b[0]))
    o[r0:r1 + 1, b[1]] = np.where(o[r0:r1 + 1, b[1]] == 0, 8, o[r0:r1 + 1, b[1]])
    return i, o


def test_elbow_path_learns_which_row_the_path_leaves_along():
    task = _task([_elbow_pair((8, 8), (1, 1), (6, 5)), _elbow_pair((9, 7), (7, 6), (2, 0))],
                 [_elbow_pair((10, 10), (8, 2), (1, 8))])
    cands = elbow_path(task, _deadline())
    assert len(cands) == 1 and cands[0].solves_train
    assert np.array_equal(cands[0].predictions[0], task.test[0][1])


def test_elbow_path_declines_pixels_in_one_row():
    task = _task([_elbow_pair((8, 8), (1, 1), (6, 5)), _elbow_pair((9, 7), (7, 6), (2, 0))],
                 [_elbow_pair((10, 10), (4, 2), (4, 8))])  # no bend: the one-bend rule does not say
    assert elbow_path(task, _deadline()) == []


def _stripe_pair(width, prefix):
    """A row pattern drawn for a few columns; the output repeats it with its period across the grid."""
    i = np.zeros((4, width), dtype=np.int8)
    i[2, :len(prefix)] = prefix
    o = i.copy()
    p = next(k for k in range(1, len(prefix) + 1)
             if all(prefix[j] == prefix[j + k] for j in range(len(prefix) - k)))
    o[2, :] = [prefix[j % p] for j in range(width)]
    return i, o


def test_periodic_extend_repeats_the_drawing():
    task = _task([_stripe_pair(12, [1, 2, 2, 1, 2, 2, 1]), _stripe_pair(10, [3, 4, 3, 4])],
                 [_stripe_pair(15, [5, 6, 6, 6, 5, 6])])
    cands = periodic_extend(task, _deadline())
    assert len(cands) == 1 and cands[0].solves_train
    assert np.array_equal(cands[0].predictions[0], task.test[0][1])


def test_periodic_extend_declines_when_other_cells_change():
    i, o = _stripe_pair(12, [1, 2, 2, 1, 2, 2, 1])
    o = o.copy()
    o[2, 0] = 7  # an existing cell is repainted: not a continuation
    task = _task([(i, o), _stripe_pair(10, [3, 4, 3, 4])], [_stripe_pair(15, [5, 6, 6, 6, 5, 6])])
    assert periodic_extend(task, _deadline()) == []


def _analogy_pair(template, starts, width=8):
    """Row 0 is the full template; each later row shows its first cells recoloured and is completed alike."""
    i = np.zeros((1 + 2 * len(starts), width), dtype=np.int8)
    i[0, :len(template)] = template
    o = i.copy()
    for k, (cmap, n) in enumerate(starts):
        row = [cmap.get(v, 0) for v in template]
        i[2 + 2 * k, :n] = row[:n]
        o[2 + 2 * k, :len(row)] = row
    return i, o


def test_complete_by_analogy_recolours_the_full_row():
    tpl = [3, 3, 2, 3, 3, 2, 3, 3]
    task = _task([_analogy_pair(tpl, [({3: 8, 2: 4}, 3), ({3: 1, 2: 6}, 4)]),
                  _analogy_pair([5, 1, 5, 1, 1, 5], [({5: 2, 1: 7}, 2)])],
                 [_analogy_pair([4, 4, 6, 4, 6, 6, 4], [({4: 9, 6: 3}, 3), ({4: 2, 6: 1}, 4)])])
    cands = complete_by_analogy(task, _deadline())
    assert len(cands) == 1 and cands[0].solves_train
    assert np.array_equal(cands[0].predictions[0], task.test[0][1])


def test_complete_by_analogy_declines_a_row_missing_a_template_colour():
    tpl = [3, 3, 2, 3, 3, 2, 3, 3]
    demos = [_analogy_pair(tpl, [({3: 8, 2: 4}, 3)]), _analogy_pair([5, 1, 5, 1, 1, 5], [({5: 2, 1: 7}, 2)])]
    test = _analogy_pair([4, 4, 6, 4, 6, 6, 4], [({4: 9, 6: 3}, 2)])  # shows only 4 -> 9: what does 6 become?
    assert complete_by_analogy(_task(demos, [test]), _deadline()) == []


def _lines_pair(shape, dots):
    """Scattered 1s; every row and column without one becomes 4 where it is background."""
    i = np.zeros(shape, dtype=np.int8)
    for r, c in dots:
        i[r, c] = 1
    o = i.copy()
    o[~i.any(axis=1), :] = 4
    o[:, ~i.any(axis=0)] = 4
    return i, o


def test_paint_clear_lines_paints_empty_rows_and_columns():
    task = _task([_lines_pair((6, 6), [(0, 0), (2, 3), (4, 5), (5, 1)]), _lines_pair((5, 7), [(1, 2), (3, 6), (4, 0)])],
                 [_lines_pair((8, 8), [(0, 7), (2, 2), (3, 5), (6, 0), (7, 6)])])
    cands = paint_clear_lines(task, _deadline())
    assert len(cands) == 1 and cands[0].solves_train
    assert np.array_equal(cands[0].predictions[0], task.test[0][1])


def test_paint_clear_lines_declines_when_a_clear_row_stays():
    i, o = _lines_pair((6, 6), [(0, 0), (2, 3), (4, 5), (5, 1)])
    o = o.copy()
    o[1, :] = 0  # this clear row is left alone
    o[1, [2, 4]] = 4  # (only where the clear columns cross it)
    task = _task([(i, o), _lines_pair((5, 7), [(1, 2), (3, 6), (4, 0)])], [_lines_pair((8, 8), [(0, 7)])])
    assert paint_clear_lines(task, _deadline()) == []


def _pivot_pair(shape, centre, cells):
    """A 2x2 pivot of 3s at `centre` (its top-left); colour-2 cells are mirrored four ways about its centre."""
    i = np.zeros(shape, dtype=np.int8)
    r0, c0 = centre
    i[r0:r0 + 2, c0:c0 + 2] = 3
    o = i.copy()
    for r, c in cells:
        i[r, c] = 2
        for rr in (r, 2 * r0 + 1 - r):
            for cc in (c, 2 * c0 + 1 - c):
                o[rr, cc] = 2
    return i, o


def test_mirror_about_pivot_completes_four_fold():
    task = _task([_pivot_pair((10, 10), (4, 4), [(1, 1), (2, 2), (3, 1)]),
                  _pivot_pair((12, 11), (5, 4), [(2, 2), (4, 3), (2, 3)])],
                 [_pivot_pair((14, 14), (6, 7), [(3, 4), (5, 6), (4, 4), (3, 5)])])
    cands = mirror_about_pivot(task, _deadline())
    assert len(cands) == 1 and cands[0].solves_train
    assert np.array_equal(cands[0].predictions[0], task.test[0][1])


def test_mirror_about_pivot_declines_repainted_cells():
    i, o = _pivot_pair((10, 10), (4, 4), [(1, 1), (2, 2)])
    o = o.copy()
    o[1, 1] = 7  # an existing cell changes colour: not a reflection
    task = _task([(i, o), _pivot_pair((12, 11), (5, 4), [(2, 2)])], [_pivot_pair((14, 14), (6, 7), [(3, 4)])])
    assert mirror_about_pivot(task, _deadline()) == []


def _key_pair(keys, blobs, width=8):
    """Column 0 holds a key colour per row; 5-cells elsewhere take their row's key colour."""
    i = np.zeros((len(keys), width), dtype=np.int8)
    i[:, 0] = keys
    o = i.copy()
    for r, c in blobs:
        i[r, c] = 5
        o[r, c] = keys[r]
    return i, o


def test_recolour_by_line_key_uses_the_row_key():
    task = _task([_key_pair([1, 2, 1, 2, 2], [(0, 3), (1, 3), (1, 4), (3, 6), (4, 6)]),
                  _key_pair([4, 4, 1, 3], [(0, 2), (2, 2), (3, 5), (3, 6)])],
                 [_key_pair([6, 1, 6, 2, 2, 1], [(0, 4), (1, 4), (2, 2), (4, 2), (5, 7)])])
    cands = recolour_by_line_key(task, _deadline())
    assert len(cands) == 1 and cands[0].solves_train
    assert np.array_equal(cands[0].predictions[0], task.test[0][1])


def test_recolour_by_line_key_declines_rows_with_two_keys():
    demos = [_key_pair([1, 2, 1, 2, 2], [(0, 3), (1, 3)]), _key_pair([4, 4, 1, 3], [(0, 2), (3, 5)])]
    i, _ = _key_pair([6, 1, 6], [(0, 4), (1, 4)])
    i[0, 7] = 9  # row 0 now shows two other colours: which one is the key?
    assert recolour_by_line_key(_task(demos, [(i, None)]), _deadline()) == []


def _ray_pair(shape, squares):
    """2x2 squares: colour 1 shoots a ray up-left from its top-left cell, colour 2 down-right from its bottom-right."""
    i = np.zeros(shape, dtype=np.int8)
    for r, c, colour in squares:
        i[r:r + 2, c:c + 2] = colour
    o = i.copy()
    for r, c, colour in squares:
        (rr, cc), d = ((r - 1, c - 1), -1) if colour == 1 else ((r + 2, c + 2), 1)
        while 0 <= rr < shape[0] and 0 <= cc < shape[1] and i[rr, cc] == 0:
            o[rr, cc] = colour
            rr, cc = rr + d, cc + d
    return i, o


def test_corner_rays_learns_a_direction_per_colour():
    task = _task([_ray_pair((10, 10), [(2, 2, 1), (6, 4, 2)]), _ray_pair((9, 12), [(4, 7, 1), (1, 1, 2)])],
                 [_ray_pair((12, 12), [(3, 8, 1), (5, 2, 2), (8, 6, 1)])])
    cands = corner_rays(task, _deadline())
    assert len(cands) == 1 and cands[0].solves_train
    assert np.array_equal(cands[0].predictions[0], task.test[0][1])


def test_corner_rays_declines_rays_that_stop_short():
    i, o = _ray_pair((10, 10), [(2, 2, 1), (6, 4, 2)])
    o = o.copy()
    o[0, 0] = 0  # the up-left ray ends one cell early
    task = _task([(i, o), _ray_pair((9, 12), [(4, 7, 1), (1, 1, 2)])], [_ray_pair((12, 12), [(3, 8, 1)])])
    assert corner_rays(task, _deadline()) == []


def _panels(shape, panels):
    """Blue rectangles (top, left, h, w, red cells inside); the output is the panel with the most red cells."""
    g = np.zeros(shape, dtype=np.int8)
    for t, c, h, w, reds in panels:
        g[t:t + h, c:c + w] = 1
        for r, k in reds:
            g[t + r, c + k] = 2
    best = max(panels, key=lambda p: len(p[4]))
    t, c, h, w, _ = best
    return g, g[t:t + h, c:c + w].copy()


def test_crop_by_colour_count_cuts_the_reddest_panel():
    task = _task([_panels((12, 12), [(0, 0, 4, 4, [(1, 1)]), (6, 5, 5, 6, [(0, 0), (2, 3), (4, 5)]),
                                     (0, 7, 3, 3, [(1, 1), (2, 2)])]),
                  _panels((10, 10), [(1, 1, 3, 5, [(0, 4), (2, 1)]), (6, 2, 3, 3, [(1, 1)])])],
                 [_panels((14, 14), [(0, 0, 5, 5, [(0, 0), (4, 4)]), (7, 6, 4, 7, [(0, 1), (2, 2), (3, 6)]),
                                     (1, 8, 3, 4, [(1, 1)])])])
    cands = crop_by_colour_count(task, _deadline())
    assert len(cands) == 1 and cands[0].solves_train
    assert np.array_equal(cands[0].predictions[0], task.test[0][1])


def test_crop_by_colour_count_declines_a_tie():
    demos = [_panels((12, 12), [(0, 0, 4, 4, [(1, 1)]), (6, 5, 5, 6, [(0, 0), (2, 3), (4, 5)])]),
             _panels((10, 10), [(1, 1, 3, 5, [(0, 4), (2, 1)]), (6, 2, 3, 3, [(1, 1)])])]
    tie, _ = _panels((14, 14), [(0, 0, 4, 5, [(0, 0), (3, 4)]), (7, 6, 4, 5, [(0, 1), (2, 2)])])  # equal panels
    assert crop_by_colour_count(_task(demos, [(tie, None)]), _deadline()) == []


def _box_crop_pair(shape, corner, size, noise):
    """Four 5-corners mark a box (grown by one row above and below in the output); 8s lie inside and outside."""
    g = np.zeros(shape, dtype=np.int8)
    (t, c), (h, w) = corner, size
    for r, k in noise:
        g[r, k] = 8
    g[t, c] = g[t, c + w - 1] = g[t + h - 1, c] = g[t + h - 1, c + w - 1] = 5
    return g, g[t - 1:t + h + 1, c:c + w].copy()


def test_crop_box_cuts_the_marked_box_with_its_margin():
    task = _task([_box_crop_pair((9, 9), (2, 1), (3, 5), [(3, 3), (7, 7), (0, 0)]),
                  _box_crop_pair((10, 8), (4, 2), (4, 4), [(5, 3), (1, 1), (9, 7)])],
                 [_box_crop_pair((12, 12), (3, 4), (5, 6), [(4, 6), (6, 5), (11, 0), (0, 11)])])
    cands = crop_box(task, _deadline())
    assert len(cands) == 1 and cands[0].solves_train
    assert np.array_equal(cands[0].predictions[0], task.test[0][1])


def test_crop_box_declines_a_box_at_the_edge():
    demos = [_box_crop_pair((9, 9), (2, 1), (3, 5), [(3, 3)]), _box_crop_pair((10, 8), (4, 2), (4, 4), [(5, 3)])]
    g = np.zeros((8, 8), dtype=np.int8)
    g[0, 1] = g[0, 4] = g[3, 1] = g[3, 4] = 5  # no row above the box to include
    assert crop_box(_task(demos, [(g, None)]), _deadline()) == []


def _bbox_pair(shape, clusters):
    """Red clusters (cells with one-cell gaps allowed); every other cell in a cluster's bounding box turns 4."""
    i = np.zeros(shape, dtype=np.int8)
    i[::3, ::2] = 1  # a blue texture that the fill paints over
    o = i.copy()
    for cells in clusters:
        for r, c in cells:
            i[r, c] = o[r, c] = 2
    for cells in clusters:
        rs, cs = zip(*cells, strict=True)
        box = o[min(rs):max(rs) + 1, min(cs):max(cs) + 1]
        box[box != 2] = 4
    return i, o


def test_fill_bboxes_groups_cells_across_gaps():
    task = _task([_bbox_pair((12, 12), [[(1, 1), (1, 3), (3, 2)], [(7, 7), (9, 9)]]),
                  _bbox_pair((10, 10), [[(2, 5), (4, 5), (4, 7)]])],
                 [_bbox_pair((14, 14), [[(1, 1), (2, 3)], [(8, 8), (10, 9), (10, 11)], [(12, 1), (13, 1)]])])
    cands = fill_bboxes(task, _deadline())
    assert len(cands) == 1 and cands[0].solves_train
    assert np.array_equal(cands[0].predictions[0], task.test[0][1])


def test_fill_bboxes_declines_boxes_left_partly_unfilled():
    i, o = _bbox_pair((12, 12), [[(1, 1), (1, 3), (3, 2)]])
    o = o.copy()
    o[3, 1] = i[3, 1]  # one cell of the box keeps its colour
    task = _task([(i, o), _bbox_pair((10, 10), [[(2, 5), (4, 5)]])], [_bbox_pair((14, 14), [[(1, 1), (2, 3)]])])
    assert fill_bboxes(task, _deadline()) == []


def test_new_families_are_registered():
    assert all(f in SPECIALISTS for f in (region_recolour, object_stamps, paste_template, attract_to_walls,
                                          cell_rules, elbow_path, periodic_extend,
                                          complete_by_analogy, paint_clear_lines, pull_to_anchor,
                                          mirror_about_pivot, recolour_by_line_key, corner_rays,
                                          crop_by_colour_count, crop_box, fill_bboxes))
