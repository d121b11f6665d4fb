"""Frame match: four corner marks of one colour outline a frame whose sides carry colours, and a loose shape made of
those colours lies elsewhere, exactly the size of the frame's inside. The output is the frame cut out with the shape
put inside, turned or mirrored so that each coloured side touches only shape cells of its own colour (the least
change that does: as it is, then one mirror, then half a turn, then the turns that swap its sides).
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import make_candidate, solves_all
from synthloop.arc.grid import ArcTask, Candidate

_TRANSFORMS = [
    lambda a: a, np.fliplr, np.flipud, lambda a: np.rot90(a, 2),
    np.transpose, lambda a: np.rot90(a, 1), lambda a: np.rot90(a, 3), lambda a: np.rot90(a, 2).T,
]


def _corners(g: np.ndarray, bg: int) -> tuple[int, int, int, int] | None:
    """(r0, c0, r1, c1) of the one colour that marks exactly the four corners of a rectangle."""
    found = []
    for k in np.unique(g).tolist():
        if k == bg:
            continue
        pts = np.argwhere(g == k)
        if len(pts) != 4:
            continue
        rs, cs = sorted(set(pts[:, 0].tolist())), sorted(set(pts[:, 1].tolist()))
        if len(rs) == 2 and len(cs) == 2 and rs[1] - rs[0] >= 2 and cs[1] - cs[0] >= 2:
            found.append((rs[0], cs[0], rs[1], cs[1]))
    return found[0] if len(found) == 1 else None


def _sides_fit(frame: np.ndarray, inner: np.ndarray, bg: int) -> bool:
    """Every side of `frame` with one non-background colour touches only inside cells of that colour (at least
    one); at least two sides are coloured."""
    sides = [(frame[1:-1, 0], inner[:, 0]), (frame[1:-1, -1], inner[:, -1]),
             (frame[0, 1:-1], inner[0, :]), (frame[-1, 1:-1], inner[-1, :])]
    coloured = 0
    for side, edge in sides:
        vals = set(side[side != bg].tolist())
        if not vals:
            continue
        if len(vals) != 1:
            return False
        s = vals.pop()
        near = edge[edge != bg]
        if len(near) == 0 or (near != s).any():
            return False
        coloured += 1
    return coloured >= 2


def frame_match(g: np.ndarray) -> np.ndarray | None:
    """The frame cut out with the loose shape put inside in the first orientation that matches the side colours."""
    g = np.asarray(g)
    bg = O.background_color(g)
    box = _corners(g, bg)
    if box is None:
        return None
    r0, c0, r1, c1 = box
    frame = g[r0:r1 + 1, c0:c1 + 1].copy()
    if (frame[1:-1, 1:-1] != bg).any():
        return None
    rest = g.copy()
    rest[r0:r1 + 1, c0:c1 + 1] = bg
    if not (rest != bg).any():
        return None
    rr, cc = np.nonzero(rest != bg)
    shape = rest[rr.min():rr.max() + 1, cc.min():cc.max() + 1]
    for tf in _TRANSFORMS:
        s = tf(shape)
        if s.shape == (frame.shape[0] - 2, frame.shape[1] - 2) and _sides_fit(frame, s, bg):
            frame[1:-1, 1:-1] = s
            return frame
    return None


def frame_matches(task: ArcTask, deadline: float) -> list[Candidate]:
    """The frame-match rule when it reproduces every demo."""
    if not task.train or any(o.shape[0] >= i.shape[0] and o.shape[1] >= i.shape[1] for i, o in task.train):
        return []
    if not solves_all(task, frame_match):
        return []
    c = make_candidate(task, frame_match, family="frame_match", program="frame_match()",
                       description="cut out the corner-marked frame and put the loose shape inside, oriented so each "
                                   "coloured side touches its own colour")
    return [c] if c is not None else []
