"""Object stamps: every object is rewritten, together with a margin around it, by a fixed pattern learned per
object kind. Covers markers that grow a pattern around them, shapes replaced by other shapes and decorations
added at an object's corners.

Learned: the object extraction mode, the key (the exact patch, or the shape with its colours as roles so that one
pattern serves every colouring), the margin (1..3 cells) and, per key, the pattern: the window cells that some demo
changed and that every demo instance agrees on. A pattern colour is either a fixed colour or "the object's k-th
colour" (roles numbered by first appearance in reading order). A test object of a kind no demo showed declines.
Guards against over-fitting: a kind that changes must be seen once with its whole window inside the grid, and a
change on the window's rim needs a demo showing the pattern stops there (else it is likely a ray, not a stamp).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from synthloop.arc.dsl import objects as O
from synthloop.arc.dsl.specialists.common import check_deadline, same_shapes
from synthloop.arc.dsl.specialists.learn import Hypothesis, first_solution
from synthloop.arc.grid import ArcTask, Candidate

MODES = ("c4", "m8", "c8")
_MAX_MARGIN = 3
_PAD = _MAX_MARGIN + 1
_MAX_OBJECTS = 30
_MAX_AREA = 49
_ROLE = 10  # abstract colours: 0..9 literal, 10 + k = the object's k-th colour


def _roles(ob: O.Object) -> list[int]:
    """The object's colours in order of first appearance (reading order inside its bbox)."""
    p = ob.patch
    return list(dict.fromkeys(int(v) for v in p[p >= 0]))


def _key(ob: O.Object, by_role: bool) -> bytes | None:
    if ob.area > _MAX_AREA:
        return None
    if not by_role:
        return ob.patch_key
    roles = _roles(ob)
    lut = np.full(10, -1, dtype=np.int8)
    for k, c in enumerate(roles):
        lut[c] = k
    p = ob.patch
    rp = np.where(p >= 0, lut[np.clip(p, 0, 9)], -1).astype(np.int8)
    return bytes(rp.shape) + rp.tobytes()


def _window(ob: O.Object, m: int) -> tuple[slice, slice]:
    """Window of `ob` (bbox grown by m) in a grid padded by _PAD cells on every side."""
    t, lf, b, r = ob.bbox
    p = _PAD
    return slice(t + p - m, b + p + m), slice(lf + p - m, r + p + m)


def _pad(g: np.ndarray) -> np.ndarray:
    return np.pad(np.asarray(g, dtype=np.int16), _PAD, constant_values=-1)


def _ring(shape: tuple[int, int]) -> np.ndarray:
    r = np.ones(shape, dtype=bool)
    r[1:-1, 1:-1] = False
    return r


def _stops(changed: np.ndarray, stop: np.ndarray) -> bool:
    """Every changed cell on the window's rim has, in some demo, an unchanged in-grid cell just outside it (in an
    outward direction): evidence that the pattern ends there rather than running on like a ray to the border."""
    h, w = changed.shape
    for r, c in zip(*np.nonzero(changed & _ring(changed.shape)), strict=True):
        drs = [-1] if r == 0 else [1] if r == h - 1 else [0]
        dcs = [-1] if c == 0 else [1] if c == w - 1 else [0]
        outward = {(dr, dc) for dr in drs for dc in dcs} | {(dr, 0) for dr in drs} | {(0, dc) for dc in dcs}
        if not any(stop[r + 1 + dr, c + 1 + dc] for dr, dc in outward - {(0, 0)}):
            return False
    return True


def _abstract(w: np.ndarray, roles: list[int]) -> np.ndarray:
    lut = np.arange(10, dtype=np.int16)
    for k, c in enumerate(roles):
        lut[c] = _ROLE + k
    return np.where(w >= 0, lut[np.clip(w, 0, 9)], -1)


Pattern = dict[bytes, tuple[np.ndarray, np.ndarray]]  # key -> (cells to write, abstract colours)


@dataclass
class _Instance:
    """One demo object: its keys and its widest window (margin _PAD): output colours abstracted by the object's
    roles, which cells changed, which cells are in the grid and unchanged."""

    keys: tuple[bytes | None, bytes | None]  # (exact patch key, role key)
    vals: np.ndarray
    changed: np.ndarray
    still: np.ndarray


def _instances(ip: np.ndarray, op: np.ndarray, objs: list[O.Object]) -> list[_Instance]:
    out = []
    for ob in objs:
        rs, cs = _window(ob, _PAD)
        wi, wo = ip[rs, cs], op[rs, cs]
        out.append(_Instance((_key(ob, False), _key(ob, True)), _abstract(wo, _roles(ob)),
                             (wi != wo) & (wo >= 0), (wi == wo) & (wi >= 0)))
    return out


