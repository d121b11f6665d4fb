"""Corner pieces: the input holds four same-size pieces, each filling one corner of its bounding box (the opposite
corner empty); the output is the square frame they make when each piece goes to the quadrant of its filled corner.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import crops_only, make_candidate, solves_all
from synthloop.arc.grid import ArcTask, Candidate


def _quadrant(m: np.ndarray) -> tuple[int, int] | None:
    """(row half, col half) of the one bbox corner that is filled while its opposite corner is empty."""
    found = [(a, b) for a in (0, 1) for b in (0, 1) if m[-a, -b] and not m[a - 1, b - 1]]
    return found[0] if len(found) == 1 else None


def assemble_corners(g: np.ndarray) -> np.ndarray | None:
    """The four corner pieces of `g` put together in a (2h, 2w) grid; None when they do not form one."""
    g = np.asarray(g)
    bg = O.background_color(g)
    objs = O.components(g, connectivity=8, multicolor=True, background=bg)
    if len(objs) != 4 or len({(o.height, o.width) for o in objs}) != 1:
        return None
    h, w = objs[0].height, objs[0].width
    if h < 2 or w < 2:
        return None
    out = np.full((2 * h, 2 * w), bg, dtype=g.dtype)
    seen = set()
    for ob in objs:
        q = _quadrant(ob.mask)
        if q is None or q in seen:
            return None
        seen.add(q)
        t, lf, b, r = ob.bbox
        patch = g[t:b, lf:r]
        sub = out[q[0] * h:(q[0] + 1) * h, q[1] * w:(q[1] + 1) * w]
        sub[ob.mask] = patch[ob.mask]
    return out


def corner_pieces(task: ArcTask, deadline: float) -> list[Candidate]:
    """Assemble the four corner pieces into one frame."""
    if not crops_only(task) or any(o.shape[0] % 2 or o.shape[1] % 2 for _, o in task.train):
        return []
    if not solves_all(task, assemble_corners):
        return []
    c = make_candidate(task, assemble_corners, family="corner_pieces", program="assemble_corners()", size=2,
                       description="put the four corner pieces together, each in the quadrant of its filled corner")
    return [c] if c is not None else []
