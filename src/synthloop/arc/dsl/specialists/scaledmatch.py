"""Scaled match: the largest shape is a blown-up (and possibly border-cut) copy of one of the small shapes; the
output is that small shape cut out of the input. Learned: nothing beyond the rule; the scale (2 or 3) and the
alignment are found per grid, and the matching small shape must be unique.
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate, solves_all
from synthloop.arc.grid import ArcTask, Candidate


def _downscales(mask: np.ndarray, k: int) -> list[np.ndarray]:
    """Every k-fold shrink of `mask` (over the alignments) whose whole k x k blocks are uniform."""
    out = []
    for dr in range(k):
        for dc in range(k):
            m = mask[dr:, dc:]
            h, w = m.shape[0] // k, m.shape[1] // k
            if h == 0 or w == 0:
                continue
            blocks = m[: h * k, : w * k].reshape(h, k, w, k)
            if (blocks.all(axis=(1, 3)) == blocks.any(axis=(1, 3))).all():
                out.append(blocks.all(axis=(1, 3)))
    return out


def _contains(big: np.ndarray, small: np.ndarray) -> bool:
    """Whether `small` equals a window of `big`."""
    H, W = big.shape
    h, w = small.shape
    return any(np.array_equal(big[r:r + h, c:c + w], small) for r in range(H - h + 1) for c in range(W - w + 1))


def pick_scaled_match(g: np.ndarray) -> np.ndarray | None:
    """The crop of the only small shape of which the largest shape is a scaled (partial) copy."""
    g = np.asarray(g)
    objs = sorted(O.extract(g, "colors"), key=lambda o: -o.size)
    if len(objs) < 3:
        return None
    shrunk = [d for k in (2, 3) for d in _downscales(objs[0].mask, k) if d.sum() >= 3]
    hits = [o for o in objs[1:] if any(_contains(o.mask, d) for d in shrunk)]
    return O.crop_object(g, hits[0]) if len(hits) == 1 else None


def scaled_match(task: ArcTask, deadline: float) -> list[Candidate]:
    """Output = the small shape the big one enlarges."""
    if not task.train or any(o.size * 4 > i.size for i, o in task.train):
        return []
    if not solves_all(task, pick_scaled_match):
        return []
    c = make_candidate(task, pick_scaled_match, family="scaled_match", size=3, program="pick_scaled_match(x)",
                       description="cut out the small shape of which the largest shape is an enlarged copy")
    return [c] if c is not None else []
