"""The speed-ups of session 8 (labelling by scipy, cached feature digits, a memo of step results in the search,
vectorised splitters and gravity) change nothing the solver computes.

The reference figures were recorded on the code before these speed-ups (commit 51178c4):
- `SEARCH_REFERENCE`: per task, `search(..., refine=False, max_states=600)` (only the state count ends it: with
  max_states the windows for alternatives after a find are counted in states too) gives these (states, evaluated, duplicates, number of solutions, digest of the solutions' programs, costs, scores
  and predictions);
- `SPECIALIST_REFERENCE`: per task, (number of candidates, digest of every candidate's program, description,
  scores, size, meta and predictions) over the specialists in `SPECIALIST_NAMES`, in that order.
Re-record them only for an intended change of behaviour. The faster primitives are also checked against the
definitions they replace, on random grids.
"""

from __future__ import annotations

import hashlib
import time

import numpy as np
import pytest

from synthloop.arc.dataset import load_tasks
from synthloop.arc.dsl import objects as ob
from synthloop.arc.dsl.compose import Composer
from synthloop.arc.dsl.primitives import _obj_pieces, _obj_pieces_from_masks, component_masks, gravity, rot
from synthloop.arc.dsl.search import SearchStats, search
from synthloop.arc.dsl.specialists import SPECIALISTS
from synthloop.arc.dsl.specialists.cellular import _unique_inverse

MAX_STATES = 600

