"""Output = one selected object (or region) cut out of the input.

Learned parameters: the object extraction (colour/connectivity variant), the crop mode (grid under the bounding box,
or the object alone on the background) and the selector (the unique max / min of a property, or the unique object
with / without a predicate), all checked on every train pair.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import Timeout, check_deadline, make_candidate
from synthloop.arc.grid import ArcTask, Candidate


def _interior(g: np.ndarray, o: O.Object) -> np.ndarray | None:
    t, lf, b, r = o.bbox
    return None if b - t < 3 or r - lf < 3 else O.crop(g, (t + 1, lf + 1, b - 1, r - 1))


_CROPS: dict[str, Callable[[np.ndarray, O.Object, int], np.ndarray | None]] = {
    "bbox": lambda g, o, bg: O.crop_object(g, o),
    "alone": lambda g, o, bg: o.patch_filled(bg),
    "interior": lambda g, o, bg: _interior(g, o),
}

_CROP_TEXT = {
    "bbox": "the grid under the bounding box of",
    "alone": "alone",
    "interior": "the inside (without its border) of the box of",
}

POST: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "": lambda x: x,
    "fliplr": lambda x: x[:, ::-1],
    "flipud": lambda x: x[::-1],
    "rot90": lambda x: np.rot90(x, 1),
    "rot180": lambda x: np.rot90(x, 2),
    "rot270": lambda x: np.rot90(x, 3),
    "transpose": lambda x: x.T,
    "tile1x2": lambda x: np.tile(x, (1, 2)),
    "tile2x1": lambda x: np.tile(x, (2, 1)),
    "tile2x2": lambda x: np.tile(x, (2, 2)),
    "mirror_lr": lambda x: np.hstack([x, x[:, ::-1]]),
    "mirror_ud": lambda x: np.vstack([x, x[::-1]]),
    "mirror4": lambda x: np.vstack([np.hstack([x, x[:, ::-1]]), np.hstack([x[::-1], x[::-1, ::-1]])]),
    "majority_recolour": lambda x: _majority_recolour(x),
}


def _majority_recolour(x: np.ndarray) -> np.ndarray:
    """Every non-background cell takes the most frequent non-background colour."""
    bg = O.background_color(x)
    c = O.most_common_color(x, exclude=[bg])
    return np.where(x != bg, c, x) if c is not None else x


def _selectors() -> list[tuple[str, str, Callable[[list[O.Object]], O.Object | None]]]:
    sels: list[tuple[str, str, Callable[[list[O.Object]], O.Object | None]]] = []
    for p in O.ALL_PROPERTIES:
        sels.append((f"max:{p}", f"the object with the largest {p}", lambda objs, p=p: O.select(objs, p, True)))
        sels.append((f"min:{p}", f"the object with the smallest {p}", lambda objs, p=p: O.select(objs, p, False)))
    for name, pred in O.PREDICATES.items():
        def only(objs, pred=pred, want=True):
            hits = [o for o in objs if bool(pred(o)) == want]
            return hits[0] if len(hits) == 1 else None
        sels.append((f"only:{name}", f"the only object that is {name}", only))
        sels.append((f"only_not:{name}", f"the only object that is not {name}",
                     lambda objs, pred=pred: only(objs, pred, False)))
    for c in range(10):
        def with_colour(objs, c=c):
            hits = [o for o in objs if c in o.colors]
            return hits[0] if len(hits) == 1 else None
        sels.append((f"only_with_colour:{c}", f"the only object containing colour {c}", with_colour))
    return sels


SELECTORS = _selectors()


def _unique_or_identical(sel: Callable[[list[O.Object]], O.Object | None], prop: str | None, largest: bool):
    """A selector that also accepts ties between objects that look identical (same patch)."""
    if prop is None:
        return sel

    def fn(objs: list[O.Object]) -> O.Object | None:
        if not objs:
            return None
        vals = O.property_vector(objs, prop)
        best = max(vals) if largest else min(vals)
        hits = [o for o, v in zip(objs, vals, strict=True) if v == best]
        return hits[0] if len({h.patch_key for h in hits}) == 1 else None

    return fn


def crop_selected(task: ArcTask, deadline: float) -> list[Candidate]:
    """Output = crop of the object chosen by a learned selector, optionally flipped / rotated / tiled."""
    if not task.train or all(i.shape == o.shape for i, o in task.train):
        return []
    if any(o.size > 4 * i.size for i, o in task.train):
        return []
    sels = []
    for sname, stext, sel in SELECTORS:
        prop = sname.split(":", 1)[1] if sname.startswith(("max:", "min:")) else None
        sels.append((sname, stext, _unique_or_identical(sel, prop, sname.startswith("max:"))))
    cands: list[Candidate] = []
    try:
        for mode in ("c4", "c8", "m4", "m8", "colors"):
            check_deadline(deadline)
            per_pair = []
            for i, o in task.train:
                bg = O.background_color(i)
                per_pair.append((i, o, bg, O.extract(i, mode)))
            for cname, crop in _CROPS.items():
                for pname, post in POST.items():
                    def cut(g, ob, bg, crop=crop, post=post):
                        x = crop(g, ob, bg)
                        return None if x is None else post(x)

                    if not all(any(_eq(cut(i, ob, bg), o) for ob in objs) for i, o, bg, objs in per_pair):
                        continue
                    for sname, stext, sel in sels:
                        if not all((ob := sel(objs)) is not None and _eq(cut(i, ob, bg), o)
                                   for i, o, bg, objs in per_pair):
                            continue

                        def fn(g, mode=mode, cut=cut, sel=sel):
                            ob = sel(O.extract(g, mode))
                            return None if ob is None else cut(g, ob, O.background_color(g))

                        post_txt = f" then {pname}" if pname else ""
                        c = make_candidate(
                            task, fn, family="crop", size=3 + bool(pname),
                            program=f"{pname or ''}(crop_{cname}(select({sname}, objects({mode}))))",
                            description=f"crop {_CROP_TEXT[cname]} {stext} among the {O.EXTRACTOR_TEXT[mode]}{post_txt}",
                        )
                        if c is not None:
                            cands.append(c)
                        if len(cands) >= 4:
                            return cands
    except Timeout:
        pass
    return cands


def _eq(a: np.ndarray | None, b: np.ndarray) -> bool:
    return a is not None and a.shape == b.shape and bool(np.array_equal(a, b))


def crop_content(task: ArcTask, deadline: float) -> list[Candidate]:
    """Output = the bounding box of all non-background cells, or of one learned colour."""
    if not task.train or all(i.shape == o.shape for i, o in task.train):
        return []
    fns: list[tuple[str, str, Callable]] = [
        ("crop_nonbackground(x)", "crop to the bounding box of everything that is not background",
         lambda g: O.crop_nonbackground(g)),
    ]
    for c in range(10):
        def by_colour(g, c=c):
            bb = O.bbox_of_mask(np.asarray(g) == c)
            return None if bb is None else O.crop(g, bb)

        def inside_colour(g, c=c):
            bb = O.bbox_of_mask(np.asarray(g) == c)
            if bb is None or bb[2] - bb[0] < 3 or bb[3] - bb[1] < 3:
                return None
            t, lf, b, r = bb
            return O.crop(g, (t + 1, lf + 1, b - 1, r - 1))

        fns.append((f"crop_colour_bbox(x, {c})", f"crop to the bounding box of colour {c}", by_colour))
        fns.append((f"crop_inside_colour_bbox(x, {c})", f"crop to the inside of the frame of colour {c}", inside_colour))
    shapes = {o.shape for _, o in task.train}
    if len(shapes) == 1:
        h, w = shapes.pop()
        for vert in ("top", "bottom"):
            for horiz in ("left", "right"):
                def window(g, vert=vert, horiz=horiz):
                    gh, gw = g.shape
                    if h > gh or w > gw:
                        return None
                    r0 = 0 if vert == "top" else gh - h
                    c0 = 0 if horiz == "left" else gw - w
                    return O.crop(g, (r0, c0, r0 + h, c0 + w))

                fns.append((f"crop_window(x, {vert}-{horiz}, {h}x{w})",
                            f"cut the {h}x{w} window at the {vert}-{horiz} corner", window))
    fns.append(("dedupe_lines(x)", "merge runs of identical rows and of identical columns", _dedupe))
    out = []
    for prog, desc, fn in fns:
        if time.monotonic() > deadline:
            break
        if all(_eq_safe(fn, i, o) for i, o in task.train):
            c = make_candidate(task, fn, family="crop", program=prog, description=desc, size=2)
            if c is not None:
                out.append(c)
    return out


def _eq_safe(fn, i, o) -> bool:
    try:
        p = fn(i)
    except (ValueError, IndexError):
        return False
    return p is not None and _eq(np.asarray(p), o)


def _dedupe(g: np.ndarray) -> np.ndarray:
    g = np.asarray(g)
    keep_r = [0] + [r for r in range(1, g.shape[0]) if not np.array_equal(g[r], g[r - 1])]
    g = g[keep_r]
    keep_c = [0] + [c for c in range(1, g.shape[1]) if not np.array_equal(g[:, c], g[:, c - 1])]
    return g[:, keep_c]
