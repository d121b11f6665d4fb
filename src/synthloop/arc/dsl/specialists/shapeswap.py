"""Shape substitution: every object of a given shape is replaced, inside its bounding box, by the patch the demos
show for that shape (a hollow square becomes a plus, a bar becomes a cross ...). Learned: a table shape -> output
patch (keyed by the shape alone or by shape and colours), and the object extraction; shapes the demos leave as they
are stay.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, same_shapes
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate

_MAX_OBJECTS = 40


def _key(o: O.Object, by: str) -> bytes:
    return o.shape_key if by == "shape" else o.patch_key


def learn_table(task: ArcTask, mode: str, by: str,
                objects: list[list[O.Object]] | None = None) -> dict[bytes, bytes] | None:
    """shape key -> output patch bytes (shape + cells), consistent over every demo; None on a clash, when a
    changed cell lies outside every object's box, or when no shape changes. `objects`: the demo inputs' objects
    when already extracted."""
    table: dict[bytes, bytes] = {}
    changed = False
    for k, (i, o) in enumerate(task.train):
        i, o = np.asarray(i), np.asarray(o)
        objs = objects[k] if objects is not None else O.extract(i, mode)
        if not objs or len(objs) > _MAX_OBJECTS:
            return None
        covered = np.zeros(i.shape, dtype=bool)
        for ob in objs:
            t, lf, b, r = ob.bbox
            covered[t:b, lf:r] = True
            patch = o[t:b, lf:r]
            val = bytes(patch.shape) + patch.astype(np.int8).tobytes()
            k = _key(ob, by)
            if table.setdefault(k, val) != val:
                return None
            changed |= not np.array_equal(patch, i[t:b, lf:r])
        if np.any((i != o) & ~covered):
            return None
    return table if changed else None


def _apply(g: np.ndarray, mode: str, by: str, table: dict[bytes, bytes]) -> np.ndarray | None:
    g = np.asarray(g)
    objs = O.extract(g, mode)
    if not objs or len(objs) > _MAX_OBJECTS:
        return None
    out = g.copy()
    hit = False
    for ob in objs:
        val = table.get(_key(ob, by))
        if val is None:
            return None
        t, lf, b, r = ob.bbox
        patch = np.frombuffer(val[2:], dtype=np.int8).reshape(val[0], val[1])
        if not np.array_equal(patch, g[t:b, lf:r]):
            out[t:b, lf:r] = patch
            hit = True
    return out if hit else None


def _hypotheses(task: ArcTask, deadline: float) -> Iterator[Hypothesis]:
    for mode in ("c8", "c4", "m8"):
        check_deadline(deadline)
        objects = [O.extract(np.asarray(i), mode) for i, _ in task.train]
        if any(not objs or len(objs) > _MAX_OBJECTS for objs in objects):
            continue
        for by in ("shape", "patch"):
            check_deadline(deadline)
            table = learn_table(task, mode, by, objects)
            if table is None:
                continue
            key = "shape" if by == "shape" else "shape and colours"
            yield Hypothesis(lambda g, mode=mode, by=by, table=table: _apply(g, mode, by, table), size=4,
                             program=f"swap_shapes(objects={mode}, key={by!r}, table={len(table)} shapes)",
                             description=f"replace each of the {O.EXTRACTOR_TEXT[mode]}, inside its box, by the patch "
                                         f"the examples show for its {key}")


def swap_shapes(task: ArcTask, deadline: float) -> list[Candidate]:
    """Replace every object by the patch learned for its shape."""
    if not task.train or not same_shapes(task) or all(np.array_equal(i, o) for i, o in task.train):
        return []
    return first_solution(task, "shape_swap", _hypotheses(task, deadline))