SEARCH_REFERENCE = {
    "264363fd": (600, 2289, 1132, 0, "4f53cda18c2baa0c"),
    "a64e4611": (600, 1880, 767, 0, "4f53cda18c2baa0c"),
    "7837ac64": (600, 3563, 765, 0, "4f53cda18c2baa0c"),
    "c909285e": (600, 2181, 621, 0, "4f53cda18c2baa0c"),
    "39e1d7f9": (600, 1863, 838, 0, "4f53cda18c2baa0c"),
    "5c2c9af4": (600, 2505, 902, 0, "4f53cda18c2baa0c"),
    "7df24a62": (600, 1504, 455, 0, "4f53cda18c2baa0c"),
    "b775ac94": (600, 1852, 799, 0, "4f53cda18c2baa0c"),
    "045e512c": (600, 2003, 852, 0, "4f53cda18c2baa0c"),
    "73251a56": (600, 2061, 874, 0, "4f53cda18c2baa0c"),
    "890034e9": (600, 1787, 751, 0, "4f53cda18c2baa0c"),
    "8731374e": (600, 2338, 851, 0, "4f53cda18c2baa0c"),
    "6aa20dc0": (600, 4011, 1172, 0, "4f53cda18c2baa0c"),
    "6d58a25d": (600, 1827, 726, 0, "4f53cda18c2baa0c"),
    "776ffc46": (600, 1708, 640, 0, "4f53cda18c2baa0c"),
    "9d9215db": (600, 2237, 1025, 0, "4f53cda18c2baa0c"),
    "1190e5a7": (600, 6429, 1121, 0, "4f53cda18c2baa0c"),
    "50846271": (600, 1831, 531, 0, "4f53cda18c2baa0c"),
    "b527c5c6": (600, 1798, 554, 0, "4f53cda18c2baa0c"),
    "a8d7556c": (600, 1895, 614, 0, "4f53cda18c2baa0c"),
    "ce602527": (600, 4593, 831, 0, "4f53cda18c2baa0c"),
    "e6721834": (600, 2058, 513, 0, "4f53cda18c2baa0c"),
    "8a004b2b": (600, 1772, 447, 0, "4f53cda18c2baa0c"),
    "4290ef0e": (600, 3232, 746, 0, "4f53cda18c2baa0c"),
    "97a05b5b": (600, 2207, 535, 0, "4f53cda18c2baa0c"),
    "db93a21d": (600, 2294, 708, 0, "4f53cda18c2baa0c"),
    "5daaa586": (600, 2113, 525, 0, "4f53cda18c2baa0c"),
    "57aa92db": (600, 1934, 697, 0, "4f53cda18c2baa0c"),
    "f1cefba8": (600, 2076, 708, 0, "4f53cda18c2baa0c"),
    "6cdd2623": (600, 1867, 682, 0, "4f53cda18c2baa0c"),
    "007bbfb7": (510, 1483, 438, 1, "ee498f2b4445953f"),
    "00d62c1b": (214, 617, 236, 1, "f144c4db3c9e063c"),
    "0520fde7": (334, 963, 332, 1, "c2bc7c78e7c9da12"),
    "06df4c85": (586, 1904, 787, 1, "c50977b34f5603bb"),
    "0b148d64": (516, 1557, 391, 1, "dd9ca92ca3dd68c7"),
    "1b2d62fb": (356, 1009, 308, 1, "3adc973e27a48093"),
    "1cf80156": (208, 747, 261, 1, "bcbbd12f436e63b5"),
    "1e0a9b12": (380, 1514, 704, 1, "e829d916ffcf2bf7"),
    "1f85a75f": (600, 1854, 470, 1, "54a72dd8adf7b989"),
    "2013d3e2": (600, 2309, 775, 0, "4f53cda18c2baa0c"),
    "22168020": (462, 1316, 510, 1, "43f7b6c28f917102"),
    "23b5c85d": (600, 2070, 548, 1, "9c433b893db49b4e"),
    "2dc579da": (386, 2671, 857, 1, "ba1de2697d43052d"),
    "3631a71a": (241, 290, 46, 1, "7d21463a8aceb5c2"),
    "3906de3d": (316, 787, 293, 1, "6018225c731951d8"),
    "3c9b0459": (202, 382, 156, 1, "2b6051f203985e1c"),
    "4258a5f9": (293, 812, 304, 1, "63d82403ddec2fd6"),
    "42a50994": (470, 1476, 485, 1, "03ab23b7ac3b8933"),
    "4347f46a": (520, 1961, 723, 1, "8eb1cbd2f061a81a"),
    "60b61512": (312, 874, 355, 1, "dc5b7124708565c8"),
    "6150a2bd": (202, 750, 415, 1, "bf2a3c61b7200ce5"),
    "623ea044": (318, 1353, 696, 1, "712f8ebd2c27a3c6"),
    "6430c8c4": (468, 1488, 434, 1, "6804b6b310ebf9f4"),
    "67a3c6ac": (204, 325, 120, 1, "b821b5a2d7909e54"),
    "68b16354": (205, 304, 98, 1, "1bfe27797919ba68"),
    "6d75e8bb": (330, 902, 324, 1, "731440f4ff67c656"),
    "6f8cd79b": (144, 11912, 936, 1, "4d72a5b437b2f01d"),
    "7468f01a": (282, 1016, 433, 1, "0a6d42a6787bb3b7"),
    "74dd1130": (206, 759, 411, 1, "3e02058b6613852d"),
    "7b7f7511": (213, 378, 143, 1, "7bcac613d8eac3bc"),
}

SPECIALIST_NAMES = (
    "crop_content",
    "arrangement",
    "layered",
    "select_cell",
    "cell_summary",
    "cell_rules",
    "panel_key",
    "fill_regular",
    "symmetrize",
    "complete_symmetry",
    "recolour_rings",
    "panel_transforms",
    "repeat_runs_along_lines",
    "extend_pattern",
    "periodic_extend",
    "complete_by_analogy",
    "mirror_about_pivot",
    "count_scale",
    "crop_selected",
    "crop_by_colour_count",
    "crop_box",
    "crop_marked_object",
    "colour_list",
    "panel_summary",
    "key_quadrants",
    "frame_fit",
    "shrink_block_shape",
    "keep_solid_rectangle",
    "count_on_diagonal",
    "halves_kron",
    "counting",
    "classify_grid",
    "classify_to_grid",
    "fill_like_input",
    "gravity",
    "move_to_contact",
    "attract_to_walls",
    "pull_to_anchor",
    "bracket_mirror",
    "align_objects",
    "shift_objects_by_size",
    "draw_rays",
    "corner_rays",
    "rays_to_target",
    "colour_lines",
    "elbow_path",
    "paint_clear_lines",
    "mend_dashed_lines",
    "lines_through_centres",
    "bouncing_rays",
    "stripes",
    "bridges",
    "leaking_boxes",
    "step_toward",
    "majority_fill",
    "role_recolour",
    "object_recolour",
    "recolour_by_key",
    "recolour_by_line_key",
    "match_key_shapes",
    "object_halo",
    "fill_bboxes",
    "object_stamps",
    "paste_template",
    "stamp_key",
    "fill_touching",
    "region_recolour",
    "template_fill",
    "swap_shapes",
    "empty_boxes",
    "rule_list",
    "local_rules",
    "prepared_local_rules",
)

