"""Crop the marked object: a few cells of a marker colour touch (8-neighbours) or sit in exactly one of several
objects; the output is that object cut out along its own bounding box, marker cells blanked or kept. Learned: the
marker colour and whether the marker stays.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, crops_only
from synthloop.arc.dsl.specialists.learn import Hypothesis, common_colours, first_solution
from synthloop.arc.grid import ArcTask, Candidate

_MAX_MARKER_CELLS = 6


def crop_marked(g: np.ndarray, marker: int, keep_marker: bool = False) -> np.ndarray | None:
    """The one multi-colour 8-connected object that a marker cell touches, cropped; marker cells blanked to
    background unless `keep_marker`."""
    g = np.asarray(g)
    bg = O.background_color(g)
    is_marker = g == marker
    n_marker = int(is_marker.sum())
    if marker == bg or n_marker == 0 or n_marker > _MAX_MARKER_CELLS:
        return None
    objs = O.components(g, connectivity=8, multicolor=True, background=bg)
    hits = [o for o in objs if bool(is_marker[o.rows, o.cols].any())]
    if len(hits) != 1 or len(objs) < 2:
        return None
    ob = hits[0]
    keep = np.ones(ob.size, dtype=bool) if keep_marker else g[ob.rows, ob.cols] != marker
    if not keep.any():
        return None
    rows, cols = ob.rows[keep], ob.cols[keep]
    t, lf, b, r = int(rows.min()), int(cols.min()), int(rows.max()) + 1, int(cols.max()) + 1
    out = np.full((b - t, r - lf), bg, dtype=np.int8)
    out[rows - t, cols - lf] = g[rows, cols]
    return out


def _hypotheses(task: ArcTask, deadline: float) -> Iterator[Hypothesis]:
    outs = set().union(*[set(np.unique(o).tolist()) for _, o in task.train])
    for marker in sorted(common_colours(i for i, _ in task.train)):
        for keep in (False, True):
            if marker in outs and not keep:
                continue
            check_deadline(deadline)
            how = "marker kept" if keep else "marker removed"
            yield Hypothesis(lambda g, marker=marker, keep=keep: crop_marked(g, marker, keep), size=3,
                             program=f"crop_marked_object(marker={marker}, keep_marker={keep})",
                             description=f"cut out the object that holds or touches the colour-{marker} marker "
                                         f"({how})")


def crop_marked_object(task: ArcTask, deadline: float) -> list[Candidate]:
    """Cut out the object that the learned marker colour touches."""
    if not crops_only(task):
        return []
    return first_solution(task, "crop_marked", _hypotheses(task, deadline))
