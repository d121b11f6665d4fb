"""Fill a masked area from the grid's own regularity: periodic patterns and mirror / rotation symmetries.

Learned parameters: the mask colour (the one colour whose cells change), the regularity (smallest consistent
period, or the set of symmetries the known cells obey), and whether the output is the whole repaired grid or just
the repaired area.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import Timeout, check_deadline, make_candidate
from synthloop.arc.grid import ArcTask, Candidate


def _periods(g: np.ndarray, known: np.ndarray, axis: int) -> list[int]:
    """Shifts p along `axis` such that every pair of known cells p, 2p, ... apart agree (smallest first).

    Whether the known cells s apart agree is found once per shift s; a period needs it for each of its multiples."""
    n = g.shape[axis]
    agree = [True] * n  # agree[s] for s in 1..n-1
    for s in range(1, n):
        a, b = (g[:-s], g[s:]) if axis == 0 else (g[:, :-s], g[:, s:])
        ka, kb = (known[:-s], known[s:]) if axis == 0 else (known[:, :-s], known[:, s:])
        both = ka & kb
        agree[s] = not np.any(a[both] != b[both])
    return [p for p in range(1, n) if all(agree[s] for s in range(p, n, p))] + [n]


def _class_fill(g: np.ndarray, known: np.ndarray, key: np.ndarray) -> np.ndarray | None:
    flat, kf, kn = g.ravel(), key.ravel(), known.ravel()
    vals = np.full(int(kf.max()) + 1, -1, dtype=np.int64)
    vals[kf[kn]] = flat[kn]
    if np.any(vals[kf[kn]] != flat[kn]):
        return None
    need = vals[kf[~kn]]
    if np.any(need < 0):
        return None
    out = flat.astype(np.int64).copy()
    out[~kn] = need
    return out.reshape(g.shape)


def _periodic_fill(g: np.ndarray, noise: int) -> np.ndarray | None:
    """Fill noise cells from the smallest (row, col) period (or diagonal period) the other cells obey."""
    h, w = g.shape
    known = g != noise
    if known.all():
        return None
    rr, cc = np.indices((h, w))
    combos = sorted(((pr, pc) for pr in _periods(g, known, 0)[:6] for pc in _periods(g, known, 1)[:6]),
                    key=lambda p: (p[0] * p[1], p))
    for pr, pc in combos:
        if pr * pc >= h * w:
            break
        f = _class_fill(g, known, (rr % pr) * pc + cc % pc)
        if f is not None:
            return f
    for k in range(2, max(h, w)):
        for key in ((rr + cc) % k, (rr - cc) % k):
            f = _class_fill(g, known, key)
            if f is not None:
                return f
    return None


def _sym_ops(h: int, w: int) -> list[Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]]:
    """Candidate symmetries as maps (r, c) -> (r', c') for every axis position."""
    ops = []
    near_w = range(max(0, w - 1 - w // 3), min(2 * w - 2, w - 1 + w // 3) + 1)
    near_h = range(max(0, h - 1 - h // 3), min(2 * h - 2, h - 1 + h // 3) + 1)
    for s in near_w:
        ops.append(lambda r, c, s=s: (r, s - c))
    for s in near_h:
        ops.append(lambda r, c, s=s: (s - r, c))
    for d in range(-(h // 3), h // 3 + 1):
        ops.append(lambda r, c, d=d: (c + d, r - d))  # transpose about a shifted diagonal
    for sr in near_h:
        for sc in near_w:
            if abs(sr - (h - 1)) <= 4 and abs(sc - (w - 1)) <= 4:
                ops.append(lambda r, c, sr=sr, sc=sc: (sr - r, sc - c))
    return ops


def symmetry_fill_partial(g: np.ndarray, noise: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Fill the `noise` cells from every symmetry the known cells obey; (filled grid, known mask) or None when
    there is no mask or no symmetry."""
    h, w = g.shape
    known = g != noise
    if known.all():
        return None
    rr, cc = np.indices((h, w))
    good = []
    for op in _sym_ops(h, w):
        r2, c2 = op(rr, cc)
        inside = (r2 >= 0) & (r2 < h) & (c2 >= 0) & (c2 < w)
        r2c, c2c = np.clip(r2, 0, h - 1), np.clip(c2, 0, w - 1)
        both = inside & known & known[r2c, c2c]
        if both.sum() < 0.5 * known.sum() or np.any(g[both] != g[r2c, c2c][both]):
            continue
        good.append((inside, r2c, c2c))
    if not good:
        return None
    out, kn = np.array(g), known.copy()
    for _ in range(4):
        changed = False
        for inside, r2c, c2c in good:
            take = ~kn & inside & kn[r2c, c2c]
            if take.any():
                out[take] = out[r2c, c2c][take]
                kn |= take
                changed = True
        if kn.all() or not changed:
            break
    return out, kn