SPECIALIST_REFERENCE = {
    "264363fd": (0, "eab7e635c96a5fd3"),
    "a64e4611": (0, "eab7e635c96a5fd3"),
    "7837ac64": (0, "eab7e635c96a5fd3"),
    "c909285e": (4, "53ac144fce6160b2"),
    "39e1d7f9": (0, "eab7e635c96a5fd3"),
    "5c2c9af4": (0, "eab7e635c96a5fd3"),
    "7df24a62": (0, "eab7e635c96a5fd3"),
    "b775ac94": (0, "eab7e635c96a5fd3"),
    "1cf80156": (6, "0674d9d04f10052b"),
    "3aa6fb7a": (6, "69bcefa552b7576c"),
    "44f52bb0": (5, "a08738b5744a5351"),
    "1c786137": (4, "c9b1e1fc9ea1ef23"),
    "22168020": (4, "a5b04c7baba39a6a"),
    "23b5c85d": (4, "edf23ad4da1e3e58"),
    "28bf18c6": (4, "a57e41cfd6c4c185"),
    "2dc579da": (4, "e2f896107f154204"),
    "39a8645d": (4, "d9ddbb2d07c7f2f9"),
    "4258a5f9": (4, "0bed673a6f062b78"),
    "42a50994": (4, "cf0a5d965e9023d8"),
    "0ca9ddb6": (3, "1185f2dd3b1284c0"),
    "1f642eb9": (3, "498ede5812160a68"),
    "1f876c06": (3, "78b62703eff063ab"),
    "22eb0ac0": (3, "e8635475a79afd2c"),
}


def _digest(preds: list) -> str:
    return hashlib.sha256(b"".join(bytes(p.shape) + np.asarray(p, np.int8).tobytes() for p in preds)).hexdigest()[:16]


@pytest.fixture(scope="module")
def tasks() -> dict:
    ids = sorted(set(SEARCH_REFERENCE) | set(SPECIALIST_REFERENCE))
    return {t.id: t for t in load_tasks("arcagi", "training", ids=ids)}


def test_state_limited_search_matches_the_reference_on_60_tasks(tasks: dict) -> None:
    t0 = time.monotonic()
    got, want = {}, {}
    for task_id, ref in SEARCH_REFERENCE.items():
        t = tasks[task_id]
        stats = SearchStats()
        sols = search(t.train, t.test_inputs, t0 + 600, stats=stats, refine=False, max_states=MAX_STATES)
        text = repr([(s.program, s.cost, s.train_correct, _digest(s.predictions)) for s in sols])
        got[task_id] = (stats.states, stats.evaluated, stats.duplicates, len(sols),
                        hashlib.sha256(text.encode()).hexdigest()[:16])
        want[task_id] = ref
    assert len(got) >= 60 and sum(r[3] > 0 for r in want.values()) >= 25  # solutions to compare on many of them
    assert got == want


def _candidate_digest(c) -> str:
    h = hashlib.sha256(repr((c.program, c.description, c.train_correct, c.train_total, c.size, c.source,
                             sorted((k, repr(v)) for k, v in (c.meta or {}).items()))).encode())
    for p in c.predictions:
        h.update(b"-" if p is None else bytes(p.shape) + np.asarray(p, np.int8).tobytes())
    return h.hexdigest()[:16]


