"""Side tint: the grid holds an open frame (four straight bars, one per side, corners left empty) and a loose one-colour
shape exactly the size of the frame's inside. The output is the frame with the shape set inside it, each shape cell
taking the colour of the side nearest to it (cells equally near two sides keep the shape's colour).
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import crops_only, make_candidate, solves_all
from synthloop.arc.grid import ArcTask, Candidate

_MAX_BARS = 12

Bar = tuple[int, int, int, int, int]  # colour, top, left, bottom (exclusive), right (exclusive)


def _bars(g: np.ndarray, bg: int) -> list[Bar] | None:
    """Every one-colour 4-connected piece that is a straight bar one cell thick; None when too many."""
    found: list[Bar] = []
    for c in np.unique(g).tolist():
        if c == bg:
            continue
        lab, _ = ndimage.label(g == c)
        for k, sl in enumerate(ndimage.find_objects(lab), start=1):
            h, w = sl[0].stop - sl[0].start, sl[1].stop - sl[1].start
            if min(h, w) == 1 and max(h, w) >= 2 and (lab[sl] == k).all():
                found.append((int(c), sl[0].start, sl[1].start, sl[0].stop, sl[1].stop))
    return found if len(found) <= _MAX_BARS else None


def _frame(bars: list[Bar]) -> tuple[int, int, int, int, tuple[int, int, int, int]] | None:
    """(top row, left col, bottom row, right col, side colours top/bottom/left/right) of the one open frame."""
    hs = {(t, lf, r): c for c, t, lf, b, r in bars if b - t == 1}
    vs = {(lf, t, b): c for c, t, lf, b, r in bars if r - lf == 1}
    frames = []
    for (t, lf, r), ct in hs.items():
        for (t2, lf2, r2), cb in hs.items():
            if t2 <= t + 1 or (lf2, r2) != (lf, r):
                continue
            cl = vs.get((lf - 1, t + 1, t2))
            cr = vs.get((r, t + 1, t2))
            if cl is not None and cr is not None:
                frames.append((t, lf - 1, t2, r, (ct, cb, cl, cr)))
    return frames[0] if len(frames) == 1 else None


def tint_by_side(g: np.ndarray) -> np.ndarray | None:
    """The open frame cropped out with the loose shape set inside, each shape cell recoloured by its unique nearest
    side; None when there is not one frame and one fitting one-colour shape."""
    g = np.asarray(g)
    bg = O.background_color(g)
    bars = _bars(g, bg)
    if not bars:
        return None
    fr = _frame(bars)
    if fr is None:
        return None
    t, lf, b, r, (ct, cb, cl, cr) = fr
    rest = g != bg
    rest[t:b + 1, lf:r + 1] = False
    if (g[t:b + 1, lf:r + 1][1:-1, 1:-1] != bg).any():
        return None
    colours = np.unique(g[rest])
    if colours.size != 1:
        return None
    rr, cc = np.nonzero(rest)
    ih, iw = b - t - 1, r - lf - 1
    if rr.max() - rr.min() + 1 != ih or cc.max() - cc.min() + 1 != iw:
        return None
    out = g[t:b + 1, lf:r + 1].copy()
    shape_colour = int(colours[0])
    for y, x in zip((rr - rr.min()).tolist(), (cc - cc.min()).tolist(), strict=True):
        d = [y, ih - 1 - y, x, iw - 1 - x]
        best = min(d)
        sides = [k for k in range(4) if d[k] == best]
        colour = (ct, cb, cl, cr)[sides[0]] if len(sides) == 1 else shape_colour
        out[y + 1, x + 1] = colour
    return out


def side_tint(task: ArcTask, deadline: float) -> list[Candidate]:
    """The side-tint rule when it reproduces every demo (every output a crop of its input)."""
    if not crops_only(task):
        return []
    if not solves_all(task, tint_by_side):
        return []
    c = make_candidate(task, tint_by_side, family="side_tint", program="tint_by_side()",
                       description="set the loose shape inside the open frame, each cell coloured like its nearest "
                                   "side (ties keep the shape colour)")
    return [c] if c is not None else []
