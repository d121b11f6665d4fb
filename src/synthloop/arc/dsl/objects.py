"""Objects in ARC grids: background detection, connected components, object properties, selectors, crop/paint.

Everything works on plain numpy arrays (ARC grids, int8 values 0..9). Labelling uses scipy's C labeller (one call over
a stack of colour planes, renumbered into reading order), and a small iterative flood fill on tiny grids where that is
faster; both number the components in reading order of their first cell, so they give identical labels.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

_N4 = ((-1, 0), (1, 0), (0, -1), (0, 1))
_N8 = _N4 + ((-1, -1), (-1, 1), (1, -1), (1, 1))


# ----------------------------------------------------------------------------------------------------------------
# background and labelling


def background_color(g: np.ndarray) -> int:
    """The background colour: 0 when it covers at least a fifth of the grid, else the most frequent colour.

    ARC grids overwhelmingly use 0 as background; ties between other colours go to the smallest colour.
    """
    counts = np.bincount(np.asarray(g, dtype=np.int64).ravel(), minlength=10)
    if counts[0] * 5 >= counts.sum():
        return 0
    return int(np.argmax(counts))


def label(mask: np.ndarray, connectivity: int = 4) -> tuple[np.ndarray, int]:
    """Label the True cells of a boolean mask into connected components (ids 1..n; 0 = unlabelled)."""
    return _label_where(np.asarray(mask, dtype=bool), None, connectivity)


def label_colors(g: np.ndarray, connectivity: int = 4, mask: np.ndarray | None = None) -> tuple[np.ndarray, int]:
    """Label same-colour connected components of `g` restricted to `mask` (all cells when None)."""
    m = np.ones(g.shape, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    return _label_where(m, np.asarray(g), connectivity)


_STRUCTURE = {4: np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], dtype=bool), 8: np.ones((3, 3), dtype=bool)}
_PLANES = {c: np.stack([np.zeros((3, 3), bool), s, np.zeros((3, 3), bool)]) for c, s in _STRUCTURE.items()}
_FLOOD_BELOW = (36, 100)  # grids with fewer cells label faster by the flood fill (mask only, by colour)


def _label_where(mask: np.ndarray, colors: np.ndarray | None, connectivity: int) -> tuple[np.ndarray, int]:
    """Components of the mask's cells (of equal colour when `colors` is given), numbered 1..n in reading order of
    their first cell (0 = unlabelled), as int32."""
    if connectivity not in (4, 8):
        raise ValueError(f"connectivity must be 4 or 8, got {connectivity}")
    if mask.size < _FLOOD_BELOW[colors is not None]:
        return _flood_label(mask, colors, connectivity)
    from scipy import ndimage  # a dependency; imported here to keep `import synthloop` light
    if colors is not None:
        colors = np.asarray(colors)
        values = np.unique(colors[mask])
        if values.size > 1:
            return _label_by_colour(ndimage, mask, colors, values, connectivity)
    lab, n = ndimage.label(mask, structure=_STRUCTURE[connectivity])
    return lab.astype(np.int32, copy=False), int(n)


def _label_by_colour(ndimage, mask: np.ndarray, colors: np.ndarray, values: np.ndarray,
                     connectivity: int) -> tuple[np.ndarray, int]:
    """One scipy call over a stack of one plane per colour (planes not connected), renumbered into reading order."""
    vol = (colors[None] == values[:, None, None]) & mask[None]
    lab, n = ndimage.label(vol, structure=_PLANES[connectivity])
    out = lab.max(axis=0)  # a cell lies in one plane at most
    flat = out.ravel()
    idx = np.flatnonzero(flat)[::-1]
    first = np.empty(n + 1, dtype=np.int64)
    first[flat[idx]] = idx  # the last write per label is its first cell in reading order
    first[0] = -1
    rank = np.empty(n + 1, dtype=np.int32)
    rank[np.argsort(first, kind="stable")] = np.arange(n + 1, dtype=np.int32)
    return rank[out], int(n)


def _flood_label(mask: np.ndarray, colors: np.ndarray | None, connectivity: int) -> tuple[np.ndarray, int]:
    """`_label_where` by an iterative flood fill in reading order (faster than scipy on tiny grids)."""
    h, w = mask.shape
    nbrs = _N4 if connectivity == 4 else _N8
    labels = np.zeros((h, w), dtype=np.int32)
    m = mask.tolist()
    col = colors.tolist() if colors is not None else None
    lab = labels.tolist()
    n = 0
    for r0 in range(h):
        for c0 in range(w):
            if not m[r0][c0] or lab[r0][c0]:
                continue
            n += 1
            lab[r0][c0] = n
            want = col[r0][c0] if col is not None else None
            stack = [(r0, c0)]
            while stack:
                r, c = stack.pop()
                for dr, dc in nbrs:
                    rr, cc = r + dr, c + dc
                    if 0 <= rr < h and 0 <= cc < w and m[rr][cc] and not lab[rr][cc]:
                        if col is not None and col[rr][cc] != want:
                            continue
                        lab[rr][cc] = n
                        stack.append((rr, cc))
    return np.array(lab, dtype=np.int32).reshape(h, w), n


def enclosed_mask(g: np.ndarray, color: int | None = None, connectivity: int = 4) -> np.ndarray:
    """Cells of `color` (default: the background) not connected to the grid border through cells of that colour."""
    g = np.asarray(g)
    c = background_color(g) if color is None else color
    labels, n = label(g == c, connectivity)
    if n == 0:
        return np.zeros(g.shape, dtype=bool)
    border = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    out = labels > 0
    out &= ~np.isin(labels, border[border > 0])
    return out


# ----------------------------------------------------------------------------------------------------------------
# objects


class _once:
    """functools.cached_property without its per-first-access lock (Python < 3.12 takes one): computed on first
    access and stored in the instance's __dict__, which later accesses read directly."""

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        self.fn = fn
        self.name = fn.__name__
        self.__doc__ = fn.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, objtype: type | None = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.fn(obj)
        return value


