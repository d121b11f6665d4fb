"""Per-cell feature maps of a grid (colour, neighbours, rays, enclosure, containing object), cached per grid.

Every feature is an (h, w) int array with small non-negative values; `OUT` (10) stands for "off the grid / none".
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from synthloop.arc.dsl import objects as O

OUT = 10
_DIRS = {"n": (-1, 0), "s": (1, 0), "w": (0, -1), "e": (0, 1), "nw": (-1, -1), "ne": (-1, 1), "sw": (1, -1), "se": (1, 1)}


def _shift(g: np.ndarray, dr: int, dc: int, fill: int = OUT) -> np.ndarray:
    """out[r, c] = g[r + dr, c + dc] (fill outside)."""
    h, w = g.shape
    out = np.full((h, w), fill, dtype=np.int64)
    r0, r1 = max(0, -dr), min(h, h - dr)
    c0, c1 = max(0, -dc), min(w, w - dc)
    if r0 < r1 and c0 < c1:
        out[r0:r1, c0:c1] = g[r0 + dr : r1 + dr, c0 + dc : c1 + dc]
    return out


def _ray(g: np.ndarray, bg: int, dr: int, dc: int) -> np.ndarray:
    """The first non-background colour met walking from each cell in direction (dr, dc), excluding the cell (`OUT`
    off the grid; a cell of colour `OUT` also ends the walk, with `OUT`).

    Straight walks take the nearest stopping row by a running min / max; diagonal ones go row by row from the far
    side (a cell's ray is its next cell's colour when that cell stops the walk, else the next cell's own ray)."""
    if dr == 0:  # along rows: the same walk on the transpose
        return np.ascontiguousarray(_ray(np.asarray(g).T, bg, dc, 0).T)
    h, w = g.shape
    if dc == 0:
        stops = (g != bg) | (g == OUT)
        rows = np.arange(h)[:, None]
        nxt = np.empty((h, w), dtype=np.intp)  # the row where each cell's walk stops (h: off the grid)
        if dr > 0:
            idx = np.where(stops, rows, h)
            nxt[-1] = h
            nxt[:-1] = np.minimum.accumulate(idx[::-1], axis=0)[::-1][1:]
        else:
            idx = np.where(stops, rows, h)
            idx[~stops] = -1
            nxt[0] = -1
            nxt[1:] = np.maximum.accumulate(idx, axis=0)[:-1]
            nxt[nxt < 0] = h
        ext = np.full((h + 1, w), OUT, dtype=np.int64)
        ext[:h] = g
        return ext[nxt, np.arange(w)[None, :]]
    padded = np.full((h, w + 2), OUT, dtype=np.int64)  # a column of OUT each side: the walk leaves the grid there
    padded[:, 1:-1] = g
    stops = (padded != bg) | (padded == OUT)
    out = np.full((h, w + 2), OUT, dtype=np.int64)
    lo, hi = 1 + dc, w + 1 + dc
    for r in (range(h - 2, -1, -1) if dr > 0 else range(1, h)):
        n = r + dr
        out[r, 1:-1] = np.where(stops[n, lo:hi], padded[n, lo:hi], out[n, lo:hi])
    return out[:, 1:-1].copy()


class FeatureMaps:
    """Lazily computed feature maps for one grid."""

    def __init__(self, g: np.ndarray) -> None:
        self.g = np.asarray(g, dtype=np.int64)
        self.bg = O.background_color(self.g)
        self._cache: dict[str, np.ndarray] = {}

    def __getitem__(self, name: str) -> np.ndarray:
        v = self._cache.get(name)
        if v is None:
            v = FEATURES[name](self)
            self._cache[name] = v
        return v

    def cached(self, key: str) -> np.ndarray | None:
        """A derived map stored under `key` (names starting with "_" are not features), or None."""
        return self._cache.get(key)

    def store(self, key: str, value: np.ndarray) -> np.ndarray:
        """Keep a derived map under `key` (see `cached`) and return it; it is shared, so callers must not write to it."""
        self._cache[key] = value
        return value

    # --- object features (single-colour 4-connected components; background cells get 0)
    def _objs(self, mode: str) -> tuple[np.ndarray, list[O.Object]]:
        key = "_objs_" + mode
        if key not in self._cache:
            objs = O.extract(self.g, mode)
            lab = np.full(self.g.shape, -1, dtype=np.int64)
            for k, o in enumerate(objs):
                lab[o.rows, o.cols] = k
            self._cache[key] = (lab, objs)  # type: ignore[assignment]
        return self._cache[key]  # type: ignore[return-value]

    def obj_feature(self, mode: str, fn: Callable[[list[O.Object]], list[int]]) -> np.ndarray:
        lab, objs = self._objs(mode)
        if len(objs) > 150:
            return np.zeros(self.g.shape, dtype=np.int64)  # noise-like grids: object features carry nothing
        vals = np.array([0] + [int(v) + 1 for v in fn(objs)], dtype=np.int64) if objs else np.zeros(1, np.int64)
        return vals[lab + 1]


def _rank(values: list[float], descending: bool = True) -> list[int]:
    uniq = sorted(set(values), reverse=descending)
    return [uniq.index(v) for v in values]


def _extreme(values: list[float]) -> list[int]:
    """2 = the unique maximum, 1 = the unique minimum, 0 otherwise."""
    if not values:
        return []
    hi, lo = max(values), min(values)
    nh, nl = values.count(hi), values.count(lo)
    return [2 if (v == hi and nh == 1) else 1 if (v == lo and nl == 1) else 0 for v in values]


def _neighbour_count(f: FeatureMaps, dirs: tuple[str, ...]) -> np.ndarray:
    g, bg = f.g, f.bg
    total = np.zeros(g.shape, dtype=np.int64)
    for d in dirs:
        s = _shift(g, *_DIRS[d])
        total += (s != bg) & (s != OUT)
    return total


def _between(f: FeatureMaps, a: str, b: str) -> np.ndarray:
    ra, rb = f["ray_" + a], f["ray_" + b]
    return np.where((ra == rb) & (ra != OUT), ra, OUT)


def _obj_prop(mode: str, prop: str) -> Callable[[FeatureMaps], np.ndarray]:
    def fn(f: FeatureMaps) -> np.ndarray:
        return f.obj_feature(mode, lambda objs: [min(int(v), 40) for v in O.property_vector(objs, prop)])

    return fn


def _obj_rank(mode: str, prop: str, descending: bool) -> Callable[[FeatureMaps], np.ndarray]:
    def fn(f: FeatureMaps) -> np.ndarray:
        return f.obj_feature(mode, lambda objs: [min(r, 9) for r in _rank(O.property_vector(objs, prop), descending)])

    return fn


def _obj_extreme(mode: str, prop: str) -> Callable[[FeatureMaps], np.ndarray]:
    def fn(f: FeatureMaps) -> np.ndarray:
        return f.obj_feature(mode, lambda objs: _extreme(O.property_vector(objs, prop)))

    return fn


def _row_col(f: FeatureMaps, axis: int, mod: int) -> np.ndarray:
    h, w = f.g.shape
    idx = np.arange(h if axis == 0 else w) % mod
    return np.broadcast_to(idx[:, None] if axis == 0 else idx[None, :], (h, w)).copy()


def _line_colour(f: FeatureMaps, axis: int) -> np.ndarray:
    """The single non-background colour present elsewhere in the cell's row (axis 0) or column (axis 1), else OUT."""
    g, bg = f.g, f.bg
    out = np.full(g.shape, OUT, dtype=np.int64)
    lines = g if axis == 0 else g.T
    for k, line in enumerate(lines):
        cols = set(int(v) for v in line) - {bg}
        if len(cols) == 1:
            if axis == 0:
                out[k, :] = cols.pop()
            else:
                out[:, k] = cols.pop()
    return out


def _in_bbox(f: FeatureMaps, mode: str) -> np.ndarray:
    """Colour of the object whose bounding box contains the (background) cell, OUT when none or several."""
    _, objs = f._objs(mode)
    out = np.full(f.g.shape, OUT, dtype=np.int64)
    cnt = np.zeros(f.g.shape, dtype=np.int64)
    for o in objs:
        t, lf, b, r = o.bbox
        out[t:b, lf:r] = o.color
        cnt[t:b, lf:r] += 1
    out[cnt != 1] = OUT
    return out


def _bg_region(f: FeatureMaps, mod: int) -> np.ndarray:
    """For enclosed background cells: (size of their 4-connected background region) mod `mod`, plus one; else 0."""
    enc = f["enclosed"].astype(bool)
    if not enc.any():
        return np.zeros(f.g.shape, dtype=np.int64)
    lab, n = O.label(enc, 4)
    sizes = np.bincount(lab.ravel(), minlength=n + 1)
    return np.where(lab > 0, sizes[lab] % mod + 1, 0)


def _center(f: FeatureMaps, axis: int) -> np.ndarray:
    """1 on the middle row (axis 0) / column (axis 1) of an odd-sized grid, else 0."""
    n = f.g.shape[axis]
    idx = np.indices(f.g.shape)[axis]
    return ((n % 2 == 1) & (idx == n // 2)).astype(np.int64)


FEATURES: dict[str, Callable[[FeatureMaps], np.ndarray]] = {
    "colour": lambda f: f.g,
    "is_bg": lambda f: (f.g == f.bg).astype(np.int64),
    "enclosed": lambda f: O.enclosed_mask(f.g, f.bg).astype(np.int64),
    "enclosed8": lambda f: O.enclosed_mask(f.g, f.bg, 8).astype(np.int64),
    "n4count": lambda f: _neighbour_count(f, ("n", "s", "e", "w")),
    "n8count": lambda f: _neighbour_count(f, tuple(_DIRS)),
    "row2": lambda f: _row_col(f, 0, 2),
    "col2": lambda f: _row_col(f, 1, 2),
    "row3": lambda f: _row_col(f, 0, 3),
    "col3": lambda f: _row_col(f, 1, 3),
    "row_colour": lambda f: _line_colour(f, 0),
    "col_colour": lambda f: _line_colour(f, 1),
    "between_h": lambda f: _between(f, "e", "w"),
    "between_v": lambda f: _between(f, "n", "s"),
    "between_d1": lambda f: _between(f, "nw", "se"),
    "between_d2": lambda f: _between(f, "ne", "sw"),
    "bbox_m8": lambda f: _in_bbox(f, "m8"),
    "bbox_colors": lambda f: _in_bbox(f, "colors"),
    "row_uniform": lambda f: np.broadcast_to((f.g == f.g[:, :1]).all(axis=1)[:, None], f.g.shape).astype(np.int64),
    "col_uniform": lambda f: np.broadcast_to((f.g == f.g[:1, :]).all(axis=0)[None, :], f.g.shape).astype(np.int64),
    "bg_region_size2": lambda f: _bg_region(f, 2),
    "center_row": lambda f: _center(f, 0),
    "center_col": lambda f: _center(f, 1),
    "bbox_c8": lambda f: _in_bbox(f, "c8"),
}
for _d, (_dr, _dc) in _DIRS.items():
    FEATURES["nb_" + _d] = lambda f, dr=_dr, dc=_dc: _shift(f.g, dr, dc)
    FEATURES["ray_" + _d] = lambda f, dr=_dr, dc=_dc: _ray(f.g, f.bg, dr, dc)
for _mode in ("c4", "c8", "m8"):
    for _p in ("size", "holes", "touches_border", "shape_count", "color_count", "is_rectangle", "symmetric", "n_colors"):
        FEATURES[f"{_mode}_{_p}"] = _obj_prop(_mode, _p)
    FEATURES[f"{_mode}_size_rank"] = _obj_rank(_mode, "size", True)
    FEATURES[f"{_mode}_size_rank_asc"] = _obj_rank(_mode, "size", False)
    FEATURES[f"{_mode}_size_ext"] = _obj_extreme(_mode, "size")
    FEATURES[f"{_mode}_height_ext"] = _obj_extreme(_mode, "height")
    FEATURES[f"{_mode}_width_ext"] = _obj_extreme(_mode, "width")
    FEATURES[f"{_mode}_obj_colour"] = lambda f, m=_mode: f.obj_feature(m, lambda objs: [o.color for o in objs])


def _obj_edge(f: FeatureMaps, mode: str) -> np.ndarray:
    """0 background, 1 an object cell with a 4-neighbour outside its object (or off-grid), 2 an interior cell."""
    lab, objs = f._objs(mode)
    if not objs:
        return np.zeros(f.g.shape, dtype=np.int64)
    edge = np.zeros(f.g.shape, dtype=bool)
    for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        edge |= _shift(lab, dr, dc, fill=-2) != lab
    return np.where(lab < 0, 0, np.where(edge, 1, 2))


def _obj_rel(f: FeatureMaps, mode: str, axis: int, mod: int) -> np.ndarray:
    """(cell index - its object's top / left) mod `mod`, plus one; 0 on the background."""
    lab, objs = f._objs(mode)
    if not objs:
        return np.zeros(f.g.shape, dtype=np.int64)
    start = np.array([0] + [o.bbox[axis] for o in objs], dtype=np.int64)[lab + 1]
    idx = np.indices(f.g.shape)[axis]
    return np.where(lab < 0, 0, (idx - start) % mod + 1)


for _mode in ("c4", "m8"):
    FEATURES[f"{_mode}_edge"] = lambda f, m=_mode: _obj_edge(f, m)
    FEATURES[f"{_mode}_rel_r2"] = lambda f, m=_mode: _obj_rel(f, m, 0, 2)
    FEATURES[f"{_mode}_rel_c2"] = lambda f, m=_mode: _obj_rel(f, m, 1, 2)



def _minor_colour(objs: list[O.Object]) -> list[int]:
    """Each object's least frequent colour (its majority colour when single-coloured)."""
    out = []
    for o in objs:
        cnt = np.bincount(o.values.astype(np.int64), minlength=10).astype(float)
        cnt[cnt == 0] = np.inf
        out.append(int(np.argmin(cnt)))
    return out


def _obj_colour_map(f: FeatureMaps, mode: str, fn: Callable[[list[O.Object]], list[int]]) -> np.ndarray:
    """A colour-valued object feature: the colour on object cells, OUT on the background."""
    v = f.obj_feature(mode, fn)
    return np.where(v == 0, OUT, v - 1)


FEATURES["m8_minor_colour"] = lambda f: _obj_colour_map(f, "m8", _minor_colour)
for _mode in ("c4", "c8", "m8"):
    FEATURES[f"{_mode}_obj_colour"] = lambda f, m=_mode: _obj_colour_map(f, m, lambda objs: [o.color for o in objs])
