"""Template completion: some objects are complete templates (the ones with the most colours), the others are
fragments of a template copy (its centre, its rim, one arm ...). Each fragment is completed with the one template
placement (shifted, and, when learned, turned or mirrored) whose cells cover the fragment exactly in the same
colours and clash with nothing else. Learned: whether turns / mirrors are allowed and the object extraction.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, same_shapes
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution, paints_background_only
from synthloop.arc.grid import ArcTask, Candidate

_MAX_OBJECTS = 30
_MAX_TEMPLATE_CELLS = 60

_TURNS = (
    lambda p: p, lambda p: np.rot90(p, 1), lambda p: np.rot90(p, 2), lambda p: np.rot90(p, 3),
    lambda p: p[:, ::-1], lambda p: p[::-1], lambda p: p.T, lambda p: np.rot90(p, 2).T,
)

Cells = frozenset[tuple[int, int, int]]


def _cells(patch: np.ndarray) -> list[tuple[int, int, int]]:
    rows, cols = np.nonzero(patch >= 0)
    return [(int(r), int(c), int(patch[r, c])) for r, c in zip(rows, cols, strict=True)]


def placements(g: np.ndarray, bg: int, frag: O.Object, templates: list[np.ndarray],
               frag_id: np.ndarray) -> set[Cells]:
    """The cells to paint (r, c, colour) of the template placements over the fragment that cover the most fragment
    cells: a placement must match every non-background cell under it in colour, stay inside the grid and cover
    each fragment it touches (`frag_id`: fragment number per cell, 0 elsewhere) completely."""
    H, W = g.shape
    fr = [(int(r), int(c), int(v)) for r, c, v in zip(frag.rows, frag.cols, frag.values, strict=True)]
    sizes = np.bincount(frag_id.ravel())
    r0, c0, v0 = fr[0]
    best, found = 0, set()
    for patch in templates:
        cells = _cells(patch)
        if len(cells) <= len(fr):
            continue
        lookup = {(r, c): v for r, c, v in cells}
        for ar, ac, av in cells:
            if av != v0:
                continue
            dr, dc = r0 - ar, c0 - ac
            if any(lookup.get((r - dr, c - dc)) != v for r, c, v in fr):
                continue
            paint, touched = [], {}
            ok = True
            for r, c, v in cells:
                rr, cc = r + dr, c + dc
                if not (0 <= rr < H and 0 <= cc < W):
                    ok = False
                    break
                if g[rr, cc] == bg:
                    paint.append((rr, cc, v))
                elif g[rr, cc] != v or frag_id[rr, cc] == 0:
                    ok = False
                    break
                else:
                    k = int(frag_id[rr, cc])
                    touched[k] = touched.get(k, 0) + 1
            if not ok or not paint or any(n != sizes[k] for k, n in touched.items()):
                continue
            score = sum(touched.values())
            if score > best:
                best, found = score, {frozenset(paint)}
            elif score == best:
                found.add(frozenset(paint))
    return found


def complete_fragments(g: np.ndarray, mode: str, turns: bool) -> np.ndarray | None:
    """Each fragment object completed by its unique best template placement; None when one has none or several."""
    g = np.asarray(g)
    bg = O.background_color(g)
    objs = O.extract(g, mode)
    if len(objs) < 2 or len(objs) > _MAX_OBJECTS:
        return None
    most = max(o.n_colors for o in objs)
    if most < 2:
        return None
    temps = [o for o in objs if o.n_colors == most]
    frags = [o for o in objs if o.n_colors < most]
    if not frags or any(t.size > _MAX_TEMPLATE_CELLS for t in temps):
        return None
    frag_id = np.zeros(g.shape, dtype=np.int32)
    for k, f in enumerate(frags, start=1):
        frag_id[f.rows, f.cols] = k
    patches: list[np.ndarray] = []
    seen: set[bytes] = set()
    for t in temps:
        for op in (_TURNS if turns else _TURNS[:1]):
            p = np.ascontiguousarray(op(t.patch))
            k = bytes(p.shape) + p.tobytes()
            if k not in seen:
                seen.add(k)
                patches.append(p)
    out = g.copy()
    for f in frags:
        found = placements(g, bg, f, patches, frag_id)
        if len(found) != 1:
            return None
        for r, c, v in next(iter(found)):
            out[r, c] = v
    return out


def _hypotheses(deadline: float) -> Iterator[Hypothesis]:
    for mode in ("m8", "m4"):
        for turns in (False, True):
            check_deadline(deadline)
            how = ", turned or mirrored as needed" if turns else ""
            yield Hypothesis(lambda g, mode=mode, turns=turns: complete_fragments(g, mode, turns), size=4,
                             program=f"complete_from_template(objects={mode}, turns={turns})",
                             description="complete every fragment (an object with fewer colours) into a copy of the "
                                         f"template (the objects with the most colours) that matches it{how}")


def template_fill(task: ArcTask, deadline: float) -> list[Candidate]:
    """Complete fragments of templates into full copies."""
    if not task.train or not same_shapes(task) or not paints_background_only(task):
        return []
    return first_solution(task, "template_fill", _hypotheses(deadline))
