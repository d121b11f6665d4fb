"""Fit into the frame: the input holds a hollow rectangular frame and one other shape elsewhere; the output is the
frame cut out with the shape scaled up (by the whole factor that makes it fill the frame's inside) and put inside.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate, solves_all
from synthloop.arc.grid import ArcTask, Candidate


def _is_frame(o: O.Object) -> bool:
    """A one-cell-thick hollow rectangle (all of its border, nothing inside), at least 3x3."""
    if o.height < 3 or o.width < 3:
        return False
    m = o.mask
    border = np.ones(m.shape, dtype=bool)
    border[1:-1, 1:-1] = False
    return bool(np.array_equal(m, border))


def fit_into_frame(g: np.ndarray) -> np.ndarray | None:
    """The frame's box with the other shape scaled to fill its inside; None unless there is exactly one frame and
    one other multi-colour shape and the scale is a whole number on both axes."""
    g = np.asarray(g)
    bg = O.background_color(g)
    objs = O.components(g, connectivity=8, multicolor=True, background=bg)
    frames = [o for o in objs if o.n_colors == 1 and _is_frame(o)]
    others = [o for o in objs if o not in frames]
    if len(frames) != 1 or len(others) != 1:
        return None
    fr, sh = frames[0], others[0]
    ih, iw = fr.height - 2, fr.width - 2
    if ih % sh.height or iw % sh.width or ih // sh.height != iw // sh.width:
        return None
    k = ih // sh.height
    out = np.asarray(O.crop_object(g, fr)).copy()
    out[1:-1, 1:-1] = np.kron(sh.patch_filled(bg), np.ones((k, k), dtype=np.int8))
    return out


def frame_fit(task: ArcTask, deadline: float) -> list[Candidate]:
    """Cut out the frame with the lone shape scaled to fill it."""
    if not task.train or any(o.size >= i.size for i, o in task.train) or not solves_all(task, fit_into_frame):
        return []
    c = make_candidate(task, fit_into_frame, family="frame_fit", size=3,
                       program="fit_into_frame(shape scaled by a whole factor)",
                       description="cut out the hollow frame and draw the other shape inside it, scaled up to fill it")
    return [] if c is None else [c]
