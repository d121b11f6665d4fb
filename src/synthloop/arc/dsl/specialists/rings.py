"""Concentric rings recoloured: a picture of nested rectangular rings (every ring, a frame one cell wide, in one
colour; the whole grid or each solid block on the background) keeps its shape while its colours are permuted:
the bands (runs of rings of one colour) take their colours in reverse order (outer <-> inner), or every colour
takes the next / previous colour of the outside-in colour sequence (a cyclic shift). Learned: which permutation
and whether the whole grid or each block is a ring picture.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import GridFn, check_deadline, same_shapes
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate


def _depth(h: int, w: int) -> np.ndarray:
    r = np.arange(h)[:, None]
    c = np.arange(w)[None, :]
    return np.minimum(np.minimum(r, h - 1 - r), np.minimum(c, w - 1 - c))


def ring_colours(p: np.ndarray) -> list[int] | None:
    """The colour of each ring, outside in, when every ring of `p` is one colour (at least two colours); else None."""
    d = _depth(*p.shape)
    out = []
    for k in range(int(d.max()) + 1):
        vals = p[d == k]
        if not (vals == vals[0]).all():
            return None
        out.append(int(vals[0]))
    return out if len(set(out)) >= 2 else None


def _reverse_bands(rings: list[int]) -> list[int]:
    bands: list[tuple[int, int]] = []  # (colour, number of rings)
    for c in rings:
        if bands and bands[-1][0] == c:
            bands[-1] = (c, bands[-1][1] + 1)
        else:
            bands.append((c, 1))
    colours = [c for c, _ in bands][::-1]
    return [colours[b] for b, (_, n) in enumerate(bands) for _ in range(n)]


def _shift(step: int) -> Callable[[list[int]], list[int]]:
    def f(rings: list[int]) -> list[int]:
        seq = list(dict.fromkeys(rings))
        nxt = {c: seq[(k + step) % len(seq)] for k, c in enumerate(seq)}
        return [nxt[c] for c in rings]

    return f


def _repaint(p: np.ndarray, perm: Callable[[list[int]], list[int]]) -> np.ndarray | None:
    rings = ring_colours(p)
    if rings is None:
        return None
    new = perm(rings)
    d = _depth(*p.shape)
    return np.asarray(new, dtype=p.dtype)[d]


def _whole(perm: Callable[[list[int]], list[int]]) -> GridFn:
    return lambda g: _repaint(np.asarray(g), perm)


def _blocks(g: np.ndarray) -> list[tuple[slice, slice]] | None:
    """Bounding boxes of the solid multi-colour blocks on the background; None when some object is not a solid
    rectangle of rings."""
    from scipy import ndimage  # a dependency (see objects); imported here to keep `import synthloop` light

    bg = O.background_color(g)
    lab, n = O.label(g != bg, 4)
    if n == 0:
        return None
    sizes = np.bincount(lab.ravel(), minlength=n + 1)[1:].tolist()
    boxes = [(slice(r.start, r.stop), slice(c.start, c.stop)) for r, c in ndimage.find_objects(lab, n)]
    # every block fills its bounding box (checked for all at once), and is a ring picture
    if any(k != (r.stop - r.start) * (c.stop - c.start) for k, (r, c) in zip(sizes, boxes, strict=True)):
        return None
    if any(ring_colours(g[s]) is None for s in boxes):
        return None
    return boxes


def _each_block(perm: Callable[[list[int]], list[int]]) -> GridFn:
    def fn(g: np.ndarray) -> np.ndarray | None:
        g = np.asarray(g)
        boxes = _blocks(g)
        if boxes is None:
            return None
        out = g.copy()
        for s in boxes:
            p = _repaint(g[s], perm)
            if p is None:
                return None
            out[s] = p
        return out

    return fn


_PERMS = (("reverse", "the bands take their colours in reverse order (outer <-> inner)", _reverse_bands),
          ("next_inward", "every colour becomes the next colour inwards (cyclically)", _shift(1)),
          ("next_outward", "every colour becomes the next colour outwards (cyclically)", _shift(-1)))


def _hypotheses(task: ArcTask, whole: bool, deadline: float) -> Iterator[Hypothesis]:
    for name, text, perm in _PERMS:
        check_deadline(deadline)
        if whole:
            yield Hypothesis(_whole(perm), size=3, program=f"rings(grid, {name})",
                             description=f"the grid is concentric rings; {text}")
        else:
            yield Hypothesis(_each_block(perm), size=4, program=f"rings(blocks, {name})",
                             description=f"every block on the background is concentric rings; {text}")


def recolour_rings(task: ArcTask, deadline: float) -> list[Candidate]:
    """Permute the ring colours of concentric-ring pictures (the whole grid, or each block)."""
    if not task.train or not same_shapes(task) or any(np.array_equal(i, o) for i, o in task.train):
        return []
    ins = [np.asarray(i) for i, _ in task.train]
    if all(ring_colours(g) is not None for g in ins):
        return first_solution(task, "rings", _hypotheses(task, True, deadline))
    if all(_blocks(g) is not None for g in ins):
        return first_solution(task, "rings", _hypotheses(task, False, deadline))
    return []
