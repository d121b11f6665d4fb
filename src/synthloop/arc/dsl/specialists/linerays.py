"""Line rays: full-width/height lines of different colours cross the grid; every loose cell whose colour matches a line
shoots a ray straight to that line (perpendicular to it) unless another line stands in between. Optionally the result is cropped to the frame the lines
form (two row lines and two column lines, kept)."""

from __future__ import annotations

from functools import partial

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate, solves_all
from synthloop.arc.grid import ArcTask, Candidate


def full_lines(g: np.ndarray, bg: int) -> tuple[dict[int, int], dict[int, int]] | None:
    """Row lines {row: colour} and column lines {col: colour}: a line is one non-background colour along the whole
    row/column except where it crosses a line the other way."""
    H, W = g.shape

    def cands(a: np.ndarray, n: int) -> dict[int, int]:
        out = {}
        for r in range(a.shape[0]):
            vals, cnt = np.unique(a[r], return_counts=True)
            j = int(np.argmax(cnt))
            if vals[j] != bg and cnt[j] >= n - 4 and cnt[j] * 2 > n:
                out[r] = int(vals[j])
        return out

    rows, cols = cands(g, W), cands(g.T, H)
    for r, c in rows.items():
        bad = np.nonzero(g[r] != c)[0]
        if any(int(x) not in cols for x in bad):
            return None
    for x, c in cols.items():
        bad = np.nonzero(g[:, x] != c)[0]
        if any(int(y) not in rows for y in bad):
            return None
    if not rows and not cols:
        return None
    return rows, cols


def rays_to_lines(g: np.ndarray, crop: bool) -> np.ndarray | None:
    """Each loose cell of a line's colour extends to that line; with `crop`, keep only the frame of 2+2 lines."""
    g = np.asarray(g)
    bg = O.background_color(g)
    got = full_lines(g, bg)
    if got is None:
        return None
    rows, cols = got
    rowc: dict[int, list[int]] = {}
    colc: dict[int, list[int]] = {}
    for r, c in rows.items():
        rowc.setdefault(c, []).append(r)
    for x, c in cols.items():
        colc.setdefault(c, []).append(x)
    out = g.copy()
    loose = (g != bg)
    loose[list(rows), :] = False
    loose[:, list(cols)] = False
    hits = 0
    for y, x in zip(*np.nonzero(loose), strict=True):
        c = int(g[y, x])
        rs, xs = rowc.get(c, []), colc.get(c, [])
        if len(rs) + len(xs) != 1:
            if rs or xs:
                return None
            continue
        lines, here = (rows, y) if rs else (cols, x)
        lo, hi = sorted((here, (rs or xs)[0]))
        if any(lo < q < hi for q in lines):
            continue  # another line stands between the cell and its own line
        hits += 1
        if rs:
            out[lo:hi + 1, x] = c
        else:
            out[y, lo:hi + 1] = c
    if not hits:
        return None
    if crop:
        if len(rows) != 2 or len(cols) != 2:
            return None
        r0, r1 = sorted(rows)
        c0, c1 = sorted(cols)
        out = out[r0:r1 + 1, c0:c1 + 1]
    return out


def line_rays(task: ArcTask, deadline: float) -> list[Candidate]:
    """The line-ray rule; whether to crop to the line frame is read off the output shapes."""
    if not task.train:
        return []
    same = all(i.shape == o.shape for i, o in task.train)
    smaller = all(o.shape[0] <= i.shape[0] and o.shape[1] <= i.shape[1] and o.shape != i.shape
                  for i, o in task.train)
    if not same and not smaller:
        return []
    i0 = np.asarray(task.train[0][0])
    if full_lines(i0, O.background_color(i0)) is None:
        return []
    crop = not same
    fn = partial(rays_to_lines, crop=crop)
    if not solves_all(task, fn):
        return []
    c = make_candidate(task, fn, family="line_rays", program=f"rays_to_lines(crop={crop})",
                       description="extend every loose cell to the full line of its own colour"
                       + (", then crop to the frame of lines" if crop else ""))
    return [c] if c is not None else []
