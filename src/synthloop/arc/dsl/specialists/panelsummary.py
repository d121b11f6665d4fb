"""Panel summary: full lines of one colour cut the grid into panels of any sizes (not necessarily equal); the output
has one cell per panel, the panel's most common colour (separator colour aside), then optionally turned or
mirrored. Learned: the orientation of the summary.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate

_ORIENT: dict[str, tuple[str, Callable[[np.ndarray], np.ndarray]]] = {
    "as is": ("", lambda x: x),
    "mirror_lr": (", mirrored left-right", lambda x: x[:, ::-1]),
    "mirror_ud": (", mirrored top-bottom", lambda x: x[::-1]),
    "rot180": (", turned half a turn", lambda x: x[::-1, ::-1]),
    "transpose": (", transposed", lambda x: x.T),
}


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) runs of False in `flags` (the stretches between separator lines)."""
    out, start = [], None
    for k, f in enumerate(flags.tolist() + [True]):
        if not f and start is None:
            start = k
        elif f and start is not None:
            out.append((start, k))
            start = None
    return out


def split_panels(g: np.ndarray, skip_background: bool = False) -> tuple[int, list[tuple[int, int]],
                                                                        list[tuple[int, int]]] | None:
    """(separator colour, row runs, column runs): the colour with the most full lines (a tie gives None; the
    background is no candidate with `skip_background`, as blank panels would pass for lines) and the stretches
    between its lines; None when it leaves fewer than two panels."""
    best: list[tuple[int, int]] = []
    bg = O.background_color(g) if skip_background else -1
    for c in np.unique(g).tolist():
        if c == bg:
            continue
        n = int((g == c).all(axis=1).sum() + (g == c).all(axis=0).sum())
        if n:
            best.append((n, int(c)))
    if not best:
        return None
    best.sort(reverse=True)
    if len(best) > 1 and best[0][0] == best[1][0]:
        return None
    sep = best[0][1]
    rows = _runs((g == sep).all(axis=1))
    cols = _runs((g == sep).all(axis=0))
    if len(rows) * len(cols) < 2 or len(rows) > 30 or len(cols) > 30:
        return None
    return sep, rows, cols


def summarise(g: np.ndarray) -> np.ndarray | None:
    """One cell per panel: its most common colour other than the separator colour (smallest on ties)."""
    g = np.asarray(g)
    split = split_panels(g)
    if split is None:
        return None
    sep, rows, cols = split
    out = np.zeros((len(rows), len(cols)), dtype=np.int8)
    for i, (r0, r1) in enumerate(rows):
        for j, (c0, c1) in enumerate(cols):
            counts = np.bincount(g[r0:r1, c0:c1].ravel().astype(np.int64), minlength=10)
            counts[sep] = 0
            if counts.sum() == 0:
                return None
            out[i, j] = int(np.argmax(counts))
    return out


def panel_summary(task: ArcTask, deadline: float) -> list[Candidate]:
    """Output = one cell per panel (panels between full separator lines), coloured by the panel's main colour."""
    if not task.train or any(o.size * 4 > i.size for i, o in task.train):
        return []

    def hypotheses():
        for name, (text, op) in _ORIENT.items():
            check_deadline(deadline)
            yield Hypothesis(lambda g, op=op: (lambda s: None if s is None else op(s))(summarise(g)), size=3,
                             program=f"panel_summary(orientation={name!r})",
                             description="one cell per panel between the full separator lines, coloured by the "
                                         f"panel's most common colour{text}")

    return first_solution(task, "panel_summary", hypotheses())
