"""Template stamp: one multi-colour template shows its "anchor" cells (colours also found elsewhere) amid a "body"
colour; wherever the anchors recur (rotated or mirrored, possibly scaled up by a whole factor k), complete the body
around them. Optionally the result is cropped to the rectangle marked by four same-coloured corner cells."""

from __future__ import annotations

from functools import partial

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, make_candidate, solves_all
from synthloop.arc.grid import ArcTask, Candidate

_MAX_CELLS = 64  # template bbox area limit


Found = tuple[np.ndarray, set[int], tuple[int, int, int, int]]  # template, body colours, its bbox (r0, c0, r1, c1)


def _template_by_colour(g: np.ndarray, bg: int) -> Found | None:
    """The bbox of the one colour whose cells form a single 8-connected piece enclosing >= 2 other-coloured cells."""
    found = []
    for b in np.unique(g).tolist():
        if b == bg:
            continue
        mask = g == b
        _, n = O.label(mask, 8)
        if n != 1:
            continue
        r, c = np.nonzero(mask)
        t = g[r.min():r.max() + 1, c.min():c.max() + 1]
        if t.size > _MAX_CELLS or int(((t != bg) & (t != b)).sum()) < 2:
            continue
        found.append((t.copy(), {b}, (r.min(), c.min(), r.max(), c.max())))
    return found[0] if len(found) == 1 else None


def _template_by_component(g: np.ndarray, bg: int) -> Found | None:
    """The smallest 8-connected multi-colour piece (unique); its body is its most frequent colour, the rest are
    anchors."""
    labels, n = O.label(g != bg, 8)
    found = []
    for k in range(1, n + 1):
        m = labels == k
        cols = np.unique(g[m])
        if len(cols) < 2:
            continue
        r, c = np.nonzero(m)
        sl = (slice(r.min(), r.max() + 1), slice(c.min(), c.max() + 1))
        found.append((np.where(m[sl], g[sl], bg), (r.min(), c.min(), r.max(), c.max())))
    if not found:
        return None
    found.sort(key=lambda f: f[0].size)
    if found[0][0].size > _MAX_CELLS or (len(found) > 1 and found[1][0].size == found[0][0].size):
        return None
    t, box = found[0]
    vals, counts = np.unique(t[t != bg], return_counts=True)
    order = np.argsort(-counts)
    if len(vals) > 1 and counts[order[0]] == counts[order[1]]:
        return None
    body = int(vals[order[0]])
    if int(((t != bg) & (t != body)).sum()) < 2:
        return None
    return t, {body}, box


_STRATEGIES = {"colour": _template_by_colour, "component": _template_by_component}


def _orientations(t: np.ndarray) -> list[np.ndarray]:
    out: list[np.ndarray] = []
    for f in (t, t[:, ::-1]):
        for k in range(4):
            v = np.rot90(f, k)
            if not any(v.shape == u.shape and np.array_equal(v, u) for u in out):
                out.append(v)
    return out


def _block_all(mask: np.ndarray, k: int) -> np.ndarray:
    """[y, x] True where mask[y:y+k, x:x+k] is all True."""
    if k == 1:
        return mask.copy()
    s = np.zeros((mask.shape[0] + 1, mask.shape[1] + 1), dtype=np.int32)
    s[1:, 1:] = np.cumsum(np.cumsum(mask, 0), 1)
    tot = s[k:, k:] - s[:-k, k:] - s[k:, :-k] + s[:-k, :-k]
    return tot == k * k


