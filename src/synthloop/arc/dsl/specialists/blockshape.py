"""Shrink the blocky shape: one colour (only one) draws a shape made of k x k blocks (amid noise of other colours); the output
is that shape shrunk back by k, its cells painted in the shape's own colour, in the other (noise) colour, or in
the colours of a small key picture of the shrunk size (the shape masks the key). Learned: which paint.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate


def block_factor(mask: np.ndarray) -> int | None:
    """The largest k >= 2 such that `mask` is made of whole k x k blocks (each all True or all False)."""
    h, w = mask.shape
    for k in range(min(h, w), 1, -1):
        if h % k or w % k:
            continue
        blocks = mask.reshape(h // k, k, w // k, k)
        if (blocks.all(axis=(1, 3)) == blocks.any(axis=(1, 3))).all():
            return k
    return None


def _blocky(g: np.ndarray, colour: int) -> np.ndarray | None:
    """The colour's shape (over its bounding box) shrunk by its block size; None when it is not made of blocks."""
    box = O.bbox_of_mask(g == colour)
    if box is None:
        return None
    t, lf, b, r = box
    mask = g[t:b, lf:r] == colour
    k = block_factor(mask)
    return None if k is None else mask[::k, ::k]


def shrink_shape(g: np.ndarray, paint: str) -> np.ndarray | None:
    """The one colour whose shape is made of k x k blocks, shrunk by k; painted in its own colour (`paint` "own"),
    in the one other non-background colour ("other"), or masking the one many-coloured small picture ("key")."""
    g = np.asarray(g)
    bg = O.background_color(g)
    pic = None
    if paint == "key":  # set the picture aside before looking for the blocky shape
        pics = [o for o in O.components(g, connectivity=8, multicolor=True, background=bg) if o.n_colors > 1]
        if len(pics) != 1:
            return None
        pic = pics[0]
        g = g.copy()
        g[pic.rows, pic.cols] = bg
    colours = [int(c) for c in np.unique(g) if int(c) != bg]
    found = [(c, s) for c in colours if (s := _blocky(g, c)) is not None]
    if len(found) != 1:
        return None
    big, small = found[0]
    if pic is not None:
        if (pic.height, pic.width) != small.shape:
            return None
        return np.where(small, pic.patch_filled(bg), bg).astype(np.int8)
    if paint == "own":
        colour = big
    else:
        others = set(colours) - {big}
        if len(others) != 1:
            return None
        colour = others.pop()
    return np.where(small, colour, bg).astype(np.int8)


def shrink_block_shape(task: ArcTask, deadline: float) -> list[Candidate]:
    """Output = the big blocky shape shrunk back to one cell per block."""
    if not task.train or any(o.size * 4 > i.size for i, o in task.train):
        return []

    def hypotheses():
        for paint, text in (("own", "its own colour"), ("other", "the other colour"),
                            ("key", "the colours of the small key picture of the same size")):
            check_deadline(deadline)
            yield Hypothesis(lambda g, paint=paint: shrink_shape(g, paint), size=3,
                             program=f"shrink_block_shape(paint={paint!r})",
                             description="shrink the shape drawn in k x k blocks (the one colour that draws one) to "
                                         f"one cell per block, painted in {text}")

    return first_solution(task, "block_shape", hypotheses())