def _symmetry_fill(g: np.ndarray, noise: int) -> np.ndarray | None:
    """Every masked cell filled from the symmetries; None when some cell stays unknown."""
    found = symmetry_fill_partial(g, noise)
    return found[0] if found is not None and found[1].all() else None


_FILLS = {"periodic": _periodic_fill, "symmetry": _symmetry_fill}


def _noise_colour(task: ArcTask) -> int | None:
    """The single input colour under every changed cell (same-shape tasks) or under the cropped area."""
    cols = set()
    for i, o in task.train:
        if i.shape == o.shape:
            d = i != o
            if not d.any():
                return None
            cols |= {int(v) for v in np.unique(i[d])}
        else:
            cands = [c for c in range(10) if (bb := O.bbox_of_mask(i == c)) is not None
                     and (bb[2] - bb[0], bb[3] - bb[1]) == o.shape and (i[bb[0]:bb[2], bb[1]:bb[3]] == c).all()]
            if not cands:
                return None
            cols |= set(cands)
    return cols.pop() if len(cols) == 1 else None


def fill_regular(task: ArcTask, deadline: float) -> list[Candidate]:
    """Repaint the masked cells from the pattern's period or symmetry."""
    if not task.train:
        return []
    noise = _noise_colour(task)
    if noise is None:
        return []
    crop = all(i.shape != o.shape for i, o in task.train)
    out = []
    try:
        for name, fill in _FILLS.items():
            check_deadline(deadline)

            def fn(g, fill=fill):
                g = np.asarray(g)
                f = fill(g, noise)
                if f is None:
                    return None
                if crop:
                    bb = O.bbox_of_mask(g == noise)
                    return None if bb is None else f[bb[0]:bb[2], bb[1]:bb[3]]
                return f

            c = make_candidate(
                task, fn, family="symmetry", size=2,
                program=f"{'crop_masked(' if crop else ''}{name}_fill(x, mask={noise}){')' if crop else ''}",
                description=(f"repaint the cells of colour {noise} from the pattern's {name}"
                             + (" and output just that area" if crop else "")),
            )
            if c is not None and c.solves_train:
                out.append(c)
    except Timeout:
        pass
    return out


def _learn_colour_map(pairs: list[tuple[np.ndarray, np.ndarray]]) -> dict[int, int] | None:
    """A consistent cell-wise colour map taking each prediction to its target, or None."""
    cmap: dict[int, int] = {}
    for p, o in pairs:
        if p.shape != o.shape:
            return None
        for a, b in zip(p.ravel().tolist(), o.ravel().tolist(), strict=True):
            if cmap.setdefault(a, b) != b:
                return None
    return cmap


def extend_pattern(task: ArcTask, deadline: float) -> list[Candidate]:
    """Output = a bigger canvas (learned ratio or fixed size) continuing the input's periodic pattern,
    optionally followed by a learned colour map."""
    if not task.train or any(o.shape[0] < i.shape[0] or o.shape[1] < i.shape[1] or o.shape == i.shape
                             for i, o in task.train):
        return []
    ratios = {(o.shape[0] / i.shape[0], o.shape[1] / i.shape[1]) for i, o in task.train}
    fixed = {o.shape for _, o in task.train}
    sizers = []
    if len(ratios) == 1:
        ra, rb = ratios.pop()
        sizers.append((f"ratio {ra:g}x{rb:g}", lambda g: (round(g.shape[0] * ra), round(g.shape[1] * rb))))
    if len(fixed) == 1:
        shape = fixed.pop()
        sizers.append((f"size {shape[0]}x{shape[1]}", lambda g: shape))
    out = []
    for sname, sizer in sizers:
        if time.monotonic() > deadline:
            break

        def grow(g, sizer=sizer):
            g = np.asarray(g)
            h, w = sizer(g)
            if h < g.shape[0] or w < g.shape[1] or h > 30 or w > 30:
                return None
            canvas = np.full((h, w), -1, dtype=np.int64)
            canvas[: g.shape[0], : g.shape[1]] = g
            return _periodic_fill(canvas, -1)

        preds = [grow(i) for i, _ in task.train]
        if any(p is None for p in preds):
            continue
        cmap = _learn_colour_map([(p, np.asarray(o)) for p, (_, o) in zip(preds, task.train, strict=True)])
        if cmap is None:
            continue
        identity = all(a == b for a, b in cmap.items())

        def fn(g, grow=grow, cmap=cmap, identity=identity):
            p = grow(g)
            if p is None or identity:  # no recolouring: colours the demos did not show stay as they are
                return p
            if any(int(v) not in cmap for v in np.unique(p)):
                return None
            return np.vectorize(cmap.get)(p)

        c = make_candidate(task, fn, family="symmetry", size=3 + (not identity),
                           program=f"extend_periodic(x, {sname})" + ("" if identity else f" |> recolour({cmap})"),
                           description=f"continue the input's repeating pattern over a canvas of {sname}"
                                       + ("" if identity else ", then recolour"))
        if c is not None and c.solves_train:
            out.append(c)
            break
    return out
