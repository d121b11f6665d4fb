"""Seed repeat: each seed cell (a non-background cell of a sparse input) starts a motif that repeats by a fixed
translation until it leaves the grid ("each seed starts a zigzag that repeats to the border"), optionally also
backwards with its own motif.

Learned from the demos: the translation (a painted cell near the first seed whose double step is painted too or
off the grid), the motif (the cells of one step's box, optionally widened, by colour role: the seed's colour or a
fixed colour) and whether it repeats one way or both ways.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution, paints_background_only
from synthloop.arc.grid import ArcTask, Candidate

MAX_SEEDS = 8
SEED = -1  # motif role: the seed's own colour
Offset = tuple[int, int]
Motif = dict[Offset, int]


def _seeds(g: np.ndarray, bg: int) -> list[tuple[int, int, int]]:
    rs, cs = np.nonzero(g != bg)
    return [(int(r), int(c), int(g[r, c])) for r, c in zip(rs, cs, strict=True)]


def _window(v: Offset, margin: int) -> list[Offset]:
    """Offsets of the box spanned by 0 and v, widened by `margin` (perpendicular only when margin is 30)."""
    mr = mc = margin
    if margin >= 30:
        mr, mc = (0, 30) if v[1] == 0 else (30, 0)
    return [(dr, dc) for dr in range(min(0, v[0]) - mr, max(0, v[0]) + mr + 1)
            for dc in range(min(0, v[1]) - mc, max(0, v[1]) + mc + 1) if (dr, dc) != (0, 0)]


def _learn(pairs: list[tuple[np.ndarray, np.ndarray]], window: list[Offset]) -> Motif | None:
    """Role of each window offset, consistent over every seed of every demo (blank offsets left out)."""
    seen: dict[Offset, int | None] = {}
    for i, o in pairs:
        bg = O.background_color(i)
        h, w = i.shape
        for r, c, col in _seeds(i, bg):
            for dr, dc in window:
                rr, cc = r + dr, c + dc
                if not (0 <= rr < h and 0 <= cc < w) or i[rr, cc] != bg:
                    continue
                v = int(o[rr, cc])
                role = None if v == bg else (SEED if v == col else v)
                if seen.setdefault((dr, dc), role) != role:
                    return None
    return {k: v for k, v in seen.items() if v is not None}


def _render(g: np.ndarray, motifs: list[tuple[Offset, Motif]]) -> np.ndarray | None:
    g = np.asarray(g)
    bg = O.background_color(g)
    seeds = _seeds(g, bg)
    if not 1 <= len(seeds) <= MAX_SEEDS:
        return None
    h, w = g.shape
    out = g.copy()
    for r, c, col in seeds:
        for (vr, vc), motif in motifs:
            for k in range(31):
                ar, ac = r + k * vr, c + k * vc
                if not (-30 < ar < h + 30 and -30 < ac < w + 30):
                    break
                for (dr, dc), role in motif.items():
                    rr, cc = ar + dr, ac + dc
                    if 0 <= rr < h and 0 <= cc < w and out[rr, cc] == bg:
                        out[rr, cc] = col if role == SEED else role
    return out


def _vectors(i: np.ndarray, o: np.ndarray) -> list[Offset]:
    """Steps from the first seed to a painted cell within 5 whose double step is painted or off the grid."""
    bg = O.background_color(i)
    r, c, _ = _seeds(i, bg)[0]
    h, w = i.shape
    painted = i != o
    out = []
    for dr in range(-5, 6):
        for dc in range(-5, 6):
            if (dr, dc) == (0, 0) or not (0 <= r + dr < h and 0 <= c + dc < w) or not painted[r + dr, c + dc]:
                continue
            r2, c2 = r + 2 * dr, c + 2 * dc
            if not (0 <= r2 < h and 0 <= c2 < w) or o[r2, c2] == o[r + dr, c + dc]:
                out.append((dr, dc))
    return sorted(out, key=lambda v: (max(abs(v[0]), abs(v[1])), abs(v[0]) + abs(v[1]), v))


def seed_repeat(task: ArcTask, deadline: float) -> list[Candidate]:
    """Repeat each seed's learned motif by a learned translation to the border."""
    if not paints_background_only(task):
        return []
    pairs = [(np.asarray(i), np.asarray(o)) for i, o in task.train]
    if any(not 1 <= len(_seeds(i, O.background_color(i))) <= MAX_SEEDS for i, _ in pairs):
        return []

    def hypotheses():
        for v in _vectors(*pairs[0]):
            back = (-v[0], -v[1])
            for margin in (0, 1, 30):
                if margin == 30 and 0 not in v:
                    continue
                check_deadline(deadline)
                fwd = _learn(pairs, _window(v, margin))
                if not fwd:
                    continue
                bwd = _learn(pairs, _window(back, margin))
                for motifs in ([(v, fwd)], [(v, fwd), (back, bwd)] if bwd else None):
                    if motifs is None:
                        continue
                    yield Hypothesis(lambda g, m=motifs: _render(g, m), size=4,
                                     program=f"seed_repeat(step={v}, margin={margin}, both={len(motifs) == 2})",
                                     description=f"each seed cell starts a motif that repeats every {v} "
                                                 f"{'both ways ' if len(motifs) == 2 else ''}to the border")

    return first_solution(task, "seed_repeat", hypotheses())
