"""Compose an answer from partial states (icecuber's greedy composition).

While the search runs, every state of the target shapes that is "right where it paints" is kept as a *part*: one
colour map (the same for all pairs) takes each of its non-background cells to the output's colour there, and the
output is not background there. When no single program explains the task, the parts are combined greedily: the
part that paints the most output cells not yet covered is laid down first, and so on (at most `MAX_PARTS` parts),
until the union of the parts paints exactly the output's non-background cells in every pair. On a test input each
part's program is run and the results are overlaid, the first-chosen part on top.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

MAX_PARTS = 4
MAX_KEPT = 3000  # parts kept per search (states come cheapest first, so these are the cheapest)


@dataclass(frozen=True)
class Part:
    """A partial state: its program (opaque to this module), cost, the cells it paints over all pairs (flat), and
    the colour map its painted cells take (state colour -> output colour, identities included)."""

    program: tuple
    cost: int
    mask: np.ndarray
    colours: tuple[tuple[int, int], ...]

    def paint(self, g: np.ndarray) -> np.ndarray | None:
        """g with its painted cells recoloured; a colour the map does not know keeps its value (NEW fails)."""
        lut = np.arange(16, dtype=np.int8)
        for a, b in self.colours:
            lut[a] = b
        out = lut[g.astype(np.intp)]
        return None if (out > 9).any() else out

    @property
    def recolours(self) -> dict[int, int]:
        return {a: b for a, b in self.colours if a != b}


class Composer:
    """Collects parts during a search and combines them (see the module docstring)."""

    def __init__(self, outputs: Sequence[np.ndarray]):
        self.outputs = [np.asarray(o, np.int8) for o in outputs]
        self.target = np.concatenate([(o != 0).ravel() for o in self.outputs])
        self.parts: list[Part] = []
        self._seen: set[bytes] = set()

    def offer(self, grids: Sequence[np.ndarray], program: tuple, cost: int, counts: np.ndarray | None = None) -> bool:
        """Keep the state as a part when one colour map makes it right where it paints; True when kept.

        `counts` (optional, the search's per-pair (grid colour, output colour) cell counts, shape (n_pairs, 16, 16))
        answers the rejections without looking at the grids again."""
        if len(self.parts) >= MAX_KEPT:
            return False
        if counts is not None:
            painted = counts[:, 1:, :].any(axis=0)  # the colour pairs of painted cells (grid colour 1..15)
            if painted[:, 0].any() or (painted.sum(axis=1) > 1).any() or not painted.any():
                return False  # paints a background cell, paints one colour two ways, or paints nothing
        table = np.zeros(256, dtype=bool)
        masks = []
        for g, o in zip(grids, self.outputs, strict=True):
            paint = g != 0
            if (paint & (o == 0)).any():  # paints a background cell: rejected below anyway, without the other pairs
                return False
            table[(g[paint].astype(np.intp) * 16 + o[paint])] = True
            masks.append(paint.ravel())
        t = table.reshape(16, 16)
        if t[:, 0].any() or (t.sum(axis=1) > 1).any():  # paints a background cell, or one colour two ways
            return False
        mask = np.concatenate(masks)
        if not mask.any():
            return False
        src, dst = np.nonzero(t)
        colours = tuple((int(a), int(b)) for a, b in zip(src, dst, strict=True))
        key = np.packbits(mask).tobytes() + bytes(c for pair in colours for c in pair)
        if key in self._seen:
            return False
        self._seen.add(key)
        self.parts.append(Part(program, cost, mask, colours))
        return True

    def combine(self) -> list[Part] | None:
        """Greedy cover of the outputs' painted cells by at least two parts, or None."""
        covered = np.zeros_like(self.target)
        chosen: list[Part] = []
        while len(chosen) < MAX_PARTS:
            best, best_gain = None, 0
            for p in self.parts:
                gain = int((p.mask & ~covered).sum())
                if gain > best_gain or (gain == best_gain and best is not None and gain and p.cost < best.cost):
                    best, best_gain = p, gain
            if best is None:
                break
            chosen.append(best)
            covered |= best.mask
            if (covered == self.target).all():
                return chosen if len(chosen) >= 2 else None
        return None


def overlay(parts: Sequence[Part], run: Callable[[tuple, np.ndarray], np.ndarray | None],
            inp: np.ndarray) -> np.ndarray | None:
    """The parts' programs run on `inp` and overlaid (the first part on top); None when one fails or shapes differ."""
    out: np.ndarray | None = None
    for p in reversed(parts):
        g = run(p.program, inp)
        if g is None:
            return None
        g = p.paint(g)
        if g is None:
            return None
        if out is None:
            out = np.zeros_like(g)
        elif out.shape != g.shape:
            return None
        out = np.where(g != 0, g, out).astype(np.int8)
    return out
