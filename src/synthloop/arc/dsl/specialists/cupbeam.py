"""Cup beams: a hollow one-colour box with a gap in one side (a cup) fills with a light colour that shines out of
the gap: a straight beam as wide as the gap to the grid edge and (learned) two diagonal rays spreading from the
gap's ends."""

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

# side name: (outward step, step along the side)
_SIDES = {"top": ((-1, 0), (0, 1)), "bottom": ((1, 0), (0, 1)), "left": ((0, -1), (1, 0)), "right": ((0, 1), (1, 0))}


def _cups(g: np.ndarray, bg: int) -> list[tuple[tuple[int, int, int, int], str, list[tuple[int, int]]]]:
    """Every cup: (bbox top, left, bottom, right), the open side, and the gap cells in order along that side."""
    cups = []
    for obj in O.components(g, connectivity=8, background=bg):
        h, w = obj.height, obj.width
        if h < 3 or w < 3:
            continue
        t, lft = obj.top, obj.left
        b, rgt = t + h - 1, lft + w - 1
        box = g[t:b + 1, lft:rgt + 1]
        if (box[1:-1, 1:-1] != bg).any():
            continue
        ring = np.ones((h, w), dtype=bool)
        ring[1:-1, 1:-1] = False
        own = np.zeros((h, w), dtype=bool)
        own[obj.rows - t, obj.cols - lft] = True
        gaps = np.argwhere(ring & ~own)
        if len(gaps) == 0 or (ring & own & (box != obj.color)).any():
            continue
        side = None
        gr, gc = gaps[:, 0], gaps[:, 1]
        if (gr == 0).all() and gc.min() > 0 and gc.max() < w - 1:
            side = "top"
        elif (gr == h - 1).all() and gc.min() > 0 and gc.max() < w - 1:
            side = "bottom"
        elif (gc == 0).all() and gr.min() > 0 and gr.max() < h - 1:
            side = "left"
        elif (gc == w - 1).all() and gr.min() > 0 and gr.max() < h - 1:
            side = "right"
        if side is None or (box[gr, gc] != bg).any():
            return []
        along = gc if side in ("top", "bottom") else gr
        if along.max() - along.min() + 1 != len(gaps):
            return []
        cells = sorted((int(r) + t, int(c) + lft) for r, c in gaps)
        cups.append(((t, lft, b, rgt), side, cells))
    return cups


def _ray(out: np.ndarray, g: np.ndarray, bg: int, start: tuple[int, int], step: tuple[int, int], colour: int) -> None:
    H, W = g.shape
    r, c = start
    while 0 <= r < H and 0 <= c < W and g[r, c] == bg:
        out[r, c] = colour
        r, c = r + step[0], c + step[1]


def cup_beams(g: np.ndarray, light: int, beam: bool, spread: bool) -> np.ndarray | None:
    """`g` with every cup's inside and gap painted `light`, a straight `beam` out of the gap and (`spread`) two
    diagonal rays from just beyond the gap's ends; None when there is no cup."""
    g = np.asarray(g)
    bg = O.background_color(g)
    cups = _cups(g, bg)
    if not cups:
        return None
    out = g.copy()
    for (t, lft, b, rgt), side, cells in cups:
        out[t + 1:b, lft + 1:rgt] = light
        (dr, dc), (ar, ac) = _SIDES[side]
        for r, c in cells:
            out[r, c] = light
            if beam:
                _ray(out, g, bg, (r + dr, c + dc), (dr, dc), light)
        if spread:
            (r0, c0), (r1, c1) = cells[0], cells[-1]
            _ray(out, g, bg, (r0 + dr - ar, c0 + dc - ac), (dr - ar, dc - ac), light)
            _ray(out, g, bg, (r1 + dr + ar, c1 + dc + ac), (dr + ar, dc + ac), light)
    return out


def cup_light(task: ArcTask, deadline: float) -> list[Candidate]:
    """Cup beams in the one colour every output adds, under the first beam/spread setting that fits every demo."""
    if not task.train or not same_shapes(task):
        return []
    new = added_colours(task)
    if not new or len(new) != 1:
        return []
    light = new.pop()
    i0 = np.asarray(task.train[0][0])
    if not _cups(i0, O.background_color(i0)):
        return []
    for beam, spread in product((True, False), repeat=2):
        check_deadline(deadline)
        fn = partial(cup_beams, light=light, beam=beam, spread=spread)
        if not solves_all(task, fn):
            continue
        desc = (f"fill each open box with colour {light}" + (", shine a beam out of its gap" if beam else "")
                + (" with two diagonal rays from the gap's ends" if spread else ""))
        c = make_candidate(task, fn, family="cup_beams", description=desc,
                           program=f"cup_beams(light={light}, beam={beam}, spread={spread})")
        return [c] if c is not None else []
    return []
