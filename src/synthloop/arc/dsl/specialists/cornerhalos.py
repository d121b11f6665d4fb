"""Corner halos: four single cells sit on the corners of a rectangle, diagonal corners sharing a colour. Each gets a
ring of the other colour around it, and each side of the rectangle between two rings is dotted with a learned colour:
every second cell counted from each ring, meeting in the middle.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import added_colours, make_candidate, paints_background, solves_all
from synthloop.arc.grid import ArcTask, Candidate


def _dots(lo: int, hi: int) -> list[int]:
    """The gap cells strictly between two rings centred on `lo` and `hi` (hi - lo >= 3) that lie an even number of
    cells from the nearer ring."""
    a, b = lo + 2, hi - 2
    return [k for k in range(a, b + 1) if min(k - a, b - k) % 2 == 0]


def halo_corners(g: np.ndarray, dot: int) -> np.ndarray | None:
    """`g` with the four corner cells haloed in their partners' colour and the sides dotted `dot`; None unless the
    foreground is exactly four such cells."""
    g = np.asarray(g)
    bg = O.background_color(g)
    ys, xs = np.nonzero(g != bg)
    if ys.size != 4:
        return None
    rows, cols = sorted(set(ys.tolist())), sorted(set(xs.tolist()))
    if len(rows) != 2 or len(cols) != 2:
        return None
    (r0, r1), (c0, c1) = rows, cols
    if r1 - r0 < 3 or c1 - c0 < 3:
        return None
    a, b = int(g[r0, c0]), int(g[r0, c1])
    if a == b or int(g[r1, c1]) != a or int(g[r1, c0]) != b or dot in (a, b, bg):
        return None
    out = g.copy()
    h, w = g.shape
    for y, x, other in ((r0, c0, b), (r1, c1, b), (r0, c1, a), (r1, c0, a)):
        out[max(0, y - 1):min(h, y + 2), max(0, x - 1):min(w, x + 2)] = other
        out[y, x] = g[y, x]
    for k in _dots(c0, c1):
        out[r0, k] = out[r1, k] = dot
    for k in _dots(r0, r1):
        out[k, c0] = out[k, c1] = dot
    return out


def corner_halos(task: ArcTask, deadline: float) -> list[Candidate]:
    """The corner-halo rule, its dot colour the one colour every output adds."""
    if not paints_background(task):
        return []
    new = added_colours(task)
    if len(new) != 1:
        return []
    dot = new.pop()

    def fn(g: np.ndarray) -> np.ndarray | None:
        return halo_corners(g, dot)

    if not solves_all(task, fn):
        return []
    c = make_candidate(task, fn, family="corner_halos", program=f"halo_corners(dot={dot})",
                       description="ring each rectangle-corner cell in its partner's colour and dot the sides "
                                   f"between the rings with colour {dot} from both ends")
    return [c] if c is not None else []
