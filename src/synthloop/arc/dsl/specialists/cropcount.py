"""Crop by a colour count: the output is the object (multi-colour, 4- or 8-connected) that holds the most (or
fewest) cells of one colour, cut out along its bounding box. Learned: the colour, most / fewest and the
connectivity.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, crops_only
from synthloop.arc.dsl.specialists.learn import Hypothesis, common_colours, first_solution, task_background
from synthloop.arc.grid import ArcTask, Candidate

_MAX_OBJECTS = 40


def _select(objs: list[O.Object], colour: int, most: bool) -> O.Object | None:
    counts = [int((o.values == colour).sum()) for o in objs]
    best = max(counts) if most else min(counts)
    hits = [o for o, n in zip(objs, counts, strict=True) if n == best]
    return hits[0] if len(hits) == 1 else None


def _crop(g: np.ndarray, mode: str, colour: int, most: bool, bg: int | None) -> np.ndarray | None:
    """`bg`: the task's learned background (None: detect it in `g`)."""
    g = np.asarray(g)
    if bg is None:
        found = O.extract(g, mode)
    else:
        found = O.components(g, connectivity=int(mode[1]), multicolor=True, background=bg)
    objs = [o for o in found if o.size > 1]
    if len(objs) < 2 or len(objs) > _MAX_OBJECTS:
        return None
    ob = _select(objs, colour, most)
    return None if ob is None else O.crop_object(g, ob)


def _hypotheses(task: ArcTask, deadline: float) -> Iterator[Hypothesis]:
    colours = common_colours(o for _, o in task.train)
    learned = task_background(task)
    for bg in ([learned] if learned is not None else []) + [None]:
        on = "" if bg == 0 else f", background={bg}"
        for mode in ("m8", "m4"):
            for colour in sorted(colours - {bg}):
                for most in (True, False):
                    check_deadline(deadline)
                    which = "most" if most else "fewest"
                    yield Hypothesis(lambda g, m=mode, c=colour, mo=most, b=bg: _crop(g, m, c, mo, b), size=4,
                                     program=f"crop_by_colour_count(colour={colour}, {which}, objects={mode}{on})",
                                     description=f"cut out the {O.EXTRACTOR_TEXT[mode][:-1]} with the {which} cells "
                                                 f"of colour {colour}")


def crop_by_colour_count(task: ArcTask, deadline: float) -> list[Candidate]:
    """Crop the object with the most / fewest cells of a learned colour."""
    if not crops_only(task):
        return []
    return first_solution(task, "crop_count", _hypotheses(task, deadline))
