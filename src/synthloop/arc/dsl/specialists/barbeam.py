"""Bar beams: each solid bar holding one marker cell on a long side emits a beam from the marker straight out to the
border: the marker colour along its middle and the bar colour beside it, t - 1 cells to each side (t the bar's
thickness). Learned: whether beams paint over everything or only over background.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate, solves_all
from synthloop.arc.dsl.specialists.learn import paints_background_only
from synthloop.arc.grid import ArcTask, Candidate


def _beam(ob: O.Object) -> tuple[int, int, int, int, int, int, int] | None:
    """(marker row, col, step dr, dc, half-width, marker colour, bar colour) of a two-colour bar; None otherwise."""
    if ob.n_colors != 2 or ob.size != ob.area:
        return None
    counts = np.bincount(ob.values.astype(np.int64), minlength=10)
    marks = [c for c in ob.colors if counts[c] == 1]
    if len(marks) != 1:
        return None
    mark, bar = marks[0], next(c for c in ob.colors if c != marks[0])
    k = int(np.flatnonzero(ob.values == mark)[0])
    r, c = int(ob.rows[k]), int(ob.cols[k])
    t, lf, b, rt = ob.bbox
    if ob.width > ob.height:
        dr = -1 if r == t else 1 if r == b - 1 else 0
        step, thick = (dr, 0), ob.height
    elif ob.height > ob.width:
        dc = -1 if c == lf else 1 if c == rt - 1 else 0
        step, thick = (0, dc), ob.width
    else:
        return None
    if step == (0, 0):
        return None
    return r, c, step[0], step[1], thick - 1, mark, bar


def bar_beams(g: np.ndarray, over: bool) -> np.ndarray | None:
    """`g` with every marked bar's beam drawn; None without a marked bar."""
    g = np.asarray(g)
    bg = O.background_color(g)
    beams = [b for b in (_beam(o) for o in O.extract(g, "m4")) if b is not None]
    if not beams:
        return None
    out = g.copy()
    h, w = g.shape
    for r, c, dr, dc, half, mark, bar in beams:
        rr, cc = r + dr, c + dc
        while 0 <= rr < h and 0 <= cc < w:
            for k in range(-half, half + 1):
                y, x = (rr, cc + k) if dr else (rr + k, cc)
                if 0 <= y < h and 0 <= x < w and (over or g[y, x] == bg):
                    out[y, x] = mark if k == 0 else bar
            rr, cc = rr + dr, cc + dc
    return out


def bar_beam(task: ArcTask, deadline: float) -> list[Candidate]:
    """Beams out of the marked sides of bars."""
    if not task.train or any(i.shape != o.shape for i, o in task.train):
        return []
    for over in ((False, True) if paints_background_only(task) else (True,)):
        fn = lambda g, v=over: bar_beams(g, v)  # noqa: E731
        if solves_all(task, fn):
            c = make_candidate(task, fn, family="bar_beam", size=3, program=f"bar_beams(over={over})",
                               description="each marked bar shoots a beam as wide as it is thick from its marker")
            if c is not None:
                return [c]
    return []