@dataclass(eq=False)
class Object:
    """A set of grid cells with their colours.

    `patch` is the bounding-box crop of the source grid with cells outside the object set to -1; `mask` is the
    object's shape inside its bounding box.
    """

    rows: np.ndarray
    cols: np.ndarray
    values: np.ndarray
    grid_shape: tuple[int, int]
    index: int = 0
    meta: dict = field(default_factory=dict)

    # --- geometry
    @_once
    def bbox(self) -> tuple[int, int, int, int]:
        """(top, left, bottom, right), bottom/right exclusive."""
        return int(self.rows.min()), int(self.cols.min()), int(self.rows.max()) + 1, int(self.cols.max()) + 1

    @property
    def top(self) -> int:
        return self.bbox[0]

    @property
    def left(self) -> int:
        return self.bbox[1]

    @property
    def height(self) -> int:
        return self.bbox[2] - self.bbox[0]

    @property
    def width(self) -> int:
        return self.bbox[3] - self.bbox[1]

    @property
    def size(self) -> int:
        return int(self.rows.size)

    @property
    def area(self) -> int:
        return self.height * self.width

    @_once
    def mask(self) -> np.ndarray:
        t, lf, b, r = self.bbox
        m = np.zeros((b - t, r - lf), dtype=bool)
        m[self.rows - t, self.cols - lf] = True
        return m

    @_once
    def patch(self) -> np.ndarray:
        t, lf, b, r = self.bbox
        p = np.full((b - t, r - lf), -1, dtype=np.int8)
        p[self.rows - t, self.cols - lf] = self.values
        return p

    def patch_filled(self, fill: int) -> np.ndarray:
        """The bounding-box patch with non-object cells set to `fill`."""
        p = self.patch.copy()
        p[p < 0] = fill
        return p

    @property
    def center(self) -> tuple[float, float]:
        t, lf, b, r = self.bbox
        return (t + b - 1) / 2, (lf + r - 1) / 2

    # --- colour
    @_once
    def colors(self) -> tuple[int, ...]:
        return tuple(int(v) for v in np.unique(self.values))

    @_once
    def color(self) -> int:
        """The most frequent colour (smallest on ties)."""
        return int(np.argmax(np.bincount(self.values.astype(np.int64), minlength=10)))

    @property
    def n_colors(self) -> int:
        return len(self.colors)

    # --- shape properties
    @_once
    def shape_key(self) -> bytes:
        """Equal for objects with the same shape (mask), whatever their colour and position."""
        m = self.mask
        return bytes([m.shape[0], m.shape[1]]) + np.packbits(m).tobytes()

    @_once
    def patch_key(self) -> bytes:
        """Equal for objects with the same shape and colours."""
        p = self.patch
        return bytes([p.shape[0], p.shape[1]]) + p.tobytes()

    @_once
    def holes(self) -> int:
        """Number of 4-connected regions of non-object cells inside the bbox that do not reach the bbox edge."""
        if self.size == self.area or self.height < 3 or self.width < 3:
            return 0
        labels, n = label(~self.mask, 4)
        edge = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
        return n - int((edge > 0).sum())

    @_once
    def hole_cells(self) -> int:
        if self.size == self.area or self.height < 3 or self.width < 3:
            return 0
        labels, n = label(~self.mask, 4)
        edge = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
        return int((~np.isin(labels, edge) & (labels > 0)).sum())

    @property
    def is_rectangle(self) -> bool:
        return self.size == self.area

    @property
    def touches_border(self) -> bool:
        t, lf, b, r = self.bbox
        return t == 0 or lf == 0 or b == self.grid_shape[0] or r == self.grid_shape[1]

    @_once
    def symmetric_lr(self) -> bool:
        return bool(np.array_equal(self.patch, self.patch[:, ::-1]))

    @_once
    def symmetric_ud(self) -> bool:
        return bool(np.array_equal(self.patch, self.patch[::-1]))

    @property
    def is_symmetric(self) -> bool:
        return self.symmetric_lr or self.symmetric_ud

    def to_mask(self) -> np.ndarray:
        """Boolean mask of the object over the whole grid."""
        m = np.zeros(self.grid_shape, dtype=bool)
        m[self.rows, self.cols] = True
        return m

    def __repr__(self) -> str:
        return f"Object(colors={self.colors}, bbox={self.bbox}, size={self.size})"


