"""Halo rays: every solid rectangle gets a halo (a frame around it, its thickness learned: one cell, half the
rectangle's long side or all of it; the long side survives clipping at the grid edge) in one new colour, and casts
a ray as wide as itself in a learned direction to the grid edge in another; objects lie above halos, halos above
rays."""

from __future__ import annotations

from functools import partial
from itertools import product

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import (
    added_colours,
    check_deadline,
    make_candidate,
    same_shapes,
    solves_all,
)
from synthloop.arc.grid import ArcTask, Candidate

_DIRS = {"down": (1, 0), "up": (-1, 0), "right": (0, 1), "left": (0, -1)}
_THICK = {"one": lambda s: 1, "half": lambda s: s // 2, "side": lambda s: s}


def halo_and_ray(g: np.ndarray, halo: int, ray: int, thick: str, direction: str) -> np.ndarray | None:
    """`g` with each solid rectangle's halo in colour `halo` (`thick` cells wide) and its ray in colour `ray` going
    `direction`; None unless every object is a solid rectangle and there are at most 12."""
    g = np.asarray(g)
    bg = O.background_color(g)
    objs = O.components(g, connectivity=4, background=bg)
    if not objs or len(objs) > 12 or any(not o.is_rectangle for o in objs):
        return None
    H, W = g.shape
    out = g.copy()
    rays = np.zeros((H, W), dtype=bool)
    halos = np.zeros((H, W), dtype=bool)
    dr, dc = _DIRS[direction]
    for o in objs:
        t, lft, b, rgt = o.top, o.left, o.top + o.height - 1, o.left + o.width - 1
        k = _THICK[thick](max(o.height, o.width))
        if k < 1:
            return None
        halos[max(t - k, 0):b + k + 1, max(lft - k, 0):rgt + k + 1] = True
        if dr > 0:
            rays[b + 1:, lft:rgt + 1] = True
        elif dr < 0:
            rays[:t, lft:rgt + 1] = True
        elif dc > 0:
            rays[t:b + 1, rgt + 1:] = True
        else:
            rays[t:b + 1, :lft] = True
    free = g == bg
    out[free & rays] = ray
    out[free & halos] = halo
    return out


def halo_rays(task: ArcTask, deadline: float) -> list[Candidate]:
    """Halo rays in the two colours every output adds, under the first assignment, thickness and direction that
    explains every demo."""
    if not task.train or not same_shapes(task):
        return []
    new = added_colours(task)
    if not new or len(new) != 2:
        return []
    a, b = sorted(new)
    for (halo, ray), thick, direction in product(((a, b), (b, a)), _THICK, _DIRS):
        check_deadline(deadline)
        fn = partial(halo_and_ray, halo=halo, ray=ray, thick=thick, direction=direction)
        if not solves_all(task, fn):
            continue
        c = make_candidate(task, fn, family="halo_rays",
                           program=f"halo_and_ray(halo={halo}, ray={ray}, thick={thick!r}, direction={direction!r})",
                           description=f"frame every block in colour {halo} ({thick} thick) over a colour-{ray} "
                                       f"ray it casts {direction}")
        return [c] if c is not None else []
    return []