def stamp_template(g: np.ndarray, strategy: str, clip: bool) -> np.ndarray | None:
    """`g` with the template's body painted around every exact (rotated/mirrored/k-scaled) recurrence of its anchors;
    with `clip` the body may run off the grid (the anchors may not)."""
    g = np.asarray(g)
    bg = O.background_color(g)
    got = _STRATEGIES[strategy](g, bg)
    if got is None:
        return None
    tmpl, body, (tr0, tc0, tr1, tc1) = got
    H, W = g.shape
    groups: dict[frozenset, list[tuple[int, frozenset]]] = {}
    padded: dict[int, np.ndarray] = {}
    cache: dict[tuple[str, int, int], np.ndarray] = {}
    for t in _orientations(tmpl):
        h, w = t.shape
        anchors = [(r, c, int(t[r, c])) for r, c in zip(*np.nonzero((t != bg) & ~np.isin(t, list(body))), strict=True)]
        bodies = [(r, c, int(t[r, c])) for r, c in zip(*np.nonzero(np.isin(t, list(body))), strict=True)]
        for k in range(1, max(1, min(H // h, W // w)) + 1):
            P = k * max(h, w)
            if k not in padded:
                padded[k] = np.pad(g, P, constant_values=-1)
            gp = padded[k]
            Hp, Wp = gp.shape
            ny, nx = Hp - k * h + 1, Wp - k * w + 1
            valid = np.ones((ny, nx), dtype=bool)
            for r, c, a in anchors:
                key = ("a", a, k)
                if key not in cache:
                    cache[key] = _block_all(gp == a, k)
                valid &= cache[key][k * r:k * r + ny, k * c:k * c + nx]
                if not valid.any():
                    break
            if not valid.any():
                continue
            for r, c, b in bodies:
                key = ("b", b, k)
                if key not in cache:
                    okm = (gp == bg) | (gp == b) | ((gp == -1) if clip else False)
                    cache[key] = _block_all(okm, k)
                valid &= cache[key][k * r:k * r + ny, k * c:k * c + nx]
            for oy, ox in zip(*np.nonzero(valid), strict=True):
                y0, x0 = oy - P, ox - P
                if y0 <= tr1 and tr0 <= y0 + k * h - 1 and x0 <= tc1 and tc0 <= x0 + k * w - 1:
                    continue  # the template itself (or a copy overlapping it)
                if not _exact_anchors(gp, anchors, k, oy, ox):
                    continue
                key = frozenset((y0 + k * r, x0 + k * c, k) for r, c, _ in anchors)
                paint = set()
                for r, c, b in bodies:
                    for dy in range(k):
                        for dx in range(k):
                            y, x = y0 + k * r + dy, x0 + k * c + dx
                            if 0 <= y < H and 0 <= x < W:
                                paint.add((y, x, b))
                score = sum(1 for y, x, b in paint if g[y, x] == b)
                groups.setdefault(key, []).append((score, frozenset(paint)))
    if not groups:
        return None
    out = g.copy()
    for opts in groups.values():
        best = max(sc for sc, _ in opts)
        paints = {p for sc, p in opts if sc == best}
        if len(paints) != 1:
            return None  # the anchors fit two differently oriented templates equally well
        for y, x, b in paints.pop():
            if out[y, x] == bg:
                out[y, x] = b
    return out


def _exact_anchors(gp: np.ndarray, anchors: list, k: int, oy: int, ox: int) -> bool:
    """The anchors' k-blocks are whole: no same-coloured cell touches them from outside."""
    cells: dict[int, set[tuple[int, int]]] = {}
    for r, c, a in anchors:
        s = cells.setdefault(a, set())
        for dy in range(k):
            for dx in range(k):
                s.add((oy + k * r + dy, ox + k * c + dx))
    Hp, Wp = gp.shape
    for a, s in cells.items():
        for y, x in s:
            for yy, xx in ((y - 1, x), (y + 1, x), (y, x - 1), (y, x + 1)):
                if (yy, xx) not in s and 0 <= yy < Hp and 0 <= xx < Wp and gp[yy, xx] == a:
                    return False
    return True


def _corner_box(g: np.ndarray) -> tuple[int, int, int, int] | None:
    """The rectangle spanned by the one colour that occupies exactly four cells at a rectangle's corners."""
    found = []
    for v in np.unique(g).tolist():
        r, c = np.nonzero(g == v)
        if len(r) != 4:
            continue
        r0, r1, c0, c1 = r.min(), r.max(), c.min(), c.max()
        if r1 - r0 < 2 or c1 - c0 < 2:
            continue
        if {(int(a), int(b)) for a, b in zip(r, c, strict=True)} == {(r0, c0), (r0, c1), (r1, c0), (r1, c1)}:
            found.append((int(r0), int(r1), int(c0), int(c1)))
    return found[0] if len(found) == 1 else None


def stamp_then_crop(g: np.ndarray, strategy: str, clip: bool, crop: bool) -> np.ndarray | None:
    out = stamp_template(g, strategy, clip)
    if out is None or not crop:
        return out
    box = _corner_box(np.asarray(g))
    if box is None:
        return None
    r0, r1, c0, c1 = box
    return out[r0:r1 + 1, c0:c1 + 1]


def template_stamp(task: ArcTask, deadline: float) -> list[Candidate]:
    """The template-stamp rule, its template finder, clipping and corner crop learned from the demos."""
    if not task.train:
        return []
    same = all(i.shape == o.shape for i, o in task.train)
    crops = all(o.shape[0] < i.shape[0] and o.shape[1] <= i.shape[1] for i, o in task.train)
    if not same and not crops:
        return []
    crop = not same
    i0 = np.asarray(task.train[0][0])
    bg0 = O.background_color(i0)
    for strategy, finder in _STRATEGIES.items():
        if finder(i0, bg0) is None:
            continue
        for clip in (False, True):
            check_deadline(deadline)
            fn = partial(stamp_then_crop, strategy=strategy, clip=clip, crop=crop)
            if not solves_all(task, fn):
                continue
            prog = f"stamp_template(strategy={strategy!r}, clip={clip}, crop={crop})"
            desc = ("complete the template's body around every rotated/mirrored/scaled recurrence of its anchor cells"
                    + (", then crop to the four corner marks" if crop else ""))
            c = make_candidate(task, fn, family="template_stamp", program=prog, description=desc)
            return [c] if c is not None else []
    return []