def _objects_from_labels(g: np.ndarray, labels: np.ndarray, n: int) -> list[Object]:
    if n == 0:
        return []
    flat = labels.ravel()
    order = np.argsort(flat, kind="stable")
    sorted_labels = flat[order]
    starts = np.searchsorted(sorted_labels, np.arange(1, n + 2))
    w = g.shape[1]
    # every cell's row and column at once; each object takes its slice (views of shared arrays: read them only)
    rows, cols = np.divmod(order, w)
    vals = np.asarray(g, dtype=np.int8).ravel()[order]
    for a in (rows, cols, vals):
        a.setflags(write=False)  # shared by the objects' slices
    shape = (g.shape[0], g.shape[1])
    bounds = starts.tolist()
    return [Object(rows[a:b], cols[a:b], vals[a:b], shape, index=i)
            for i, (a, b) in enumerate(zip(bounds[:-1], bounds[1:], strict=True))]


def components(
    g: np.ndarray,
    *,
    connectivity: int = 4,
    multicolor: bool = False,
    background: int | None = None,
    include_background: bool = False,
) -> list[Object]:
    """Connected components of non-background cells, in reading order of their first cell.

    multicolor=False: same-colour components; True: any non-background cells connected together form one object.
    background=None detects it with `background_color`; include_background also returns background components.
    """
    g = np.asarray(g)
    bg = background_color(g) if background is None else background
    mask = np.ones(g.shape, dtype=bool) if include_background else g != bg
    if multicolor:
        labels, n = label(mask, connectivity)
    else:
        labels, n = label_colors(g, connectivity, mask)
    return _objects_from_labels(g, labels, n)


