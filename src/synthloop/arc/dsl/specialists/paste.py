"""Template pasting: the input holds one template (a multi-cell object of other colours) and markers of one
colour; every marker is replaced by a copy of the template, placed over the marker's bounding box (markers the
template's size or shape) or centred on it (point markers). Learned: the marker colour, the placement, and whether
the template itself stays or is erased.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, same_shapes
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution, shared_input_colours
from synthloop.arc.grid import ArcTask, Candidate

_MAX_MARKERS = 12


def _split(g: np.ndarray, marker: int, mode: str) -> tuple[O.Object, list[O.Object]] | None:
    """(the template, the marker objects): the template is the one object without the marker colour."""
    objs = O.extract(g, mode)
    templates = [o for o in objs if marker not in o.colors]
    markers = [o for o in objs if o.colors == (marker,)]
    if len(templates) != 1 or not markers or len(markers) > _MAX_MARKERS:
        return None
    if len(templates) + len(markers) != len(objs) or templates[0].size < 2:
        return None
    return templates[0], markers


def _paste(g: np.ndarray, marker: int, place: str, erase: bool, mode: str) -> np.ndarray | None:
    g = np.asarray(g)
    split = _split(g, marker, mode)
    if split is None:
        return None
    tpl, markers = split
    bg = O.background_color(g)
    out = g.copy()
    if erase:
        out[tpl.rows, tpl.cols] = bg
    th, tw = tpl.height, tpl.width
    for mk in markers:
        if place == "bbox":
            if (mk.height, mk.width) != (th, tw):
                return None
            r0, c0 = mk.top, mk.left
        else:
            if (th - mk.height) % 2 or (tw - mk.width) % 2:
                return None
            r0, c0 = mk.top - (th - mk.height) // 2, mk.left - (tw - mk.width) // 2
        out[mk.rows, mk.cols] = bg
        r, c = tpl.rows - tpl.top + r0, tpl.cols - tpl.left + c0
        keep = (r >= 0) & (c >= 0) & (r < g.shape[0]) & (c < g.shape[1])
        if not keep.any():
            return None
        out[r[keep], c[keep]] = tpl.values[keep]
    return out


def _hypotheses(task: ArcTask, deadline: float) -> Iterator[Hypothesis]:
    for marker in sorted(shared_input_colours(task)):
        check_deadline(deadline)
        if any(np.array_equal(np.asarray(i) == marker, np.asarray(o) == marker) for i, o in task.train):
            continue  # the markers are replaced, so their cells change in every demo
        for mode in ("m8", "m4"):
            if any(_split(np.asarray(i), marker, mode) is None for i, _ in task.train):
                continue
            for place in ("bbox", "centre"):
                where = "over its bounding box" if place == "bbox" else "centred on it"
                for erase in (False, True):
                    yield Hypothesis(
                        lambda g, marker=marker, place=place, erase=erase, mode=mode: _paste(g, marker, place, erase,
                                                                                             mode),
                        size=4,
                        program=f"paste_template(marker={marker}, place={place!r}, erase_template={erase}, "
                                f"objects={mode})",
                        description=f"replace every colour-{marker} marker by a copy of the template object, {where}"
                                    + (", and erase the template" if erase else ""))


def paste_template(task: ArcTask, deadline: float) -> list[Candidate]:
    """Copies of the one template object replace the marker objects (placement and erasure learned)."""
    if not task.train or not same_shapes(task):
        return []
    if any(np.array_equal(i, o) for i, o in task.train):
        return []
    return first_solution(task, "paste", _hypotheses(task, deadline))