def test_specialists_give_the_reference_candidates(tasks: dict) -> None:
    by_name = {s.__name__: s for s in SPECIALISTS}
    assert set(SPECIALIST_NAMES) <= set(by_name)  # new specialists may be added; none of these may go
    got = {}
    for task_id in SPECIALIST_REFERENCE:
        t, digs = tasks[task_id], []
        for name in SPECIALIST_NAMES:
            cands = by_name[name](t, time.monotonic() + 600)
            digs.append(name + ":" + ",".join(_candidate_digest(c) for c in cands))
        n = sum(d.count(",") + (not d.endswith(":")) for d in digs)
        got[task_id] = (n, hashlib.sha256(";".join(digs).encode()).hexdigest()[:16])
    assert sum(n for n, _ in SPECIALIST_REFERENCE.values()) >= 50
    assert got == SPECIALIST_REFERENCE


def _random_grids(n: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    out = []
    for k in range(n):
        h, w = (int(x) for x in rng.integers(1, 31, 2))
        g = rng.integers(0, int(rng.integers(1, 11)), (h, w)) * (rng.random((h, w)) < rng.random())
        if k % 3 == 0:  # blocky grids: larger components
            g = np.kron(g[: max(1, h // 3), : max(1, w // 3)], np.ones((3, 3), int))[:h, :w]
        out.append(g.astype(np.int8))
    return out


def test_labelling_is_the_flood_fill() -> None:
    rng = np.random.default_rng(5)
    for g in _random_grids(400, seed=4):
        masks = (g != 0, np.ones(g.shape, bool), rng.random(g.shape) < 0.7)
        for mask in masks:
            for conn in (4, 8):
                for colours in (None, g):
                    want, n = ob._flood_label(mask, colours, conn)
                    got, m = ob._label_where(mask, colours, conn)
                    assert m == n and got.dtype == want.dtype and np.array_equal(got, want)
    with pytest.raises(ValueError, match="connectivity"):
        ob.label(np.ones((2, 2), bool), 6)


def test_object_pieces_and_gravity_are_their_definitions() -> None:
    for g in _random_grids(300, seed=6):
        for mode in ("c4", "c8", "m4", "m8"):
            want, got = _obj_pieces_from_masks(g, component_masks(g, mode)), _obj_pieces(g, mode)
            assert (want is None) == (got is None)
            for a, b in zip(want or [], got or [], strict=True):
                assert (a.top, a.left) == (b.top, b.left) and a.whole is b.whole
                assert np.array_equal(a.grid, b.grid) and a.grid.dtype == b.grid.dtype
                assert np.array_equal(a.mask, b.mask) and a.mask.dtype == b.mask.dtype
        for d in range(4):  # cells fall to the far side of their column (after turning), keeping their order
            r = rot(g, d)
            want = np.zeros_like(r)
            for j in range(r.shape[1]):
                v = r[:, j][r[:, j] != 0]
                want[r.shape[0] - v.size:, j] = v
            got = gravity(d)(g)
            assert got.dtype == np.int8 and np.array_equal(got, rot(want, -d))


def test_unique_inverse_is_numpy_unique() -> None:
    rng = np.random.default_rng(7)
    for hi in (1, 7, 64, 640, 5000, 10**6):
        for _ in range(30):
            key = rng.integers(0, hi, int(rng.integers(1, 900)))
            uniq, inv = np.unique(key, return_inverse=True)
            u, i = _unique_inverse(key)
            assert np.array_equal(u, uniq) and np.array_equal(i, inv.ravel())


def test_composer_decides_the_same_from_the_search_counts() -> None:
    rng = np.random.default_rng(8)
    for _ in range(300):
        shapes = [tuple(int(x) for x in rng.integers(1, 6, 2)) for _ in range(int(rng.integers(2, 4)))]
        outs = [rng.integers(0, 3, s).astype(np.int8) for s in shapes]
        grids = [np.where(rng.random(s) < 0.5, o, rng.integers(0, 4, s)).astype(np.int8) * (rng.random(s) < 0.8)
                 for s, o in zip(shapes, outs, strict=True)]
        counts = np.stack([np.bincount(g.astype(np.intp).ravel() * 16 + o.ravel(), minlength=256).reshape(16, 16)
                           for g, o in zip(grids, outs, strict=True)])
        plain, fast = Composer(outs), Composer(outs)
        assert plain.offer(grids, ("p",), 1) == fast.offer(grids, ("p",), 1, counts)
        assert [(p.colours, p.mask.tobytes()) for p in plain.parts] == [(p.colours, p.mask.tobytes()) for p in fast.parts]