def color_groups(g: np.ndarray, background: int | None = None) -> list[Object]:
    """One object per non-background colour (all its cells, connected or not)."""
    g = np.asarray(g)
    bg = background_color(g) if background is None else background
    out = []
    for i, c in enumerate(int(v) for v in np.unique(g)):
        if c == bg:
            continue
        r, cc = np.nonzero(g == c)
        out.append(Object(r, cc, np.asarray(g, dtype=np.int8)[r, cc], (g.shape[0], g.shape[1]), index=i))
    return out


# named extraction variants (used by searches and specialists)
EXTRACTORS: dict[str, Callable[[np.ndarray], list[Object]]] = {
    "c4": lambda g: components(g, connectivity=4),
    "c8": lambda g: components(g, connectivity=8),
    "m4": lambda g: components(g, connectivity=4, multicolor=True),
    "m8": lambda g: components(g, connectivity=8, multicolor=True),
    "colors": color_groups,
}

EXTRACTOR_TEXT = {
    "c4": "single-colour 4-connected objects",
    "c8": "single-colour 8-connected objects",
    "m4": "multi-colour 4-connected objects",
    "m8": "multi-colour 8-connected objects",
    "colors": "colour groups",
}


def extract(g: np.ndarray, mode: str = "c4") -> list[Object]:
    """Objects of `g` by a named extraction variant (see EXTRACTORS)."""
    try:
        return EXTRACTORS[mode](np.asarray(g))
    except KeyError:
        raise ValueError(f"unknown extraction mode {mode!r}; known: {sorted(EXTRACTORS)}") from None


# ----------------------------------------------------------------------------------------------------------------
# properties and selectors


def _count_by(objs: Sequence[Object], key: Callable[[Object], object]) -> list[int]:
    keys = [key(o) for o in objs]
    counts: dict[object, int] = {}
    for k in keys:
        counts[k] = counts.get(k, 0) + 1
    return [counts[k] for k in keys]


# numeric object properties; higher is "more"
PROPERTIES: dict[str, Callable[[Object], float]] = {
    "size": lambda o: o.size,
    "area": lambda o: o.area,
    "height": lambda o: o.height,
    "width": lambda o: o.width,
    "n_colors": lambda o: o.n_colors,
    "holes": lambda o: o.holes,
    "hole_cells": lambda o: o.hole_cells,
    "top": lambda o: o.top,
    "left": lambda o: o.left,
    "bottom": lambda o: o.bbox[2],
    "right": lambda o: o.bbox[3],
    "density": lambda o: o.size / o.area,
}

# boolean object properties
PREDICATES: dict[str, Callable[[Object], bool]] = {
    "has_holes": lambda o: o.holes > 0,
    "is_rectangle": lambda o: o.is_rectangle,
    "touches_border": lambda o: o.touches_border,
    "symmetric": lambda o: o.is_symmetric,
    "symmetric_lr": lambda o: o.symmetric_lr,
    "symmetric_ud": lambda o: o.symmetric_ud,
    "multicolor": lambda o: o.n_colors > 1,
}


def group_properties(objs: Sequence[Object]) -> dict[str, list[float]]:
    """Properties that depend on the other objects: how many objects share the colour / shape / patch."""
    return {
        "color_count": _count_by(objs, lambda o: o.colors),
        "shape_count": _count_by(objs, lambda o: o.shape_key),
        "patch_count": _count_by(objs, lambda o: o.patch_key),
    }


