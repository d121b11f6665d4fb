"""Majority / denoising rules: lines or blocks take their most common colour, or noise pixels take the colour of
their neighbours. The "noise" colour is learned as the one input colour that never appears in any output.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.common import GridFn, make_candidate
from synthloop.arc.grid import ArcTask, Candidate


def noise_colour(task: ArcTask) -> int | None:
    """The single colour present in some input but in no output (and in every input), or None."""
    ins = set().union(*(set(np.unique(i).tolist()) for i, _ in task.train))
    outs = set().union(*(set(np.unique(o).tolist()) for _, o in task.train))
    gone = [c for c in ins - outs if all(c in np.asarray(i) for i, _ in task.train)]
    return gone[0] if len(gone) == 1 else None


def _majority(values: np.ndarray, noise: int | None) -> tuple[int, int] | None:
    """(most common colour, its count) among `values` without `noise`; ties go to the smaller colour."""
    v = values.ravel()
    if noise is not None:
        v = v[v != noise]
    if v.size == 0:
        return None
    counts = np.bincount(v.astype(np.int64), minlength=10)
    c = int(np.argmax(counts))
    return c, int(counts[c])


def _lines_fn(mode: str, noise: int | None) -> GridFn:
    def fill(g: np.ndarray, axis: int) -> tuple[np.ndarray, int] | None:
        out = np.empty_like(g)
        score = 0
        lines = g if axis == 0 else g.T
        target = out if axis == 0 else out.T
        for k, line in enumerate(lines):
            m = _majority(line, noise)
            if m is None:
                return None
            target[k] = m[0]
            score += m[1]
        return out, score

    def fn(g: np.ndarray) -> np.ndarray | None:
        g = np.asarray(g)
        if mode == "rows":
            r = fill(g, 0)
            return None if r is None else r[0]
        if mode == "cols":
            r = fill(g, 1)
            return None if r is None else r[0]
        a, b = fill(g, 0), fill(g, 1)
        if a is None or b is None:
            return a[0] if a is not None else (b[0] if b is not None else None)
        if a[1] == b[1]:
            return None
        return a[0] if a[1] > b[1] else b[0]

    return fn


def _blocks_fn(a: int, b: int, noise: int | None, same_shape: bool) -> GridFn:
    def fn(g: np.ndarray) -> np.ndarray | None:
        g = np.asarray(g)
        h, w = g.shape
        if h % a or w % b:
            return None
        small = np.zeros((h // a, w // b), dtype=g.dtype)
        for i in range(h // a):
            for j in range(w // b):
                m = _majority(g[i * a:(i + 1) * a, j * b:(j + 1) * b], noise)
                small[i, j] = 0 if m is None else m[0]
        return np.kron(small, np.ones((a, b), dtype=g.dtype)) if same_shape else small

    return fn


def _neighbour_fn(noise: int, bg: int, need: int) -> GridFn:
    def fn(g: np.ndarray) -> np.ndarray | None:
        g = np.asarray(g)
        h, w = g.shape
        out = g.copy()
        for y, x in zip(*np.nonzero(g == noise), strict=True):
            nb = [int(g[y + dy, x + dx]) for dy, dx in ((-1, 0), (1, 0), (0, -1), (0, 1))
                  if 0 <= y + dy < h and 0 <= x + dx < w and g[y + dy, x + dx] != noise]
            counts = np.bincount(np.array(nb, dtype=np.int64), minlength=10) if nb else np.zeros(10, np.int64)
            c = int(np.argmax(counts))
            out[y, x] = c if counts[c] >= need else bg
        return out

    return fn


def majority_fill(task: ArcTask, deadline: float) -> list[Candidate]:
    """Lines (rows, columns, or whichever is more uniform) or equal blocks take their majority colour, ignoring a
    learned noise colour; or noise pixels take the colour most of their 4 neighbours have."""
    if not task.train:
        return []
    noise = noise_colour(task)
    shapes_same = all(i.shape == o.shape for i, o in task.train)
    if shapes_same and all(np.array_equal(i, o) for i, o in task.train):
        return []
    trials: list[tuple[str, str, GridFn, int]] = []
    nz = "" if noise is None else f", ignoring colour {noise}"
    if shapes_same:
        for mode in ("rows", "cols", "auto"):
            trials.append((f"line_majority({mode!r}, noise={noise})",
                           f"fill each {'line' if mode == 'auto' else mode[:-1]} with its most common colour{nz}",
                           _lines_fn(mode, noise), 4))
        if noise is not None:
            bg = int(np.bincount(np.concatenate([np.asarray(o).ravel() for _, o in task.train])).argmax())
            for need in (2, 1):
                trials.append((f"neighbour_majority(noise={noise}, need={need})",
                               f"replace each colour-{noise} pixel by the colour of at least {need} of its "
                               f"4 neighbours, else {bg}", _neighbour_fn(noise, bg, need), 4))
    else:
        ratios = {(i.shape[0] / o.shape[0], i.shape[1] / o.shape[1]) for i, o in task.train}
        if len(ratios) == 1:
            ra, rb = ratios.pop()
            if ra == int(ra) and rb == int(rb) and ra * rb > 1:
                trials.append((f"block_majority({int(ra)}, {int(rb)}, noise={noise})",
                               f"each {int(ra)}x{int(rb)} block becomes its most common colour{nz}",
                               _blocks_fn(int(ra), int(rb), noise, False), 4))
    out: list[Candidate] = []
    for program, desc, fn, size in trials:
        c = make_candidate(task, fn, family="denoise", program=program, description=desc, size=size)
        if c is not None and c.solves_train:
            out.append(c)
            if len(out) >= 2:
                break
    return out
