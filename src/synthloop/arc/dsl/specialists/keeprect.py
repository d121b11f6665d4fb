"""Keep the solid rectangle: amid noise, the largest rectangle filled with one colour is the signal; the output
keeps only it, in place (everything else background) or cut out. Learned: in place or cut out.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.emptyboxes import largest_rectangle
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate


def solid_rectangle(g: np.ndarray) -> tuple[int, tuple[int, int, int, int]] | None:
    """(colour, box) of the largest one-colour filled rectangle (both sides >= 2) over all non-background colours;
    None when there is none or two tie."""
    g = np.asarray(g)
    bg = O.background_color(g)
    best: list[tuple[int, int, tuple[int, int, int, int]]] = []
    for c in np.unique(g).tolist():
        if c == bg:
            continue
        box = largest_rectangle(g == c)
        if box is not None:
            best.append(((box[2] - box[0]) * (box[3] - box[1]), int(c), box))
    if not best:
        return None
    best.sort(reverse=True)
    if len(best) > 1 and best[0][0] == best[1][0]:
        return None
    return best[0][1], best[0][2]


def keep_rectangle(g: np.ndarray, crop: bool) -> np.ndarray | None:
    """Only the largest solid rectangle, in place or cut out."""
    g = np.asarray(g)
    found = solid_rectangle(g)
    if found is None:
        return None
    colour, (t, lf, b, r) = found
    if crop:
        return np.full((b - t, r - lf), colour, dtype=np.int8)
    out = np.full(g.shape, O.background_color(g), dtype=np.int8)
    out[t:b, lf:r] = colour
    return out


def keep_solid_rectangle(task: ArcTask, deadline: float) -> list[Candidate]:
    """Output = the largest one-colour filled rectangle alone (in place or cropped)."""
    if not task.train:
        return []
    crop = task.train[0][1].shape != task.train[0][0].shape
    where = "cut out" if crop else "in place, everything else cleared to background"
    return first_solution(task, "keep_rectangle", [
        Hypothesis(lambda g: keep_rectangle(g, crop), size=3, program=f"keep_solid_rectangle(crop={crop})",
                   description=f"keep only the largest rectangle filled with one colour, {where}")])
