"""A typed DSL of ARC grid transforms for the state search.

Three kinds of primitives, all pure functions on int8 numpy grids (background 0):

- `GridOp`   grid -> grid | None      (rotate, crop, scale, gravity, fill, symmetrise, ...)
- `Splitter` grid -> list[Piece]      (objects, colour layers, cells between separator lines, halves)
- `Selector` list[Piece] -> grid      (pick the largest / unique / ... piece, or combine pieces with and/or/xor)

The search composes a splitter with a selector into one grid -> grid step. Ops that paint cells with a colour that
the inputs do not dictate paint `NEW` (10); the search's final learned colour map turns it into a real colour.
Each primitive has a name (program text), a cost, and an English phrase (see `describe`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from synthloop.arc.dsl import objects as ob

NEW = 10  # placeholder colour, resolved by the final colour map
MAX_SIDE = 30

Op = Callable[[np.ndarray], np.ndarray | None]


@dataclass(frozen=True)
class GridOp:
    """A grid -> grid step. `keeps_shape`: output shape always equals input shape."""

    name: str
    fn: Op
    cost: int
    phrase: str
    keeps_shape: bool = False


@dataclass(frozen=True)
class Piece:
    """A part of a grid: its cropped content (0 outside the part) and where it sits in the whole grid."""

    grid: np.ndarray
    mask: np.ndarray  # bool, same shape as grid: cells belonging to the part
    top: int
    left: int
    whole: np.ndarray


@dataclass(frozen=True)
class Splitter:
    """kind "obj": objects/colour layers (pieces of any shape); "part": a tiling of the grid (halves, cells)."""

    name: str
    fn: Callable[[np.ndarray], list[Piece] | None]
    cost: int
    phrase: str
    kind: str = "obj"


@dataclass(frozen=True)
class Selector:
    """`kinds`: the splitter kinds it makes sense after."""

    name: str
    fn: Callable[[list[Piece]], np.ndarray | None]
    cost: int
    phrase: str
    keeps_shape: bool = False
    kinds: tuple[str, ...] = ("obj", "part")


_S4 = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], dtype=bool)
_S8 = np.ones((3, 3), dtype=bool)


def label(mask: np.ndarray, connectivity: int = 4) -> tuple[np.ndarray, int]:
    """Connected components of a boolean mask (scipy's C labeller when installed, else objects.label)."""
    try:
        from scipy import ndimage
    except ImportError:  # pragma: no cover - scipy is optional
        return ob.label(mask, connectivity)
    lab, n = ndimage.label(mask, structure=_S4 if connectivity == 4 else _S8)
    return lab, int(n)


def _run_ids(mask: np.ndarray) -> np.ndarray:
    """Per cell, an id (< mask.size + 1) that the cells of one horizontal run of `mask` share and no other cell of
    the mask has (a new id at each row start and at each cell outside the mask, which callers mask out)."""
    breaks = ~mask
    breaks[:, 0] = True
    return np.cumsum(breaks.ravel()).reshape(mask.shape)


def _open_background(bg: np.ndarray) -> np.ndarray:
    """The cells of `bg` connected to the grid border through `bg` (4-connected): reach spreads along whole row
    runs, then whole column runs, until nothing new is reached (a few rounds: one per turn of the longest path)."""
    h, w = bg.shape
    rows, cols = _run_ids(bg), _run_ids(bg.T).T
    reach = np.zeros((h, w), dtype=bool)
    reach[0], reach[-1], reach[:, 0], reach[:, -1] = bg[0], bg[-1], bg[:, 0], bg[:, -1]
    n = int(reach.sum())
    while True:
        hit = np.zeros(h * w + 1, dtype=bool)
        hit[rows[reach]] = True
        reach = bg & hit[rows]
        hit = np.zeros(h * w + 1, dtype=bool)
        hit[cols[reach]] = True
        reach = bg & hit[cols]
        m = int(reach.sum())
        if m == n:
            return reach
        n = m


def enclosed(g: np.ndarray, connectivity: int = 4) -> np.ndarray:
    """Background cells not connected to the grid border through background."""
    if connectivity == 4:  # by run spreading (cheaper than labelling); 8-connected: by labelling
        bg = g == 0
        return bg & ~_open_background(bg)
    lab, n = label(g == 0, connectivity)
    if n == 0:
        return np.zeros(g.shape, dtype=bool)
    open_ = np.zeros(n + 1, dtype=bool)  # labels touching the border (and 0, the non-background cells)
    open_[0] = True
    for edge in (lab[0], lab[-1], lab[:, 0], lab[:, -1]):
        open_[edge] = True
    return ~open_[lab]


def component_masks(g: np.ndarray, mode: str) -> list[np.ndarray]:
    """Full-grid masks of the objects: c4/c8 same-colour, m4/m8 multi-colour components, in reading order."""
    conn = 8 if mode.endswith("8") else 4
    out: list[tuple[int, np.ndarray]] = []
    if mode.startswith("m"):
        lab, n = label(g != 0, conn)
        layers = [(lab, n)]
    else:
        layers = [label(g == c, conn) for c in np.unique(g).tolist() if c != 0]
    for lab, n in layers:
        if n == 0:
            continue
        first = np.full(n + 1, -1)
        flat = lab.ravel()
        idx = np.flatnonzero(flat)
        # first cell in reading order of each label
        rev = idx[::-1]
        first[flat[rev]] = rev
        for i in range(1, n + 1):
            out.append((int(first[i]), lab == i))
    out.sort(key=lambda t: t[0])
    return [m for _, m in out]


def rot(g: np.ndarray, k: int) -> np.ndarray:
    """np.rot90(g, k) (anticlockwise quarter turns) by slicing: the same view, without its call overhead."""
    k %= 4
    if k == 0:
        return g[:]
    if k == 1:
        return g[:, ::-1].T
    if k == 2:
        return g[::-1, ::-1]
    return g.T[:, ::-1]


def _ok(g: np.ndarray | None) -> np.ndarray | None:
    if g is None or g.ndim != 2 or g.shape[0] == 0 or g.shape[1] == 0:
        return None
    if g.shape[0] > MAX_SIDE or g.shape[1] > MAX_SIDE:
        return None
    return g


# ---------------------------------------------------------------------------------------------------------------
# geometry


def _bbox(mask: np.ndarray) -> tuple[int, int, int, int] | None:
    rows = mask.any(axis=1)
    if not rows.any():
        return None
    cols = mask.any(axis=0)  # first / last True by argmax (cheaper than flatnonzero on these tiny vectors)
    return (int(rows.argmax()), int(cols.argmax()), rows.size - int(rows[::-1].argmax()),
            cols.size - int(cols[::-1].argmax()))


def crop_mask(g: np.ndarray, mask: np.ndarray) -> np.ndarray | None:
    b = _bbox(mask)
    if b is None:
        return None
    return g[b[0] : b[2], b[1] : b[3]]


def crop_content(g: np.ndarray) -> np.ndarray | None:
    return crop_mask(g, g != 0)


def crop_colour(c: int) -> Op:
    return lambda g: crop_mask(g, g == c)


def crop_inside_colour(c: int) -> Op:
    """The region strictly inside the bounding box of colour c (a frame)."""

    def f(g: np.ndarray) -> np.ndarray | None:
        b = _bbox(g == c)
        if b is None or b[2] - b[0] < 3 or b[3] - b[1] < 3:
            return None
        return g[b[0] + 1 : b[2] - 1, b[1] + 1 : b[3] - 1]

    return f


def compress_bg(g: np.ndarray) -> np.ndarray | None:
    """Drop all-background rows and columns."""
    rows = g.any(axis=1)
    cols = g.any(axis=0)
    if not rows.any():
        return None
    return g[rows][:, cols]


def compress_dups(g: np.ndarray) -> np.ndarray | None:
    """Merge runs of identical adjacent rows and columns."""
    keep_r = np.ones(g.shape[0], dtype=bool)
    keep_r[1:] = (g[1:] != g[:-1]).any(axis=1)
    g2 = g[keep_r]
    keep_c = np.ones(g2.shape[1], dtype=bool)
    keep_c[1:] = (g2[:, 1:] != g2[:, :-1]).any(axis=0)
    return g2[:, keep_c]


def upscale(k: int, m: int | None = None) -> Op:
    m = k if m is None else m
    return lambda g: _ok(np.repeat(np.repeat(g, k, axis=0), m, axis=1))


def downscale(k: int, m: int | None = None) -> Op:
    m = k if m is None else m

    def f(g: np.ndarray) -> np.ndarray | None:
        h, w = g.shape
        if h % k or w % m or (k == 1 and m == 1):
            return None
        return g[::k, ::m]

    return f


def downscale_block(k: int, m: int | None = None) -> Op:
    """Each k x m block becomes one cell: its most common non-background colour (background if none)."""
    m = k if m is None else m

    def f(g: np.ndarray) -> np.ndarray | None:
        h, w = g.shape
        if h % k or w % m:
            return None
        blocks = g.reshape(h // k, k, w // m, m).transpose(0, 2, 1, 3).reshape(h // k, w // m, k * m)
        counts = np.zeros((h // k, w // m, 11), dtype=np.int32)
        for c in range(1, 11):
            counts[..., c] = (blocks == c).sum(axis=2)
        out = counts.argmax(axis=2)
        out[counts.max(axis=2) == 0] = 0
        return out.astype(np.int8)

    return f


def fit_to(H: int, W: int) -> Op:
    """Shrink (block majority) or stretch (repeat cells) the grid to H x W when the sizes divide; None otherwise."""

    def f(g: np.ndarray) -> np.ndarray | None:
        h, w = g.shape
        if (h, w) == (H, W):
            return None
        if h % H == 0 and w % W == 0:
            return downscale_block(h // H, w // W)(g)
        if H % h == 0 and W % w == 0:
            return upscale(H // h, W // w)(g)
        return None

    return f


def tile(a: int, b: int) -> Op:
    return lambda g: _ok(np.tile(g, (a, b)))


def mirror_h(g: np.ndarray) -> np.ndarray | None:
    return _ok(np.hstack([g, g[:, ::-1]]))


def mirror_v(g: np.ndarray) -> np.ndarray | None:
    return _ok(np.vstack([g, g[::-1]]))


def mirror_4(g: np.ndarray) -> np.ndarray | None:
    top = np.hstack([g, g[:, ::-1]])
    return _ok(np.vstack([top, top[::-1]]))


def mirror_h_rev(g: np.ndarray) -> np.ndarray | None:
    return _ok(np.hstack([g[:, ::-1], g]))


def mirror_v_rev(g: np.ndarray) -> np.ndarray | None:
    return _ok(np.vstack([g[::-1], g]))


def rot_4(g: np.ndarray) -> np.ndarray | None:
    """Four rotated copies in a 2x2 square (input top-left, clockwise)."""
    if g.shape[0] != g.shape[1]:
        return None
    top = np.hstack([g, rot(g, -1)])
    bot = np.hstack([rot(g, 1), rot(g, 2)])
    return _ok(np.vstack([top, bot]))


def _kron_mask(m: np.ndarray, g: np.ndarray) -> np.ndarray | None:
    """np.kron(m, g) as int8 for a bool mask of g's shape (None when a side would pass MAX_SIDE, like `_ok`), by
    broadcasting (the kron is computed only when it fits)."""
    h, w = g.shape
    if h * h > MAX_SIDE or w * w > MAX_SIDE or h == 0 or w == 0:
        return None
    g8 = g.astype(np.int8, copy=False)
    return (m.astype(np.int8)[:, None, :, None] * g8[None, :, None, :]).reshape(h * h, w * w)


def fractal(g: np.ndarray) -> np.ndarray | None:
    """Each non-background cell becomes a copy of the whole grid."""
    return _kron_mask(g != 0, g)


def fractal_inv(g: np.ndarray) -> np.ndarray | None:
    return _kron_mask(g == 0, g)


# ---------------------------------------------------------------------------------------------------------------
# colour


def keep_colour(c: int) -> Op:
    return lambda g: np.where(g == c, g, 0).astype(np.int8, copy=False)


def remove_colour(c: int) -> Op:
    return lambda g: np.where(g == c, 0, g).astype(np.int8, copy=False)


def to_new(g: np.ndarray) -> np.ndarray:
    """Every non-background cell painted NEW (shape only)."""
    return np.where(g != 0, NEW, 0).astype(np.int8, copy=False)


def invert(g: np.ndarray) -> np.ndarray:
    """Background becomes NEW and everything else background."""
    return np.where(g == 0, NEW, 0).astype(np.int8, copy=False)


def majority_colour(g: np.ndarray, nonzero: bool = True) -> int | None:
    v = g[g != 0] if nonzero else g.ravel()
    if v.size == 0:
        return None
    return int(np.bincount(v.astype(np.int64), minlength=11).argmax())


def minority_colour(g: np.ndarray) -> int | None:
    v = g[g != 0]
    if v.size == 0:
        return None
    cnt = np.bincount(v.astype(np.int64), minlength=11).astype(float)
    cnt[cnt == 0] = np.inf
    return int(cnt.argmin())


def fill_majority(g: np.ndarray) -> np.ndarray:
    """The whole grid painted its most common colour (background included)."""
    return np.full(g.shape, int(np.bincount(g.astype(np.int64).ravel()).argmax()), np.int8)


def half(axis: int, which: int) -> Op:
    """One half of the grid (a middle line between odd halves is dropped)."""

    def f(g: np.ndarray) -> np.ndarray | None:  # the grid of piece `which` of `_halves(axis)`, without the pieces
        span = _piece_span(g.shape[axis], 2)
        if span is None:
            return None
        step, gap = span
        s = which * (step + gap)
        return g[s : s + step] if axis == 0 else g[:, s : s + step]

    return f


def paint_majority(g: np.ndarray) -> np.ndarray | None:
    c = majority_colour(g)
    return None if c is None else np.where(g != 0, c, 0).astype(np.int8, copy=False)


def cell_majority(g: np.ndarray) -> np.ndarray | None:
    c = majority_colour(g)
    return None if c is None else np.full((1, 1), c, np.int8)


def cell_minority(g: np.ndarray) -> np.ndarray | None:
    c = minority_colour(g)
    return None if c is None else np.full((1, 1), c, np.int8)


def count_colours_row(g: np.ndarray) -> np.ndarray | None:
    """A 1-row grid listing the non-background colours by decreasing frequency."""
    v = g[g != 0].astype(np.int64)
    if v.size == 0:
        return None
    cnt = np.bincount(v, minlength=11)
    order = [c for c in np.argsort(-cnt, kind="stable") if cnt[c] > 0]
    return np.array([order], dtype=np.int8)


def count_cells_row(g: np.ndarray) -> np.ndarray | None:
    """A 1 x n grid of NEW where n is the number of non-background cells."""
    n = int((g != 0).sum())
    if n == 0 or n > MAX_SIDE:
        return None
    return np.full((1, n), NEW, np.int8)


def count_objects_row(g: np.ndarray) -> np.ndarray | None:
    n = label(g != 0, 8)[1]
    if n == 0 or n > MAX_SIDE:
        return None
    return np.full((1, n), NEW, np.int8)


# ---------------------------------------------------------------------------------------------------------------
# painting in place


def gravity(direction: int) -> Op:
    """Let non-background cells fall (0 down, 1 left, 2 up, 3 right) keeping their order."""

    def f(g: np.ndarray) -> np.ndarray:
        r = rot(g, direction)
        # per column, a stable sort that puts the background first keeps the other cells' order at the bottom
        out = np.take_along_axis(r, np.argsort(r != 0, axis=0, kind="stable"), axis=0)
        return rot(out, -direction).astype(np.int8)

    return f


def fill_enclosed(g: np.ndarray) -> np.ndarray:
    m = enclosed(g, 4)
    return np.where(m, NEW, g).astype(np.int8, copy=False)


def fill_enclosed8(g: np.ndarray) -> np.ndarray:
    m = enclosed(g, 8)
    return np.where(m, NEW, g).astype(np.int8, copy=False)


def _neighbour_any(mask: np.ndarray, diag: bool) -> np.ndarray:
    p = np.pad(mask, 1)
    out = p[:-2, 1:-1] | p[2:, 1:-1] | p[1:-1, :-2] | p[1:-1, 2:]
    if diag:
        out |= p[:-2, :-2] | p[:-2, 2:] | p[2:, :-2] | p[2:, 2:]
    return out


def outline(diag: bool) -> Op:
    """Background cells touching an object get NEW (a halo)."""

    def f(g: np.ndarray) -> np.ndarray:
        m = _neighbour_any(g != 0, diag) & (g == 0)
        return np.where(m, NEW, g).astype(np.int8, copy=False)

    return f


def interior(g: np.ndarray) -> np.ndarray:
    """Object cells whose 4 neighbours are all object cells become NEW."""
    nz = g != 0
    p = np.pad(nz, 1)
    inner = nz & p[:-2, 1:-1] & p[2:, 1:-1] & p[1:-1, :-2] & p[1:-1, 2:]
    return np.where(inner, NEW, g).astype(np.int8, copy=False)


def border_cells(g: np.ndarray) -> np.ndarray:
    """Keep only object cells on an object's edge."""
    nz = g != 0
    p = np.pad(nz, 1)
    inner = nz & p[:-2, 1:-1] & p[2:, 1:-1] & p[1:-1, :-2] & p[1:-1, 2:]
    return np.where(inner, 0, g).astype(np.int8, copy=False)


def grid_border(g: np.ndarray) -> np.ndarray:
    out = g.copy()
    out[0, :] = NEW
    out[-1, :] = NEW
    out[:, 0] = NEW
    out[:, -1] = NEW
    return out


def lines(kind: str) -> Op:
    """Extend every non-background cell into a full line of its colour (h, v, hv, diag), not over other cells."""

    def f(g: np.ndarray) -> np.ndarray | None:
        out = g.copy()
        ys, xs = np.nonzero(g)
        if ys.size == 0 or ys.size > 40:
            return None
        h, w = g.shape
        for y, x in zip(ys.tolist(), xs.tolist(), strict=True):
            c = g[y, x]
            if "h" in kind:
                row = out[y]
                row[row == 0] = c
            if "v" in kind:
                col = out[:, x]
                col[col == 0] = c
            if "d" in kind:
                for dy, dx in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
                    yy, xx = y + dy, x + dx
                    while 0 <= yy < h and 0 <= xx < w:
                        if out[yy, xx] == 0:
                            out[yy, xx] = c
                        yy += dy
                        xx += dx
        return out

    return f


def connect_same(g: np.ndarray) -> np.ndarray | None:
    """Join pairs of same-coloured cells lying on one row or column with a segment of their colour."""
    out = g.copy()
    changed = False
    for c in np.unique(g[g != 0]).tolist():
        ys, xs = np.nonzero(g == c)
        if ys.size > 30:
            continue
        pts = list(zip(ys.tolist(), xs.tolist(), strict=True))
        for i, (y1, x1) in enumerate(pts):
            for y2, x2 in pts[i + 1 :]:
                if y1 == y2 and abs(x2 - x1) > 1:
                    seg = out[y1, min(x1, x2) + 1 : max(x1, x2)]
                    seg[seg == 0] = c
                    changed = True
                elif x1 == x2 and abs(y2 - y1) > 1:
                    seg = out[min(y1, y2) + 1 : max(y1, y2), x1]
                    seg[seg == 0] = c
                    changed = True
    return out if changed else None


def symmetrise(kind: str) -> Op:
    """Overlay the grid with its mirror image(s): background cells take the mirrored colour."""

    def f(g: np.ndarray) -> np.ndarray | None:
        out = g.copy()
        imgs = []
        if kind in ("lr", "4"):
            imgs.append(g[:, ::-1])
        if kind in ("ud", "4"):
            imgs.append(g[::-1])
        if kind == "4":
            imgs.append(g[::-1, ::-1])
        if kind == "t":
            if g.shape[0] != g.shape[1]:
                return None
            imgs.append(g.T)
        if kind == "r":
            if g.shape[0] != g.shape[1]:
                return None
            imgs += [rot(g, 1), rot(g, 2), rot(g, 3)]
        for im in imgs:
            out = np.where(out == 0, im, out)
        return out.astype(np.int8)

    return f


def _line_agreement(a: np.ndarray, noise: int) -> tuple[np.ndarray, np.ndarray]:
    """For every pair of rows (i, j) of `a`: whether they agree on every column where neither is `noise`, and
    whether there is such a column at all; two (n, n) bool matrices."""
    clean = a != noise
    both = clean[:, None, :] & clean[None, :, :]
    differ = both & (a[:, None, :] != a[None, :, :])
    return ~differ.any(axis=2), both.any(axis=2)


def _mirror_rows(a: np.ndarray, noise: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The first reflection i -> s - i (s from n // 2 up) under which at least half the rows have a partner and
    every pair agrees outside the noise (with some cell to compare): its (rows, partner rows); None when none."""
    n = a.shape[0]
    agree, overlap = _line_agreement(a, noise)
    agree_f, overlap_f = agree[:, ::-1], overlap[:, ::-1]  # pairs (i, s - i): the diagonal n - 1 - s of these
    for s in range(n // 2, 2 * n - 1 - n // 2):
        k = n - 1 - s
        if n - abs(k) < n * 0.5:
            continue
        if not agree_f.diagonal(k).all() or not overlap_f.diagonal(k).any():
            continue
        src = np.arange(max(0, s - n + 1), min(n, s + 1))
        return src, s - src
    return None


def repair_symmetry(noise: int) -> Op:
    """Cells of colour `noise` take the colour of a mirror-image cell (lr, ud, transpose, rot) that is not noise.

    The symmetry axes are found as the offsets that make the grid agree with its reflection outside the noise.
    """

    def f(g: np.ndarray) -> np.ndarray | None:
        bad = g == noise
        if not bad.any() or bad.all():
            return None
        out = g.astype(np.int16).copy()
        found = False
        for axis in (0, 1):
            best = _mirror_rows(g if axis == 0 else g.T, noise)
            if best is None:
                continue
            src, dst = best
            o = out if axis == 0 else out.T
            gg = g if axis == 0 else g.T
            view = o[src]
            mirror = gg[dst]
            fix = (view == noise) & (mirror != noise)
            if fix.any():
                view[fix] = mirror[fix]
                o[src] = view
                found = True
        if g.shape[0] == g.shape[1]:
            for im in (g.T, rot(g, 1), rot(g, 2)):
                ok = (g != noise) & (im != noise)
                if ok.any() and (g[ok] == im[ok]).all():
                    fix = (out == noise) & (im != noise)
                    out[fix] = im[fix]
                    found = found or bool(fix.any())
        if not found or (out == noise).any():
            return None
        return out.astype(np.int8)

    return f


def noise_region(noise: int) -> Op:
    """Composed with `repair_symmetry`: the cropped region under the noise colour after repair."""
    rep = repair_symmetry(noise)

    def f(g: np.ndarray) -> np.ndarray | None:
        r = rep(g)
        if r is None:
            return None
        return crop_mask(r, g == noise)

    return f


def largest_rect_of(c: int) -> Op:
    """Crop the bounding box of the largest single-colour component of colour c."""

    def f(g: np.ndarray) -> np.ndarray | None:
        labels, n = label(g == c, 4)
        if n == 0:
            return None
        sizes = np.bincount(labels.ravel())[1:]
        return crop_mask(g, labels == int(sizes.argmax()) + 1)

    return f


def _periods(n: int) -> list[int]:
    return list(range(1, n + 1))


def unrepeat(g: np.ndarray) -> np.ndarray | None:
    """The smallest tile whose repetition gives the grid (None when the grid does not repeat)."""
    h, w = g.shape  # a period p (dividing the side) repeats the grid iff the grid equals itself shifted by p
    py = next(p for p in _periods(h) if h % p == 0 and np.array_equal(g[p:], g[: h - p]))
    px = next(p for p in _periods(w) if w % p == 0 and np.array_equal(g[:, p:], g[:, : w - p]))
    if (py, px) == (h, w):
        return None
    return g[:py, :px]


def _period_tile(g: np.ndarray, noise: int, py: int, px: int) -> np.ndarray | None:
    """The (py, px) tile that agrees with every non-noise cell of g, or None (cells never seen stay -1)."""
    h, w = g.shape
    H, W = -(-h // py) * py, -(-w // px) * px
    p = np.full((H, W), -1, dtype=np.int16)
    p[:h, :w] = g
    p[p == noise] = -1
    blocks = p.reshape(H // py, py, W // px, px).transpose(1, 3, 0, 2).reshape(py, px, -1)
    hi = blocks.max(axis=2)
    lo = np.where(blocks < 0, 99, blocks).min(axis=2)
    seen = hi >= 0
    if (hi[seen] != lo[seen]).any():
        return None
    return hi


def _line_periods(a: np.ndarray, noise: int) -> list[int]:
    """The periods p in 1..n-1 of the rows of `a` (n rows) outside the noise: `_period_tile(a, noise, p, width)` is
    not None, i.e. every two rows a multiple of p apart agree wherever neither is noise."""
    n = a.shape[0]
    if n < 2:
        return []
    agree, _ = _line_agreement(a, noise)
    i, j = np.nonzero(np.triu(~agree, 1))
    gaps = np.unique(j - i)  # distances between rows that disagree
    periods = np.arange(1, n)
    if gaps.size == 0:
        return periods.tolist()
    return periods[(gaps[None, :] % periods[:, None] != 0).all(axis=1)].tolist()


def complete_period(noise: int) -> Op:
    """Repair a periodic (tiled) pattern: cells of colour `noise` take the colour of the same cell in the tile.

    Row and column periods are found separately, then the smallest combined tile that every non-noise cell
    agrees with (and that covers every cell) is used.
    """

    def f(g: np.ndarray) -> np.ndarray | None:
        bad = g == noise
        if not bad.any() or bad.mean() > 0.5:
            return None
        h, w = g.shape
        pys, pxs = _line_periods(g, noise), _line_periods(g.T, noise)
        pys.append(h)
        pxs.append(w)
        for py, px in sorted(((a, b) for a in pys for b in pxs), key=lambda t: t[0] * t[1]):
            if py * px >= h * w * 0.75:
                break
            t = _period_tile(g, noise, py, px)
            if t is None or (t < 0).any():
                continue
            return np.tile(t, (h // py + 1, w // px + 1))[:h, :w].astype(np.int8)
        return None

    return f


def denoise(g: np.ndarray) -> np.ndarray | None:
    """Erase isolated cells (8-connected components of one cell)."""
    lab, n = label(g != 0, 8)
    if n == 0:
        return None
    sizes = np.bincount(lab.ravel())
    lone = (sizes == 1)[lab] & (lab > 0)
    if not lone.any():
        return None
    return np.where(lone, 0, g).astype(np.int8, copy=False)


def fill_bbox(g: np.ndarray) -> np.ndarray | None:
    """Background cells inside each object's bounding box (8-connected, multi-colour) become NEW."""
    out = g.copy()
    for m in component_masks(g, "m8"):
        b = _bbox(m)
        view = out[b[0] : b[2], b[1] : b[3]]  # type: ignore[index]
        view[view == 0] = NEW
    return out


def rays(direction: int) -> Op:
    """Every non-background cell shoots a ray of its colour to the border (0 down, 1 left, 2 up, 3 right)."""

    def f(g: np.ndarray) -> np.ndarray | None:
        r = rot(g, direction).copy()
        h = r.shape[0]
        ys, xs = np.nonzero(r)
        if ys.size == 0 or ys.size > 60:
            return None
        for y, x in zip(ys.tolist(), xs.tolist(), strict=True):
            col = r[y + 1 : h, x]
            stop = np.flatnonzero(col != 0)
            end = stop[0] if stop.size else col.size
            col[:end] = r[y, x]
        return rot(r, -direction).astype(np.int8)

    return f


def diag_rays(dy: int, dx: int) -> Op:
    """Every non-background cell shoots a diagonal ray of its colour (direction dy, dx) until a non-empty cell."""

    def f(g: np.ndarray) -> np.ndarray | None:
        ys, xs = np.nonzero(g)
        if ys.size == 0 or ys.size > 60:
            return None
        out = g.copy()
        h, w = g.shape
        for y, x in zip(ys.tolist(), xs.tolist(), strict=True):
            c = g[y, x]
            yy, xx = y + dy, x + dx
            while 0 <= yy < h and 0 <= xx < w and g[yy, xx] == 0:
                out[yy, xx] = c
                yy += dy
                xx += dx
        return out

    return f


def shift_wrap(dy: int, dx: int) -> Op:
    return lambda g: np.roll(g, (dy, dx), axis=(0, 1))


def move_to_origin(g: np.ndarray) -> np.ndarray | None:
    c = crop_content(g)
    if c is None:
        return None
    out = np.zeros_like(g)
    out[: c.shape[0], : c.shape[1]] = c
    return out


# ---------------------------------------------------------------------------------------------------------------
# splitters


def _obj_pieces(g: np.ndarray, mode: str) -> list[Piece] | None:
    """The objects of `component_masks(g, mode)` (in its reading order) as pieces; None unless 2 to 30."""
    try:
        from scipy import ndimage
    except ImportError:  # pragma: no cover - scipy is optional
        return _obj_pieces_from_masks(g, component_masks(g, mode))
    conn = 8 if mode.endswith("8") else 4
    nz = g != 0
    # labels numbered in reading order of each object's first cell: the order of component_masks
    lab, n = ob.label(nz, conn) if mode.startswith("m") else ob.label_colors(g, conn, nz)
    if n < 2 or n > 30:
        return None
    out = []
    for i, sl in enumerate(ndimage.find_objects(lab), start=1):
        m = lab[sl] == i
        out.append(Piece(np.where(m, g[sl], 0).astype(np.int8), m, sl[0].start, sl[1].start, g))
    return out


def _obj_pieces_from_masks(g: np.ndarray, masks: list[np.ndarray]) -> list[Piece] | None:
    if len(masks) < 2 or len(masks) > 30:
        return None
    out = []
    for mfull in masks:
        t, lf, b, r = _bbox(mfull)  # type: ignore[misc]
        m = mfull[t:b, lf:r]
        sub = np.where(m, g[t:b, lf:r], 0).astype(np.int8, copy=False)
        out.append(Piece(sub, m, t, lf, g))
    return out


def _colour_pieces(g: np.ndarray) -> list[Piece] | None:
    cols = [c for c in np.unique(g).tolist() if c != 0]
    if len(cols) < 2:
        return None
    out = []
    for c in cols:
        mfull = g == c
        t, lf, b, r = _bbox(mfull)  # type: ignore[misc]
        m = mfull[t:b, lf:r]
        out.append(Piece(np.where(m, g[t:b, lf:r], 0).astype(np.int8), m, t, lf, g))
    return out


def separator_lines(g: np.ndarray) -> tuple[list[int], list[int], int] | None:
    """Rows and columns that are a single non-background-or-background colour line spanning the grid."""
    h, w = g.shape
    for c in np.unique(g).tolist():
        rows = [i for i in range(h) if (g[i] == c).all()]
        cols = [j for j in range(w) if (g[:, j] == c).all()]
        if not rows and not cols:
            continue
        if len(rows) == h or len(cols) == w:
            continue
        # the separator colour must not appear much elsewhere
        other = (g == c).sum() - len(rows) * w - len(cols) * h + len(rows) * len(cols)
        if c == 0 and other > 0:
            continue
        return rows, cols, c
    return None


def _cells(g: np.ndarray) -> list[Piece] | None:
    sep = separator_lines(g)
    if sep is None:
        return None
    rows, cols, _ = sep

    def spans(lines: list[int], n: int) -> list[tuple[int, int]]:
        out, start = [], 0
        for i in sorted(lines) + [n]:
            if i > start:
                out.append((start, i))
            start = i + 1
        return out

    pieces = []
    for a, b in spans(rows, g.shape[0]):
        for c, d in spans(cols, g.shape[1]):
            sub = g[a:b, c:d]
            pieces.append(Piece(sub, np.ones(sub.shape, bool), a, c, g))
    return pieces if 2 <= len(pieces) <= 30 else None


def _piece_span(size: int, n: int) -> tuple[int, int] | None:
    """(piece length, gap) of n equal pieces along a side of `size`, separated by one-line gaps when the side does
    not divide evenly; None when neither fits."""
    if size % n == 0:
        step, gap = size // n, 0
    elif (size - (n - 1)) % n == 0:
        step, gap = (size - (n - 1)) // n, 1
    else:
        return None
    return None if step == 0 else (step, gap)


def _halves(axis: int, n: int = 2) -> Callable[[np.ndarray], list[Piece] | None]:
    def f(g: np.ndarray) -> list[Piece] | None:
        span = _piece_span(g.shape[axis], n)
        if span is None:
            return None
        step, gap = span
        out = []
        for i in range(n):
            s = i * (step + gap)
            sub = g[s : s + step] if axis == 0 else g[:, s : s + step]
            top, left = (s, 0) if axis == 0 else (0, s)
            out.append(Piece(sub, np.ones(sub.shape, bool), top, left, g))
        return out

    return f


class Pieces(list):
    """A splitter's pieces (a list), with `picks`: each pick's choice among them, computed once and shared by the
    selectors built on that pick (crop / keep / erase / mark / inside the same piece), since the search reuses one
    grid's pieces for every selector. Pieces are never changed once made."""

    __slots__ = ("picks",)

    def __init__(self, items: Sequence[Piece] = ()) -> None:
        super().__init__(items)
        self.picks: dict[str, Piece | None] = {}


def _splitting(fn: Callable[[np.ndarray], list[Piece] | None]) -> Callable[[np.ndarray], list[Piece] | None]:
    """The splitter `fn` with its pieces as `Pieces`."""

    def f(g: np.ndarray) -> list[Piece] | None:
        ps = fn(g)
        return None if ps is None else Pieces(ps)

    return f


SPLITTERS: list[Splitter] = [
    Splitter("objects4", _splitting(lambda g: _obj_pieces(g, "c4")), 1, "the single-colour 4-connected objects"),
    Splitter("objects8", _splitting(lambda g: _obj_pieces(g, "c8")), 1, "the single-colour 8-connected objects"),
    Splitter("multi4", _splitting(lambda g: _obj_pieces(g, "m4")), 1, "the multi-colour 4-connected objects"),
    Splitter("multi8", _splitting(lambda g: _obj_pieces(g, "m8")), 1, "the multi-colour 8-connected objects"),
    Splitter("colours", _splitting(_colour_pieces), 1, "the colour layers"),
    Splitter("cells", _splitting(_cells), 1, "the cells between the separator lines", "part"),
    Splitter("halves_v", _splitting(_halves(1)), 1, "the left and right halves", "part"),
    Splitter("halves_h", _splitting(_halves(0)), 1, "the top and bottom halves", "part"),
    Splitter("thirds_v", _splitting(_halves(1, 3)), 2, "the three vertical thirds", "part"),
    Splitter("thirds_h", _splitting(_halves(0, 3)), 2, "the three horizontal thirds", "part"),
]


# ---------------------------------------------------------------------------------------------------------------
# selectors


def _pick_by(key: Callable[[Piece], float], largest: bool) -> Callable[[list[Piece]], Piece | None]:
    def f(ps: list[Piece]) -> Piece | None:
        vals = [key(p) for p in ps]
        best = max(vals) if largest else min(vals)
        idx = [i for i, v in enumerate(vals) if v == best]
        return ps[idx[0]] if len(idx) == 1 else None

    return f


def _pick_unique(key: Callable[[Piece], object]) -> Callable[[list[Piece]], Piece | None]:
    def f(ps: list[Piece]) -> Piece | None:
        keys = [key(p) for p in ps]
        idx = [i for i, k in enumerate(keys) if keys.count(k) == 1]
        return ps[idx[0]] if len(idx) == 1 and len(ps) >= 3 else None

    return f


def _pick_common(key: Callable[[Piece], object]) -> Callable[[list[Piece]], Piece | None]:
    def f(ps: list[Piece]) -> Piece | None:
        keys = [key(p) for p in ps]
        counts = [keys.count(k) for k in keys]
        best = max(counts)
        if best < 2 or len({keys[i] for i, c in enumerate(counts) if c == best}) != 1:
            return None
        return ps[counts.index(best)]

    return f


def _ncols(p: Piece) -> int:
    return len(np.unique(p.grid[p.mask]))


def _size(p: Piece) -> int:
    return int((p.grid[p.mask] != 0).sum())


def _colour_key(p: Piece) -> tuple[int, ...]:
    return tuple(np.unique(p.grid[p.grid != 0]).tolist())


def _shape_key(p: Piece) -> bytes:
    m = p.grid != 0
    return bytes(m.shape) + np.packbits(m).tobytes()


def _content_key(p: Piece) -> bytes:
    return bytes(p.grid.shape) + p.grid.tobytes()


def _sym(p: Piece) -> int:
    g = p.grid
    return int(np.array_equal(g, g[:, ::-1]) or np.array_equal(g, g[::-1]))


def _holes(p: Piece) -> int:
    return int(enclosed(p.grid, 4).sum())


PICKS: list[tuple[str, Callable[[list[Piece]], Piece | None], int, str]] = [
    ("largest", _pick_by(_size, True), 0, "the largest"),
    ("smallest", _pick_by(_size, False), 0, "the smallest"),
    ("bbox_largest", _pick_by(lambda p: p.grid.size, True), 1, "the one with the largest bounding box"),
    ("bbox_smallest", _pick_by(lambda p: p.grid.size, False), 1, "the one with the smallest bounding box"),
    ("most_colours", _pick_by(_ncols, True), 1, "the most colourful"),
    ("fewest_colours", _pick_by(_ncols, False), 1, "the least colourful"),
    ("unique_colour", _pick_unique(_colour_key), 0, "the one with a unique colour"),
    ("unique_shape", _pick_unique(_shape_key), 0, "the one with a unique shape"),
    ("unique_content", _pick_unique(_content_key), 0, "the one unlike the others"),
    ("common_content", _pick_common(_content_key), 1, "the most repeated one"),
    ("common_shape", _pick_common(_shape_key), 1, "the one whose shape repeats most"),
    ("topmost", _pick_by(lambda p: p.top, False), 1, "the topmost"),
    ("bottommost", _pick_by(lambda p: p.top + p.grid.shape[0], True), 1, "the bottommost"),
    ("leftmost", _pick_by(lambda p: p.left, False), 1, "the leftmost"),
    ("rightmost", _pick_by(lambda p: p.left + p.grid.shape[1], True), 1, "the rightmost"),
    ("symmetric", _pick_unique(_sym), 1, "the only (a)symmetric one"),
    ("most_holes", _pick_by(_holes, True), 1, "the one enclosing the most background"),
    ("densest", _pick_by(lambda p: _size(p) / p.grid.size, True), 1, "the densest"),
    ("sparsest", _pick_by(lambda p: _size(p) / p.grid.size, False), 1, "the sparsest"),
]


def _crop_sel(pick: Callable[[list[Piece]], Piece | None]) -> Callable[[list[Piece]], np.ndarray | None]:
    def f(ps: list[Piece]) -> np.ndarray | None:
        p = pick(ps)
        return None if p is None else p.grid

    return f


def _paint(out: np.ndarray, p: Piece, mask: np.ndarray, value: Any) -> np.ndarray:
    """Write `value` into `out` where `mask` is set, with the piece's mask placed at its position in the whole grid."""
    h, w = p.grid.shape
    out[p.top : p.top + h, p.left : p.left + w][mask] = value
    return out


def _keep_sel(pick: Callable[[list[Piece]], Piece | None]) -> Callable[[list[Piece]], np.ndarray | None]:
    """Keep only the picked piece in place (everything else erased)."""

    def f(ps: list[Piece]) -> np.ndarray | None:
        p = pick(ps)
        if p is None:
            return None
        return _paint(np.zeros_like(p.whole), p, p.mask, p.grid[p.mask])

    return f


def _erase_sel(pick: Callable[[list[Piece]], Piece | None]) -> Callable[[list[Piece]], np.ndarray | None]:
    """Erase the picked piece."""

    def f(ps: list[Piece]) -> np.ndarray | None:
        p = pick(ps)
        if p is None:
            return None
        return _paint(p.whole.copy(), p, p.mask, 0)

    return f


def _mark_sel(pick: Callable[[list[Piece]], Piece | None]) -> Callable[[list[Piece]], np.ndarray | None]:
    """Recolour the picked piece NEW in place."""

    def f(ps: list[Piece]) -> np.ndarray | None:
        p = pick(ps)
        if p is None:
            return None
        return _paint(p.whole.copy(), p, p.mask & (p.grid != 0), NEW)

    return f


def _inside_sel(pick: Callable[[list[Piece]], Piece | None]) -> Callable[[list[Piece]], np.ndarray | None]:
    """Crop the whole grid to the inside of the picked piece's bounding box (a frame's contents)."""

    def f(ps: list[Piece]) -> np.ndarray | None:
        p = pick(ps)
        if p is None or p.grid.shape[0] < 3 or p.grid.shape[1] < 3:
            return None
        h, w = p.grid.shape
        return p.whole[p.top + 1 : p.top + h - 1, p.left + 1 : p.left + w - 1]

    return f


def _same_shapes(ps: list[Piece]) -> bool:
    return len({p.grid.shape for p in ps}) == 1


def _bool(op: str) -> Callable[[list[Piece]], np.ndarray | None]:
    def f(ps: list[Piece]) -> np.ndarray | None:
        if not _same_shapes(ps):
            return None
        ms = [p.grid != 0 for p in ps]
        if op == "and":
            m = np.logical_and.reduce(ms)
        elif op == "or":
            m = np.logical_or.reduce(ms)
        elif op == "xor":
            if len(ms) != 2:
                m = np.add.reduce([x.astype(int) for x in ms]) == 1
            else:
                m = ms[0] ^ ms[1]
        elif op == "nor":
            m = ~np.logical_or.reduce(ms)
        elif op == "diff":
            if len(ms) != 2:
                return None
            m = ms[0] & ~ms[1]
        elif op == "rdiff":
            if len(ms) != 2:
                return None
            m = ms[1] & ~ms[0]
        else:
            raise ValueError(op)
        return np.where(m, NEW, 0).astype(np.int8, copy=False)

    return f


def _overlay(reverse: bool) -> Callable[[list[Piece]], np.ndarray | None]:
    def f(ps: list[Piece]) -> np.ndarray | None:
        if not _same_shapes(ps):
            return None
        seq = ps[::-1] if reverse else ps
        out = seq[0].grid.copy()
        for p in seq[1:]:
            out = np.where(p.grid != 0, p.grid, out)
        return out.astype(np.int8)

    return f


def _arrange(kind: str) -> Callable[[list[Piece]], np.ndarray | None]:
    """Lay the pieces side by side / stacked, ordered by size (largest first)."""

    def f(ps: list[Piece]) -> np.ndarray | None:
        if len(ps) > 10:
            return None
        order = sorted(ps, key=lambda p: -_size(p))
        if kind == "h":
            if len({p.grid.shape[0] for p in ps}) != 1:
                return None
            return _ok(np.hstack([p.grid for p in order]))
        if len({p.grid.shape[1] for p in ps}) != 1:
            return None
        return _ok(np.vstack([p.grid for p in order]))

    return f


def _shared_pick(name: str, pick: Callable[[list[Piece]], Piece | None]) -> Callable[[list[Piece]], Piece | None]:
    """`pick`, its choice kept in the pieces' `picks` under `name` when they are `Pieces` (computed once per pieces)."""

    def f(ps: list[Piece]) -> Piece | None:
        picks = getattr(ps, "picks", None)
        if picks is None:
            return pick(ps)
        p = picks.get(name, picks)  # the dict itself marks a miss
        if p is picks:
            p = picks[name] = pick(ps)
        return p

    return f


def build_selectors() -> list[Selector]:
    sels: list[Selector] = []
    for name, plain_pick, cost, phrase in PICKS:
        pick = _shared_pick(name, plain_pick)
        sels.append(Selector(f"crop_{name}", _crop_sel(pick), 1 + cost, f"crop {phrase}"))
        obj = ("obj",)
        sels.append(Selector(f"keep_{name}", _keep_sel(pick), 2 + cost, f"keep only {phrase} in place", True, obj))
        sels.append(Selector(f"erase_{name}", _erase_sel(pick), 2 + cost, f"erase {phrase}", True, obj))
        sels.append(Selector(f"mark_{name}", _mark_sel(pick), 2 + cost, f"recolour {phrase}", True, obj))
        sels.append(Selector(f"inside_{name}", _inside_sel(pick), 2 + cost, f"crop to the inside of {phrase}", False, obj))
    for op, phrase in (
        ("and", "cells set in every part"),
        ("or", "cells set in any part"),
        ("xor", "cells set in exactly one part"),
        ("nor", "cells empty in every part"),
        ("diff", "cells set in the first part but not the second"),
        ("rdiff", "cells set in the second part but not the first"),
    ):
        sels.append(Selector(f"bool_{op}", _bool(op), 1, f"mark the {phrase}", False, ("part",)))
    sels.append(Selector("overlay", _overlay(False), 1, "overlay the parts, later ones on top", False, ("part",)))
    sels.append(Selector("overlay_rev", _overlay(True), 1, "overlay the parts, earlier ones on top", False, ("part",)))
    sels.append(Selector("arrange_h", _arrange("h"), 2, "lay the parts side by side, largest first", False, ("obj",)))
    sels.append(Selector("arrange_v", _arrange("v"), 2, "stack the parts, largest first", False, ("obj",)))
    return sels


SELECTORS: list[Selector] = build_selectors()


# ---------------------------------------------------------------------------------------------------------------
# the op table for one task


def _rigid() -> list[GridOp]:
    return [
        # views by slicing (`rot`): the same arrays as np.rot90, without its overhead
        GridOp("rot90", lambda g: rot(g, -1), 1, "rotate it a quarter turn clockwise"),
        GridOp("rot180", lambda g: rot(g, 2), 1, "rotate it half a turn", True),
        GridOp("rot270", lambda g: rot(g, 1), 1, "rotate it a quarter turn anticlockwise"),
        GridOp("flip_lr", lambda g: g[:, ::-1], 1, "mirror it left to right", True),
        GridOp("flip_ud", lambda g: g[::-1], 1, "mirror it top to bottom", True),
        GridOp("transpose", lambda g: g.T, 1, "transpose it"),
        GridOp("antitranspose", lambda g: rot(g, 2).T, 1, "transpose it along the other diagonal"),
    ]


def base_ops() -> list[GridOp]:
    """Ops that need no task parameters."""
    ops = _rigid()
    ops += [
        GridOp("crop", crop_content, 1, "crop to the non-background content"),
        GridOp("compress_bg", compress_bg, 2, "drop the empty rows and columns"),
        GridOp("compress_dups", compress_dups, 2, "merge repeated rows and columns"),
        GridOp("to_new", to_new, 1, "paint every shape one new colour", True),
        GridOp("invert", invert, 2, "swap background and shapes", True),
        GridOp("fill_majority", fill_majority, 2, "paint the whole grid its most common colour", True),
        GridOp("half_top", half(0, 0), 1, "take the top half"),
        GridOp("half_bottom", half(0, 1), 1, "take the bottom half"),
        GridOp("half_left", half(1, 0), 1, "take the left half"),
        GridOp("half_right", half(1, 1), 1, "take the right half"),
        GridOp("paint_majority", paint_majority, 2, "paint every shape the most common colour", True),
        GridOp("cell_majority", cell_majority, 2, "answer the most common colour as one cell"),
        GridOp("cell_minority", cell_minority, 2, "answer the rarest colour as one cell"),
        GridOp("colours_row", count_colours_row, 3, "list the colours by frequency"),
        GridOp("count_cells", count_cells_row, 3, "count the coloured cells"),
        GridOp("count_objects", count_objects_row, 3, "count the objects"),
        GridOp("gravity_down", gravity(0), 2, "let the cells fall down", True),
        GridOp("gravity_left", gravity(3), 2, "let the cells fall left", True),
        GridOp("gravity_up", gravity(2), 2, "let the cells fall up", True),
        GridOp("gravity_right", gravity(1), 2, "let the cells fall right", True),
        GridOp("fill_enclosed", fill_enclosed, 1, "fill the enclosed background", True),
        GridOp("fill_enclosed8", fill_enclosed8, 2, "fill the background enclosed diagonally too", True),
        GridOp("halo4", outline(False), 2, "outline the shapes", True),
        GridOp("halo8", outline(True), 2, "outline the shapes including corners", True),
        GridOp("interior", interior, 2, "mark the inside of the shapes", True),
        GridOp("border_cells", border_cells, 2, "keep the edges of the shapes", True),
        GridOp("grid_border", grid_border, 2, "draw a border around the grid", True),
        GridOp("lines_h", lines("h"), 2, "extend each cell into a horizontal line", True),
        GridOp("lines_v", lines("v"), 2, "extend each cell into a vertical line", True),
        GridOp("lines_hv", lines("hv"), 2, "extend each cell into a cross", True),
        GridOp("lines_d", lines("d"), 2, "extend each cell into diagonal lines", True),
        GridOp("connect", connect_same, 2, "connect same-coloured cells in a row or column", True),
        GridOp("sym_lr", symmetrise("lr"), 2, "make it left-right symmetric", True),
        GridOp("sym_ud", symmetrise("ud"), 2, "make it top-bottom symmetric", True),
        GridOp("sym_4", symmetrise("4"), 2, "make it symmetric both ways", True),
        GridOp("sym_t", symmetrise("t"), 2, "make it symmetric about the diagonal", True),
        GridOp("sym_rot", symmetrise("r"), 2, "make it rotationally symmetric", True),
        GridOp("mirror_h", mirror_h, 2, "append its mirror image on the right"),
        GridOp("mirror_v", mirror_v, 2, "append its mirror image below"),
        GridOp("mirror_h_rev", mirror_h_rev, 2, "prepend its mirror image on the left"),
        GridOp("mirror_v_rev", mirror_v_rev, 2, "prepend its mirror image above"),
        GridOp("mirror_4", mirror_4, 2, "mirror it into four quadrants"),
        GridOp("rot_4", rot_4, 2, "place four rotated copies in a square"),
        GridOp("fractal", fractal, 2, "replace each coloured cell with a copy of the grid"),
        GridOp("fractal_inv", fractal_inv, 3, "replace each empty cell with a copy of the grid"),
        GridOp("down_block(2)", downscale_block(2), 2, "shrink each 2x2 block to one cell"),
        GridOp("down_block(3)", downscale_block(3), 2, "shrink each 3x3 block to one cell"),
        GridOp("unrepeat", unrepeat, 1, "reduce it to its repeating tile"),
        GridOp("complete_period", complete_period(0), 2, "complete the repeating pattern", True),
        GridOp("denoise", denoise, 2, "erase the isolated cells", True),
        GridOp("fill_bbox", fill_bbox, 2, "fill each object's bounding box", True),
        GridOp("rays_down", rays(0), 2, "shoot a ray down from each cell", True),
        GridOp("rays_left", rays(3), 2, "shoot a ray left from each cell", True),
        GridOp("rays_up", rays(2), 2, "shoot a ray up from each cell", True),
        GridOp("rays_right", rays(1), 2, "shoot a ray right from each cell", True),
        GridOp("rays_dr", diag_rays(1, 1), 2, "shoot a ray down-right from each cell", True),
        GridOp("rays_dl", diag_rays(1, -1), 2, "shoot a ray down-left from each cell", True),
        GridOp("rays_ur", diag_rays(-1, 1), 2, "shoot a ray up-right from each cell", True),
        GridOp("rays_ul", diag_rays(-1, -1), 2, "shoot a ray up-left from each cell", True),
        GridOp("to_origin", move_to_origin, 3, "move the content to the top-left corner", True),
    ]
    return ops


def marked(op: Op) -> Op:
    """The background cells that `op` paints are painted NEW instead (what an op adds, in a colour of its own)."""

    def f(g: np.ndarray) -> np.ndarray | None:
        r = op(g)
        if r is None or r.shape != g.shape:
            return None
        added = (r != g) & (g == 0)
        if not added.any():
            return None
        return np.where(added, NEW, r).astype(np.int8, copy=False)

    return f


MARKABLE = ("lines_h", "lines_v", "lines_hv", "lines_d", "connect", "sym_lr", "sym_ud", "sym_4", "sym_t", "sym_rot",
            "rays_down", "rays_left", "rays_up", "rays_right", "rays_dr", "rays_dl", "rays_ur", "rays_ul",
            "gravity_down", "gravity_left", "gravity_up", "gravity_right")


def marked_ops(ops: Sequence[GridOp]) -> list[GridOp]:
    """`marked` versions of the MARKABLE ops (they cost one more)."""
    return [GridOp(f"{o.name}+mark", marked(o.fn), o.cost + 1, f"{o.phrase}, marking what changed", True)
            for o in ops if o.name in MARKABLE]


@dataclass
class TaskInfo:
    """What the op table depends on: the colours and shape ratios of a task."""

    colours: list[int]
    noise_colours: list[int]
    ratios: set[tuple[int, int]]
    down_ratios: set[tuple[int, int]]
    out_shape: tuple[int, int] | None = None  # the one shape of every output, when they share one


def task_info(inputs: Sequence[np.ndarray], outputs: Sequence[np.ndarray]) -> TaskInfo:
    cols: set[int] = set()
    for g in inputs:
        cols |= set(np.unique(g).tolist())
    # a "noise" colour: present in every input but absent from the outputs
    noise = []
    for c in sorted(cols):
        if c == 0:
            continue
        if all((g == c).any() for g in inputs) and not any((o == c).any() for o in outputs):
            noise.append(c)
    if all((g == 0).any() for g in inputs) and not any((o == 0).any() for o in outputs):
        noise.insert(0, 0)  # background holes that every output fills
    ratios: set[tuple[int, int]] = set()
    down: set[tuple[int, int]] = set()
    for i, o in zip(inputs, outputs, strict=False):
        (h, w), (H, W) = i.shape, o.shape
        if H % h == 0 and W % w == 0:
            ratios.add((H // h, W // w))
        if h % H == 0 and w % W == 0:
            down.add((h // H, w // W))
    shapes = {o.shape for o in outputs}
    out_shape = next(iter(shapes)) if len(shapes) == 1 else None
    return TaskInfo(sorted(c for c in cols if c != 0), noise, ratios, down, out_shape)  # type: ignore[arg-type]


def task_ops(info: TaskInfo) -> list[GridOp]:
    """The full op table for a task: the base ops plus colour- and ratio-parametrised ones."""
    ops = base_ops()
    ops += marked_ops(ops)
    for c in info.colours:
        ops += [
            GridOp(f"keep_colour({c})", keep_colour(c), 1, f"keep only colour {c}", True),
            GridOp(f"remove_colour({c})", remove_colour(c), 1, f"erase colour {c}", True),
            GridOp(f"crop_colour({c})", crop_colour(c), 1, f"crop to the bounding box of colour {c}"),
            GridOp(f"crop_inside({c})", crop_inside_colour(c), 2, f"crop to the inside of the colour-{c} frame"),
            GridOp(f"largest_rect({c})", largest_rect_of(c), 2, f"crop the largest colour-{c} patch"),
        ]
    for c in info.noise_colours:
        if c == 0:  # complete_period(0) is a base op
            ops += [GridOp("repair_sym(0)", repair_symmetry(0), 1, "repaint the empty cells by symmetry", True),
                    GridOp("hidden_by(0)", noise_region(0), 1, "show what the empty area hides, by symmetry")]
            continue
        ops += [
            GridOp(f"repair_sym({c})", repair_symmetry(c), 1, f"repaint the colour-{c} cells by symmetry", True),
            GridOp(f"hidden_by({c})", noise_region(c), 1, f"show what colour {c} hides, by symmetry"),
            GridOp(f"complete_period({c})", complete_period(c), 1, f"repaint the colour-{c} cells from the repeating pattern", True),
        ]
    for a, b in sorted(info.ratios):
        if (a, b) == (1, 1):
            continue
        ops.append(GridOp(f"upscale({a},{b})", upscale(a, b), 1, f"scale it up {a}x{b}"))
        ops.append(GridOp(f"tile({a},{b})", tile(a, b), 1, f"tile it {a}x{b}"))
    if info.out_shape is not None:
        H, W = info.out_shape
        ops.append(GridOp(f"fit({H},{W})", fit_to(H, W), 1, f"shrink or stretch it to {H}x{W}"))
    for a, b in sorted(info.down_ratios):
        if (a, b) == (1, 1):
            continue
        ops.append(GridOp(f"downscale({a},{b})", downscale(a, b), 1, f"scale it down {a}x{b}"))
    return ops
