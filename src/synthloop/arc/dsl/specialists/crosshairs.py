"""Crosshairs: solid rectangles on the background carry single marker cells, and one loose template (a small picture
with a marker-coloured cell at its centre) lies elsewhere. The template is lifted off and stamped on every marker;
each of its arms (the runs of cells straight out from its centre) that reaches past the rest of the template is
extended, in the colour of its tip, as a line across the whole rectangle. Lines first, then the stamps."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate, same_shapes, solves_all
from synthloop.arc.grid import ArcTask, Candidate

_MAX_OBJECTS = 8
_DIRS = ((-1, 0), (1, 0), (0, -1), (0, 1))


def _template(patch: np.ndarray, mask: np.ndarray) -> tuple[int, list[tuple[int, int, int]]] | None:
    """(centre colour, [(dy, dx, colour)] of the extended arms) of a template patch with an odd box, or None."""
    h, w = mask.shape
    if h % 2 == 0 or w % 2 == 0:
        return None
    cy, cx = h // 2, w // 2
    if not mask[cy, cx]:
        return None
    ys, xs = np.nonzero(mask)
    off_axis = [max(abs(y - cy), abs(x - cx)) for y, x in zip(ys, xs, strict=True) if y != cy and x != cx]
    body = max(off_axis, default=0)
    arms = []
    for dy, dx in _DIRS:
        n = 0
        while 0 <= cy + (n + 1) * dy < h and 0 <= cx + (n + 1) * dx < w and mask[cy + (n + 1) * dy, cx + (n + 1) * dx]:
            n += 1
        if n > body:
            arms.append((dy, dx, int(patch[cy + n * dy, cx + n * dx])))
    return int(patch[cy, cx]), arms


def crosshairs(g: np.ndarray) -> np.ndarray | None:
    """`g` with the template lifted and stamped, arms extended, on every marker; None when the grid does not fit."""
    g = np.asarray(g)
    bg = O.background_color(g)
    objs = O.components(g, connectivity=4, multicolor=True, background=bg)
    if not objs or len(objs) > _MAX_OBJECTS:
        return None
    rects = [ob for ob in objs if ob.size == ob.area and ob.height >= 3 and ob.width >= 3]
    loose = [ob for ob in objs if ob.size != ob.area]
    if len(loose) != 1 or len(rects) + 1 != len(objs):
        return None
    tpl = loose[0]
    t0, l0, _, _ = tpl.bbox
    patch = g[t0:t0 + tpl.height, l0:l0 + tpl.width]
    found = _template(patch, tpl.mask)
    if found is None:
        return None
    marker, arms = found
    if not arms:
        return None
    out = g.copy()
    out[tpl.rows, tpl.cols] = bg
    hy, hx = tpl.height // 2, tpl.width // 2
    n_markers = 0
    for ob in rects:
        t, lf, b, r = ob.bbox
        block = g[t:b, lf:r]
        vals, counts = np.unique(block, return_counts=True)
        fill = int(vals[np.argmax(counts)])
        ys, xs = np.nonzero(block != fill)
        if np.any(block[ys, xs] != marker):
            return None
        n_markers += len(ys)
        for y, x in zip(ys.tolist(), xs.tolist(), strict=True):
            for dy, _dx, colour in arms:
                if dy:
                    out[t:b, lf + x] = colour
                else:
                    out[t + y, lf:r] = colour
        for y, x in zip(ys.tolist(), xs.tolist(), strict=True):
            for py, px in zip(*np.nonzero(tpl.mask), strict=True):
                yy, xx = y + py - hy, x + px - hx
                if 0 <= yy < b - t and 0 <= xx < r - lf and not _on_arm(py - hy, px - hx, arms):
                    out[t + yy, lf + xx] = patch[py, px]
    if n_markers == 0:
        return None
    return out


def _on_arm(dy: int, dx: int, arms: list[tuple[int, int, int]]) -> bool:
    """Whether template offset (dy, dx) lies on an extended arm (the line already paints it), centre excluded."""
    for ay, ax, _ in arms:
        if ay and dx == 0 and dy * ay > 0:
            return True
        if ax and dy == 0 and dx * ax > 0:
            return True
    return False


def crosshairs_spec(task: ArcTask, deadline: float) -> list[Candidate]:
    """The crosshairs rule, when it reproduces every demo."""
    if not task.train or not same_shapes(task):
        return []
    if not solves_all(task, crosshairs):
        return []
    c = make_candidate(task, crosshairs, family="crosshairs", program="crosshairs()",
                       description="lift the loose template and stamp it on every marker inside the rectangles, its "
                                   "long arms extended as lines across the rectangle", size=3)
    return [c] if c is not None else []
