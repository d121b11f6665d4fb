"""Marker docking: the grid is two halves on different backgrounds; one holds shapes carrying marker cells, the other
only lone marker cells. The output is the marker half with every shape moved so its markers sit exactly on markers of
the same colours (shapes whose markers fit nowhere, or in several places, are dropped)."""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate, solves_all
from synthloop.arc.grid import ArcTask, Candidate


def _lone(mask: np.ndarray) -> bool:
    """Every True cell has no True 4-neighbour."""
    m = np.pad(mask, 1)
    H, W = mask.shape
    around = np.zeros((H, W), dtype=int)
    for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        around += m[1 + dr:1 + dr + H, 1 + dc:1 + dc + W]
    return not (mask & (around > 0)).any()


def _halves(g: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(shape half, marker half) of `g`, split across its longer side; None unless the halves have different
    backgrounds and exactly one of them holds only lone (4-connected) cells."""
    H, W = g.shape
    if H >= W and H % 2 == 0:
        a, b = g[:H // 2], g[H // 2:]
    elif W > H and W % 2 == 0:
        a, b = g[:, :W // 2], g[:, W // 2:]
    else:
        return None
    ba, bb = O.background_color(a), O.background_color(b)
    if ba == bb:
        return None
    la, lb = _lone(a != ba), _lone(b != bb)
    if la == lb:
        return None
    return (b, a) if la else (a, b)


def dock_on_markers(g: np.ndarray) -> np.ndarray | None:
    """The marker half of `g` with each shape of the other half that docks in exactly one place docked there; None
    when the halves do not fit the family, docked shapes overlap, or no shape docks."""
    g = np.asarray(g)
    halves = _halves(g)
    if halves is None:
        return None
    src, tgt = halves
    sbg, tbg = O.background_color(src), O.background_color(tgt)
    marks = {(int(r), int(c)): int(tgt[r, c]) for r, c in np.argwhere(tgt != tbg)}
    mcols = set(marks.values())
    if not marks:
        return None
    H, W = tgt.shape
    out = tgt.copy()
    used = np.zeros(tgt.shape, dtype=bool)
    docked = 0
    for shape in O.components(src, connectivity=8, multicolor=True, background=sbg):
        cells = [(int(r), int(c), int(v)) for r, c, v in zip(shape.rows, shape.cols, shape.values, strict=True)]
        mk = [(r, c, v) for r, c, v in cells if v in mcols]
        if not mk or len(mk) == len(cells):
            continue
        r0, c0, v0 = mk[0]
        fits = []
        for (tr, tc), tv in marks.items():
            if tv != v0:
                continue
            dr, dc = tr - r0, tc - c0
            if all(marks.get((r + dr, c + dc)) == v for r, c, v in mk) and all(
                    0 <= r + dr < H and 0 <= c + dc < W for r, c, _ in cells):
                fits.append((dr, dc))
        if len(fits) == 1:
            dr, dc = fits[0]
            for r, c, v in cells:
                if used[r + dr, c + dc]:
                    return None
                used[r + dr, c + dc] = True
                out[r + dr, c + dc] = v
            docked += 1
    return out if docked else None


def marker_docking(task: ArcTask, deadline: float) -> list[Candidate]:
    """Dock the shapes of one half on the lone markers of the other."""
    if not task.train:
        return []
    for i, o in task.train:
        i, o = np.asarray(i), np.asarray(o)
        if not (o.shape == (i.shape[0] // 2, i.shape[1]) or o.shape == (i.shape[0], i.shape[1] // 2)):
            return []
    if not solves_all(task, dock_on_markers):
        return []
    c = make_candidate(task, dock_on_markers, family="marker_docking", program="dock_on_markers()",
                       description="move every shape of one half onto the matching lone markers of the other half")
    return [c] if c is not None else []
