"""Frame copy: the grid holds one hollow rectangle (a one-colour border around a uniform interior); draw the same
border around the one other place whose interior-sized window shows only that interior colour."""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from synthloop.arc.dsl.specialists.common import make_candidate, same_shapes, solves_all
from synthloop.arc.grid import ArcTask, Candidate


def _hollow_rects(g: np.ndarray) -> list[tuple[int, int, int, int, int, int]]:
    """(colour, top, left, height, width, interior colour) of every one-colour component that is exactly the border
    of its bounding box (at least 3x3) around a uniform interior of another colour."""
    found = []
    for c in np.unique(g).tolist():
        lab, n = ndimage.label(g == c)
        for k, sl in enumerate(ndimage.find_objects(lab), start=1):
            h, w = sl[0].stop - sl[0].start, sl[1].stop - sl[1].start
            if h < 3 or w < 3:
                continue
            box = lab[sl] == k
            ring = np.ones((h, w), dtype=bool)
            ring[1:-1, 1:-1] = False
            if not np.array_equal(box, ring):
                continue
            inner = g[sl][1:-1, 1:-1]
            if len(np.unique(inner)) == 1 and int(inner[0, 0]) != c:
                found.append((int(c), sl[0].start, sl[1].start, h, w, int(inner[0, 0])))
    return found


def copy_frame(g: np.ndarray) -> np.ndarray | None:
    """`g` with the one hollow rectangle's border drawn around the one other window whose interior is all the
    interior colour; None when there is not exactly one frame or one such window."""
    g = np.asarray(g)
    rects = _hollow_rects(g)
    if len(rects) != 1:
        return None
    c, r0, c0, h, w, k = rects[0]
    H, W = g.shape
    inner = (g == k).astype(np.int32)
    ih, iw = h - 2, w - 2
    s = np.pad(inner.cumsum(0).cumsum(1), ((1, 0), (1, 0)))
    hits = []
    for r in range(0, H - h + 1):
        for q in range(0, W - w + 1):
            if (r, q) == (r0, c0):
                continue
            a, b = r + 1, q + 1
            if s[a + ih, b + iw] - s[a, b + iw] - s[a + ih, b] + s[a, b] == ih * iw:
                hits.append((r, q))
    if len(hits) != 1:
        return None
    r, q = hits[0]
    out = g.copy()
    out[r, q:q + w] = c
    out[r + h - 1, q:q + w] = c
    out[r:r + h, q] = c
    out[r:r + h, q + w - 1] = c
    return out


def frame_copy(task: ArcTask, deadline: float) -> list[Candidate]:
    """The frame-copy rule when it reproduces every demo (same-shape demos that only add cells)."""
    if not task.train or not same_shapes(task):
        return []
    for i, o in task.train:
        d = np.asarray(i) != np.asarray(o)
        if not d.any() or len(np.unique(np.asarray(o)[d])) != 1:
            return []
    if not solves_all(task, copy_frame):
        return []
    c = make_candidate(task, copy_frame, family="frame_copy", program="copy_frame()",
                       description="draw the hollow rectangle's border around the other window with its interior")
    return [c] if c is not None else []
