"""Crop by a colour count: the output is the object (multi-colour, 4- or 8-connected) that holds the most (or
fewest) cells of one colour, cut out along its bounding box. Learned: the colour, most / fewest and the
connectivity.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, crops_only
from synthloop.arc.dsl.specialists.learn import Hypothesis, common_colours, first_solution
from synthloop.arc.grid import ArcTask, Candidate

_MAX_OBJECTS = 40


def _select(objs: list[O.Object], colour: int, most: bool) -> O.Object | None:
    counts = [int((o.values == colour).sum()) for o in objs]
    best = max(counts) if most else min(counts)
    hits = [o for o, n in zip(objs, counts, strict=True) if n == best]
    return hits[0] if len(hits) == 1 else None


def _crop(g: np.ndarray, mode: str, colour: int, most: bool) -> np.ndarray | None:
    g = np.asarray(g)
    objs = [o for o in O.extract(g, mode) if o.size > 1]
    if len(objs) < 2 or len(objs) > _MAX_OBJECTS:
        return None
    ob = _select(objs, colour, most)
    return None if ob is None else O.crop_object(g, ob)


def _hypotheses(task: ArcTask, deadline: float) -> Iterator[Hypothesis]:
    colours = common_colours(o for _, o in task.train)
    for mode in ("m8", "m4"):
        for colour in sorted(colours):
            for most in (True, False):
                check_deadline(deadline)
                which = "most" if most else "fewest"
                yield Hypothesis(lambda g, mode=mode, colour=colour, most=most: _crop(g, mode, colour, most), size=4,
                                 program=f"crop_by_colour_count(colour={colour}, {which}, objects={mode})",
                                 description=f"cut out the {O.EXTRACTOR_TEXT[mode][:-1]} with the {which} cells of "
                                             f"colour {colour}")


def crop_by_colour_count(task: ArcTask, deadline: float) -> list[Candidate]:
    """Crop the object with the most / fewest cells of a learned colour."""
    if not crops_only(task):
        return []
    return first_solution(task, "crop_count", _hypotheses(task, deadline))
