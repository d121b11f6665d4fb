"""Partial copies: the grid holds bands (groups of rows, or of columns, between empty lines); the fullest band is the
reference and every other band is an incomplete copy of it, possibly shifted along the band; complete each copy,
its missing cells in a learned colour."""

from __future__ import annotations

from functools import partial
from itertools import product

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, make_candidate, same_shapes, solves_all
from synthloop.arc.grid import ArcTask, Candidate


def _bands(mask: np.ndarray) -> list[tuple[int, int]]:
    """Maximal runs (first, last) of rows that have a True cell."""
    used = mask.any(axis=1).tolist()
    runs, start = [], None
    for r, u in enumerate(used + [False]):
        if u and start is None:
            start = r
        elif not u and start is not None:
            runs.append((start, r - 1))
            start = None
    return runs


def _complete_rows(g: np.ndarray, colour: int, clip_end: bool) -> np.ndarray | None:
    bg = O.background_color(g)
    mask = g != bg
    bands = _bands(mask)
    if len(bands) < 2 or len(bands) > 8:
        return None
    sizes = [int(mask[a:b + 1].sum()) for a, b in bands]
    best = max(sizes)
    if sizes.count(best) != 1:
        return None
    ref = bands[sizes.index(best)]
    h = ref[1] - ref[0] + 1
    tcells = np.argwhere(mask[ref[0]:ref[1] + 1])
    H, W = g.shape
    out = g.copy()
    for (a, b), n in zip(bands, sizes, strict=True):
        if (a, b) == ref:
            continue
        if b - a + 1 > h:
            return None
        own = {(int(r), int(c)) for r, c in np.argwhere(mask[a:b + 1])}
        own = {(r + a, c) for r, c in own}
        scored = []
        for top in range(b - h + 1, a + 1):
            for dx in range(-W + 1, W):
                cells = {(int(r) + top, int(c) + dx) for r, c in tcells}
                kept = {(r, c) for r, c in cells if 0 <= r < H and 0 <= c < W}
                if any(c < 0 for _, c in cells) if clip_end else any(c >= W for _, c in cells):
                    continue
                cells = kept
                hit = len(cells & own)
                if hit * 2 < n:
                    continue
                scored.append((-hit, len(cells - own), top, dx, cells))
        if not scored:
            return None
        scored.sort(key=lambda s: s[:2])
        if len(scored) > 1 and scored[0][:2] == scored[1][:2]:
            return None
        cells = scored[0][4]
        for r, c in cells - own:
            if mask[r, c] or ref[0] <= r <= ref[1]:
                return None
            out[r, c] = colour
    return out


def complete_copies(g: np.ndarray, colour: int, axis: int, clip_end: bool) -> np.ndarray | None:
    """`g` with every partial copy of the fullest band completed in `colour`; bands of rows (`axis` 0) or columns
    (1). A copy sits where it overlaps the most (then adds the fewest cells); it may run off the grid only at the
    far end along the band (`clip_end`) or only at the near end. None unless there is one fullest band, and each
    copy's best placement is unique."""
    g = np.asarray(g)
    if axis == 0:
        return _complete_rows(g, colour, clip_end)
    out = _complete_rows(g.T, colour, clip_end)
    return None if out is None else out.T


def complete_partial_copies(task: ArcTask, deadline: float) -> list[Candidate]:
    """Complete the partial copies of the reference band, in the one colour every output adds."""
    if not task.train or not same_shapes(task):
        return []
    colours = set()
    for i, o in task.train:
        i, o = np.asarray(i), np.asarray(o)
        d = i != o
        if not d.any() or (i[d] != O.background_color(i)).any():
            return []
        colours |= set(np.unique(o[d]).tolist())
    if len(colours) != 1:
        return []
    colour = colours.pop()
    for axis, clip_end in product((0, 1), (True, False)):
        check_deadline(deadline)
        fn = partial(complete_copies, colour=colour, axis=axis, clip_end=clip_end)
        if not solves_all(task, fn):
            continue
        c = make_candidate(task, fn, family="partial_copies",
                           program=f"complete_copies(colour={colour}, axis={axis}, clip_end={clip_end})",
                           description=f"complete every partial copy of the fullest {('row', 'column')[axis]} band "
                                       f"in colour {colour}")
        return [c] if c is not None else []
    return []