def property_vector(objs: Sequence[Object], name: str) -> list[float]:
    """Values of a named property (PROPERTIES, PREDICATES or group property) for each object."""
    if name in PROPERTIES:
        return [float(PROPERTIES[name](o)) for o in objs]
    if name in PREDICATES:
        return [float(PREDICATES[name](o)) for o in objs]
    group = {"color_count": lambda o: o.colors, "shape_count": lambda o: o.shape_key, "patch_count": lambda o: o.patch_key}
    if name in group:
        return [float(v) for v in _count_by(objs, group[name])]
    raise ValueError(f"unknown object property {name!r}")


ALL_PROPERTIES: tuple[str, ...] = tuple(PROPERTIES) + tuple(PREDICATES) + ("color_count", "shape_count", "patch_count")


def select(objs: Sequence[Object], prop: str, largest: bool = True) -> Object | None:
    """The unique object with the largest (or smallest) value of `prop`; None when empty or tied."""
    if not objs:
        return None
    vals = property_vector(objs, prop)
    best = max(vals) if largest else min(vals)
    hits = [o for o, v in zip(objs, vals, strict=True) if v == best]
    return hits[0] if len(hits) == 1 else None


def largest(objs: Sequence[Object]) -> Object | None:
    return select(objs, "size", True)


def smallest(objs: Sequence[Object]) -> Object | None:
    return select(objs, "size", False)


def unique_color(objs: Sequence[Object]) -> Object | None:
    """The single object whose colour no other object has."""
    return select(objs, "color_count", largest=False) if objs else None


def unique_shape(objs: Sequence[Object]) -> Object | None:
    return select(objs, "shape_count", largest=False) if objs else None


def most_common_color(g: np.ndarray, exclude: Sequence[int] = ()) -> int | None:
    counts = np.bincount(np.asarray(g, dtype=np.int64).ravel(), minlength=10)
    for c in exclude:
        counts[c] = -1
    return int(np.argmax(counts)) if counts.max() > 0 else None


def least_common_color(g: np.ndarray, exclude: Sequence[int] = ()) -> int | None:
    counts = np.bincount(np.asarray(g, dtype=np.int64).ravel(), minlength=10).astype(np.int64)
    counts[counts == 0] = 10**9
    for c in exclude:
        counts[c] = 10**9
    return int(np.argmin(counts)) if counts.min() < 10**9 else None


# ----------------------------------------------------------------------------------------------------------------
# crop / paint


def crop(g: np.ndarray, bbox: tuple[int, int, int, int]) -> np.ndarray:
    t, lf, b, r = bbox
    return np.array(g[t:b, lf:r], dtype=np.int8)


def crop_object(g: np.ndarray, obj: Object) -> np.ndarray:
    """The grid region under the object's bounding box (other objects' cells included)."""
    return crop(g, obj.bbox)


def paint(g: np.ndarray, obj: Object, color: int | None = None, offset: tuple[int, int] = (0, 0)) -> np.ndarray:
    """A copy of `g` with the object's cells painted (its own colours, or `color`); cells off the grid are dropped."""
    out = np.array(g, dtype=np.int8)
    r = obj.rows + offset[0]
    c = obj.cols + offset[1]
    ok = (r >= 0) & (r < out.shape[0]) & (c >= 0) & (c < out.shape[1])
    out[r[ok], c[ok]] = obj.values[ok] if color is None else color
    return out


def erase(g: np.ndarray, obj: Object, background: int = 0) -> np.ndarray:
    return paint(g, obj, background)


def bbox_of_mask(mask: np.ndarray) -> tuple[int, int, int, int] | None:
    """Bounding box of the True cells, None when there are none."""
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(mask.any(axis=0))
    return int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1


def crop_nonbackground(g: np.ndarray, background: int | None = None) -> np.ndarray | None:
    """Crop to the bounding box of all non-background cells."""
    bg = background_color(g) if background is None else background
    bb = bbox_of_mask(np.asarray(g) != bg)
    return None if bb is None else crop(g, bb)