def _learn(instances: list[_Instance], by_role: bool, m: int) -> Pattern | None:
    """Per key, the window cells some demo changed and all instances agree on; None when a changed cell disagrees."""
    seen: dict[bytes, list[_Instance]] = {}
    for ins in instances:
        k = ins.keys[by_role]
        if k is not None:
            seen.setdefault(k, []).append(ins)
    d = _PAD - m
    inner = (slice(d, -d), slice(d, -d))
    rim = (slice(d - 1, -d + 1 or None), slice(d - 1, -d + 1 or None))
    out: Pattern = {}
    for k, group in seen.items():
        changed = np.stack([g.changed[inner] for g in group]).any(axis=0)
        if not changed.any():
            out[k] = (changed, changed.astype(np.int16))
            continue
        v = np.stack([g.vals[inner] for g in group])
        valid = v >= 0
        hi = np.where(valid, v, -1).max(axis=0)
        lo = np.where(valid, v, 99).min(axis=0)
        if np.any(changed & (hi != lo)):
            return None
        if not valid.all(axis=(1, 2)).any():
            return None  # a kind that changes must show its whole window (inside the grid) at least once
        if not _stops(changed, np.stack([g.still[rim] for g in group]).any(axis=0)):
            return None
        out[k] = (changed, hi)
    if not any(c.any() for c, _ in out.values()):
        return None
    return out


def _apply(g: np.ndarray, mode: str, by_role: bool, m: int, pattern: Pattern, big_ok: bool) -> np.ndarray | None:
    g = np.asarray(g)
    objs = O.extract(g, mode)
    if len(objs) > _MAX_OBJECTS:
        return None
    out = _pad(g)
    written = np.zeros(out.shape, dtype=bool)
    for ob in objs:
        k = _key(ob, by_role)
        if k is None:
            if not big_ok:
                return None  # an object larger than any demo showed
            continue
        if k not in pattern:
            return None  # an object kind no demo showed
        cells, vals = pattern[k]
        if not cells.any():
            continue
        roles = _roles(ob)
        if vals[cells].max() >= _ROLE + len(roles):
            return None
        conc = np.where(vals >= _ROLE, np.array(roles + [0] * 10, dtype=np.int16)[np.clip(vals - _ROLE, 0, 19)], vals)
        rs, cs = _window(ob, m)
        wv, ww = out[rs, cs], written[rs, cs]
        if np.any(cells & ww & (wv != conc)):
            return None  # two stamps disagree
        wv[cells] = conc[cells]
        ww[cells] = True
    p = _PAD
    res = out[p:-p, p:-p]
    if np.any(res < 0) or np.array_equal(res, g):
        return None  # every demo changed something
    return res


def _near_objects(task: ArcTask) -> bool:
    """Every changed cell lies within _MAX_MARGIN cells (chessboard) of a non-background input cell."""
    for i, o in task.train:
        i, o = np.asarray(i), np.asarray(o)
        fg = i != O.background_color(i)
        near = np.pad(fg, _MAX_MARGIN)
        grown = near.copy()
        h, w = fg.shape
        for dr in range(-_MAX_MARGIN, _MAX_MARGIN + 1):
            for dc in range(-_MAX_MARGIN, _MAX_MARGIN + 1):
                grown[_MAX_MARGIN:_MAX_MARGIN + h, _MAX_MARGIN:_MAX_MARGIN + w] |= \
                    near[_MAX_MARGIN + dr:_MAX_MARGIN + dr + h, _MAX_MARGIN + dc:_MAX_MARGIN + dc + w]
        if np.any((i != o) & ~grown[_MAX_MARGIN:_MAX_MARGIN + h, _MAX_MARGIN:_MAX_MARGIN + w]):
            return False
    return True


def _hypotheses(task: ArcTask, deadline: float) -> Iterator[Hypothesis]:
    for mode in MODES:
        check_deadline(deadline)
        instances: list[_Instance] = []
        big_ok = False
        for i, o in task.train:
            objs = O.extract(np.asarray(i), mode)
            if not objs or len(objs) > _MAX_OBJECTS:
                break
            instances += _instances(_pad(i), _pad(o), objs)
            big_ok |= any(ob.area > _MAX_AREA for ob in objs)
        else:
            for by_role in (True, False):
                key_text = "shape, colours as roles" if by_role else "exact shape and colours"
                for m in range(1, _MAX_MARGIN + 1):
                    pattern = _learn(instances, by_role, m)
                    if pattern is None:
                        continue
                    yield Hypothesis(
                        lambda g, mode=mode, by_role=by_role, m=m, pattern=pattern, big_ok=big_ok: _apply(
                            g, mode, by_role, m, pattern, big_ok),
                        size=4 + len(pattern),
                        program=f"stamp_objects({mode}, key={'shape' if by_role else 'patch'}, margin={m}, "
                                f"kinds={len(pattern)})",
                        description=f"rewrite each of the {O.EXTRACTOR_TEXT[mode]} and the {m} cells around it "
                                    f"by a pattern learned for its kind ({key_text})")


def object_stamps(task: ArcTask, deadline: float) -> list[Candidate]:
    """Each object (and a margin around it) rewritten by a pattern learned per object kind."""
    if not task.train or not same_shapes(task):
        return []
    if all(np.array_equal(i, o) for i, o in task.train) or not _near_objects(task):
        return []
    return first_solution(task, "stamps", _hypotheses(task, deadline))
