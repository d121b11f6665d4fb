"""Zone rays: single-cell seeds shoot rays to the grid edge, and each ray cell takes the colour of the seed that sits
in the zone (background region colour) the cell lies in.

A seed is a cell with no 8-neighbour of its own colour, lying inside a zone (the most common colour around it). The
seeds define a zone -> colour map (a zone's seeds all share one colour); a ray crossing a zone without a seed makes
the rule unfit. Learned: the ray directions (diagonals, orthogonals or both).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import numpy as np

from synthloop.arc.dsl.specialists.common import check_deadline, same_shapes
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate

_DIRS = {
    "diagonal": ((-1, -1), (-1, 1), (1, -1), (1, 1)),
    "orthogonal": ((-1, 0), (1, 0), (0, -1), (0, 1)),
    "all": ((-1, -1), (-1, 1), (1, -1), (1, 1), (-1, 0), (1, 0), (0, -1), (0, 1)),
}
_MAX_SEEDS = 12


def _seeds(g: np.ndarray) -> list[tuple[int, int, int, int]] | None:
    """(row, col, colour, zone) of every isolated cell; None when there are too many."""
    h, w = g.shape
    seeds = []
    for y in range(h):
        for x in range(w):
            v = int(g[y, x])
            nb = [int(g[yy, xx]) for yy in range(max(0, y - 1), min(h, y + 2))
                  for xx in range(max(0, x - 1), min(w, x + 2)) if (yy, xx) != (y, x)]
            if v in nb:
                continue
            zone, count = Counter(nb).most_common(1)[0]
            if 2 * count <= len(nb):
                continue
            seeds.append((y, x, v, zone))
            if len(seeds) > _MAX_SEEDS:
                return None
    return seeds


def zone_rays(g: np.ndarray, dirs: str) -> np.ndarray | None:
    """`g` with rays from every seed, each ray cell recoloured by its zone's seed colour; None when unfit."""
    g = np.asarray(g)
    seeds = _seeds(g)
    if not seeds:
        return None
    table: dict[int, int] = {}
    for _, _, v, zone in seeds:
        if table.setdefault(zone, v) != v:
            return None
    colours = {v for _, _, v, _ in seeds}
    if colours & set(table):
        return None
    h, w = g.shape
    out = g.copy()
    for y, x, _, _ in seeds:
        for dy, dx in _DIRS[dirs]:
            yy, xx = y + dy, x + dx
            while 0 <= yy < h and 0 <= xx < w:
                v = int(g[yy, xx])
                if v in table:
                    out[yy, xx] = table[v]
                elif v not in colours:
                    return None
                yy, xx = yy + dy, xx + dx
    return out


def _hypotheses(deadline: float) -> Iterator[Hypothesis]:
    for dirs in _DIRS:
        check_deadline(deadline)
        yield Hypothesis(
            fn=lambda g, d=dirs: zone_rays(g, d),
            program=f"zone_rays(dirs={dirs!r})",
            description=f"every single-cell seed shoots {dirs} rays to the edge; each ray cell takes the colour of "
                        "the seed in its zone",
            size=3,
        )


def zone_rays_rule(task: ArcTask, deadline: float) -> list[Candidate]:
    """The zone-ray rule when it reproduces every demo."""
    if not task.train or not same_shapes(task):
        return []
    for i, o in task.train:
        if np.array_equal(i, o) or max(i.shape) < 5:
            return []
    return first_solution(task, "zone_rays", _hypotheses(deadline))
