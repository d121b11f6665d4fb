"""Key-coloured pattern: a one-colour pattern sits in a box, and a small key (the cells of the other colours, less the
frame colours that draw full lines, laid out as a full k x l grid: a 2x2 block, or four corners) says the colour of each part. The output is the
pattern's box with each pattern cell coloured by the key cell of its part (the key scaled up over the box).
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate, solves_all
from synthloop.arc.grid import ArcTask, Candidate


def _roles(g: np.ndarray, bg: int) -> tuple[int, set[int]] | None:
    """(pattern colour, key colours): the frame colours (those that fill a whole row or column) set aside, the most
    common remaining colour is the pattern and the others form the key."""
    colours = set(np.unique(g).tolist()) - {bg}
    frame = {c for c in colours if (g == c).all(axis=1).any() or (g == c).all(axis=0).any()}
    rest = sorted(colours - frame, key=lambda c: -int((g == c).sum()))
    if len(rest) < 2 or int((g == rest[0]).sum()) == int((g == rest[1]).sum()):
        return None
    return rest[0], set(rest[1:])


def find_key(g: np.ndarray, kcols: set[int]) -> np.ndarray | None:
    """The key grid: the cells of the key colours, whose rows x columns must all be key cells."""
    mask = np.isin(g, sorted(kcols))
    rows, cols = np.nonzero(mask)
    ur, uc = np.unique(rows), np.unique(cols)
    if len(ur) * len(uc) != len(rows) or len(rows) < 2:
        return None
    return g[np.ix_(ur, uc)]


def _lineless_background(g: np.ndarray) -> int:
    """The most common colour that fills no whole row or column (the frame can outnumber the background)."""
    counts = np.bincount(g.ravel(), minlength=10)
    lines = {c for c in np.unique(g).tolist() if (g == c).all(axis=1).any() or (g == c).all(axis=0).any()}
    rest = [c for c in np.unique(g).tolist() if c not in lines]
    return max(rest, key=lambda c: (int(counts[c]), -c)) if rest else O.background_color(g)


def recolour_by_key(g: np.ndarray, lineless: bool = False) -> np.ndarray | None:
    """The pattern's box with each pattern cell coloured by the key scaled over the box, background elsewhere;
    the background is the grid's (or, `lineless`, its most common colour that draws no full line)."""
    g = np.asarray(g)
    bg = _lineless_background(g) if lineless else O.background_color(g)
    roles = _roles(g, bg)
    if roles is None:
        return None
    colour, kcols = roles
    key = find_key(g, kcols)
    box = O.bbox_of_mask(g == colour)
    if key is None or box is None:
        return None
    t, lf, b, r = box
    h, w = b - t, r - lf
    kh, kw = key.shape
    if h % kh or w % kw:
        return None
    part = np.kron(key, np.ones((h // kh, w // kw), dtype=np.int8)).astype(np.int8)
    return np.where(g[t:b, lf:r] == colour, part, bg).astype(np.int8)


def key_quadrants(task: ArcTask, deadline: float) -> list[Candidate]:
    """Crop the one-colour pattern and colour its parts by the small key grid."""
    if not task.train or any(o.size >= i.size for i, o in task.train):
        return []
    for lineless in (False, True):
        fn = lambda g, k=lineless: recolour_by_key(g, k)  # noqa: E731
        if not solves_all(task, fn):
            continue
        c = make_candidate(task, fn, family="key_quadrants", size=3,
                           program="recolour_pattern_by_key(pattern=most common non-frame colour"
                                   f"{', background=most common lineless colour' if lineless else ''})",
                           description="cut out the box of the pattern (the most common colour that draws no full line) "
                                       "and colour each part of it by the matching cell of the small key grid of the "
                                       "other colours")
        return [] if c is None else [c]
    return []
