"""Region recolouring: the connected areas of one colour (usually the background: holes, rooms, gaps) are filled
with a colour chosen by one region property (size, is a square / rectangle, size rank, largest / smallest, ...).

Learned: the region colour (the one colour the changed cells had), the connectivity, the scope (every region or
only the enclosed ones, i.e. not touching the grid border) and a table property value -> fill colour / keep.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline
from synthloop.arc.dsl.specialists.learn import (
    Hypothesis,
    first_solution,
    narrow_tables,
    paint_by_table,
    single_changed_colour,
)
from synthloop.arc.dsl.specialists.objrecolour import KEEP, _features
from synthloop.arc.grid import ArcTask, Candidate

_MAX_REGIONS = 60


def _regions(g: np.ndarray, colour: int, conn: int, enclosed: bool) -> list[O.Object]:
    """Connected components of `colour` cells; with `enclosed`, only those not touching the grid border."""
    labels, n = O.label(g == colour, conn)
    objs = O._objects_from_labels(g, labels, n)
    return [o for o in objs if not o.touches_border] if enclosed else objs


def _region_features(objs: list[O.Object]) -> dict[str, list]:
    feats = _features(objs)
    sizes = [o.size for o in objs]
    feats["is_square"] = [o.is_rectangle and o.height == o.width for o in objs]
    feats["extreme"] = ["largest" if s == max(sizes) and s != min(sizes) else
                        "smallest" if s == min(sizes) and s != max(sizes) else "middle" for s in sizes]
    return feats


def _learn(task: ArcTask, colour: int, conn: int, enclosed: bool) -> list[tuple[str, dict, int]]:
    allowed: dict[str, dict] = {}
    bad: set[str] = set()
    for i, o in task.train:
        i, o = np.asarray(i), np.asarray(o)
        objs = _regions(i, colour, conn, enclosed)
        if not objs or len(objs) > _MAX_REGIONS:
            return []
        covered = np.zeros(i.shape, dtype=bool)
        targets = []
        for ob in objs:
            covered[ob.rows, ob.cols] = True
            outs = np.unique(o[ob.rows, ob.cols])
            if len(outs) != 1:
                return []
            c = int(outs[0])
            targets.append({c, KEEP} if c == colour else {c})
        if not np.array_equal(i[~covered], o[~covered]):
            return []
        narrow_tables(allowed, bad, _region_features(objs), targets)
    test_feats = []
    for g in task.test_inputs:
        objs = _regions(np.asarray(g), colour, conn, enclosed)
        if len(objs) > _MAX_REGIONS:
            return []
        test_feats.append(_region_features(objs) if objs else {})
    out = []
    for name, table in allowed.items():
        if name in bad or len(table) < 2 and not enclosed:
            continue
        if not all(v in table for tf in test_feats for v in tf.get(name, [])):
            continue  # a test region with a property value no demo showed
        final = {v: (KEEP if KEEP in s else min(s)) for v, s in table.items()}
        if all(t == KEEP for t in final.values()):
            continue
        out.append((name, final, len(set(final.values()))))
    out.sort(key=lambda r: (r[2], len(r[1]), r[0] == "colour"))
    return out


def _fn(colour: int, conn: int, enclosed: bool, name: str, table: dict) -> Callable[[np.ndarray], np.ndarray | None]:
    def fn(g: np.ndarray) -> np.ndarray | None:
        g = np.asarray(g)
        objs = _regions(g, colour, conn, enclosed)
        if len(objs) > _MAX_REGIONS:
            return None
        if not objs:
            return g.copy()
        return paint_by_table(g, objs, _region_features(objs)[name], table, KEEP)

    return fn


def _hypotheses(task: ArcTask, colour: int, deadline: float) -> Iterator[Hypothesis]:
    for enclosed in (True, False):
        scope = "enclosed " if enclosed else ""
        for conn in (4, 8):
            check_deadline(deadline)
            for name, table, n_vals in _learn(task, colour, conn, enclosed)[:3]:
                text = ", ".join(f"{k}->{'keep' if v == KEEP else v}" for k, v in sorted(table.items(), key=str))
                yield Hypothesis(
                    _fn(colour, conn, enclosed, name, table), size=4 + n_vals,
                    program=f"fill_regions(colour={colour}, {conn}-conn, enclosed={enclosed}, by={name}, {{{text}}})",
                    description=f"fill each {scope}{conn}-connected region of colour {colour} by its {name}: {text}")


def region_recolour(task: ArcTask, deadline: float) -> list[Candidate]:
    """Regions of the changed colour filled by a table over one region property."""
    colour = single_changed_colour(task, "input")
    if colour is None:
        return []
    return first_solution(task, "region_recolour", _hypotheses(task, colour, deadline))
