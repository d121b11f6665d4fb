"""Mark the shapes that match the key: a key shape sits inside the box of a structure of the paint colour (a corner
box, a bracket); every other object with the same shape (any colour, same orientation) is repainted in that
colour. Learned: the paint colour (the one colour the changed cells take).
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate, solves_all
from synthloop.arc.dsl.specialists.learn import single_changed_colour
from synthloop.arc.grid import ArcTask, Candidate

_MAX_OBJECTS = 30


def _inside(o: O.Object, box: tuple[int, int, int, int]) -> bool:
    t, lf, b, r = box
    return o.top >= t and o.left >= lf and o.top + o.height <= b and o.left + o.width <= r


def paint_matches(g: np.ndarray, paint: int) -> np.ndarray | None:
    """Repaint with `paint` every object whose shape equals that of a key object (one lying inside the box of a
    paint-colour structure: a corner box, a bracket)."""
    g = np.asarray(g)
    objs = O.extract(g, "c8")
    boxes = [o.bbox for o in objs if o.color == paint and o.size > 1]
    others = [o for o in objs if o.color != paint]
    if not boxes or not others or len(objs) > _MAX_OBJECTS:
        return None
    keyed = [any(_inside(o, b) for b in boxes) for o in others]
    keys = {o.shape_key for o, k in zip(others, keyed, strict=True) if k}
    if not keys:
        return None
    out = g.copy()
    hit = False
    for o, k in zip(others, keyed, strict=True):
        if not k and o.shape_key in keys:
            out[o.rows, o.cols] = paint
            hit = True
    return out if hit else None


def match_key_shapes(task: ArcTask, deadline: float) -> list[Candidate]:
    """Repaint the objects shaped like the key next to the paint-colour structure."""
    paint = single_changed_colour(task, "output")
    if paint is None:
        return []

    def fn(g: np.ndarray) -> np.ndarray | None:
        return paint_matches(g, paint)

    if not solves_all(task, fn):
        return []
    c = make_candidate(task, fn, family="match_key", size=3, program=f"paint_shapes_matching_key(paint={paint})",
                       description=f"paint colour {paint} every object shaped like the key object that sits inside the "
                                   f"colour-{paint} box")
    return [] if c is None else [c]
