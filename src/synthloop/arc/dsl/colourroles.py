"""Colour maps that name colours by their role in the pair's input, not by their value.

The search's final step learns one fixed colour map for all pairs (`search.learn_colour_map`). It fails when the
colour to paint differs between pairs ("fill the holes with the colour of the lone marker", "draw the shape in the
colour of the frame") or when the test input brings colours the demos never showed. A role map names a colour by
its rank among the non-background colours of the pair's input (most common first, or the rarest), so one rule
covers every pair and carries over to a test input with new colours.

A map is a list of rules `key -> value`. A key is a literal state colour ("c3", "cNEW") or a role ("rank0", ...); a
value is "same", a literal colour or a role. Each colour of a state grid takes the value of its first matching key,
keys ordered: literals seen in two or more pairs, then roles, then the rest; a colour no key covers fails the map.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

NEW = 10  # the search's placeholder colour (primitives.NEW; repeated here to keep this module free of imports)
ROLES = ("rank0", "rank1", "rank2", "rarest")
_ROLE_PHRASE = {"rank0": "the most common colour", "rank1": "the second most common colour",
                "rank2": "the third most common colour", "rarest": "the rarest colour"}


def input_roles(g: np.ndarray) -> dict[str, int]:
    """Role -> colour for the non-background colours of g; a role whose colour ties with another is left out."""
    cnt = np.bincount(np.asarray(g, dtype=np.int64).ravel(), minlength=10)[:10]
    used = sorted((c for c in range(1, 10) if cnt[c] > 0), key=lambda c: (-cnt[c], c))
    counts = [int(cnt[c]) for c in used]
    roles: dict[str, int] = {}
    for k in range(min(3, len(used))):
        if counts.count(counts[k]) == 1:
            roles[ROLES[k]] = used[k]
    if len(used) >= 2 and counts.count(counts[-1]) == 1:
        roles["rarest"] = used[-1]
    return roles


def _lit(c: int) -> str:
    return "cNEW" if c == NEW else f"c{c}"


def _keys(s: int, roles: dict[str, int]) -> list[str]:
    return [_lit(s)] + [r for r in ROLES if roles.get(r) == s]


def _values(s: int, d: int, roles: dict[str, int]) -> set[str]:
    vals = {_lit(d)} | {r for r in ROLES if roles.get(r) == d}
    if d == s:
        vals.add("same")
    return vals


def _pick_value(vals: set[str]) -> str:
    if "same" in vals:
        return "same"
    lits = sorted(v for v in vals if v.startswith("c"))
    if lits:
        return lits[0]
    return next(r for r in ROLES if r in vals)


@dataclass(frozen=True)
class RoleMap:
    """Rules `key -> value` in priority order (see the module docstring)."""

    rules: tuple[tuple[str, str], ...]

    def colour_for(self, s: int, roles: dict[str, int]) -> int | None:
        keys = set(_keys(s, roles))
        for key, val in self.rules:
            if key not in keys:
                continue
            if val == "same":
                return s
            if val.startswith("c"):
                return NEW if val == "cNEW" else int(val[1:])
            return roles.get(val)
        return None

    def apply(self, state: np.ndarray, inp: np.ndarray) -> np.ndarray | None:
        """The state grid recoloured for the pair whose input is `inp`; None when a colour is not covered."""
        roles = input_roles(inp)
        lut = np.zeros(16, dtype=np.int16)
        for s in np.unique(state).tolist():
            d = self.colour_for(int(s), roles)
            if d is None or not 0 <= d <= 9:
                return None
            lut[s] = d
        return lut[state.astype(np.int64)].astype(np.int8)

    @property
    def name(self) -> str:
        return "recolour_by_role{" + ", ".join(f"{k}->{v}" for k, v in self.rules if v != "same") + "}"

    @property
    def phrase(self) -> str:
        def say(t: str) -> str:
            if t in _ROLE_PHRASE:
                return _ROLE_PHRASE[t] + " of the input"
            return "the marked cells" if t == "cNEW" else f"colour {t[1:]}"

        parts = [f"{say(k)} as {say(v)}" for k, v in self.rules if v != "same"]
        return "paint " + ", ".join(parts)


def learn_role_map(states: Sequence[np.ndarray], inputs: Sequence[np.ndarray],
                   outputs: Sequence[np.ndarray]) -> RoleMap | None:
    """A role map taking every state grid to its output, or None (shapes differ, a colour maps two ways in one pair,
    or no rule explains a colour). At least one rule must recolour by a role: otherwise a fixed colour map would do."""
    occs: list[tuple[int, int, dict[str, int]]] = []  # (state colour, output colour, roles of the input)
    pairs_of: dict[str, set[int]] = {}
    for i, (g, inp, o) in enumerate(zip(states, inputs, outputs, strict=True)):
        if g.shape != o.shape:
            return None
        u = np.unique(g.astype(np.int16) * 16 + o.astype(np.int16))
        src, dst = (u // 16).tolist(), (u % 16).tolist()
        if len(set(src)) != len(src):
            return None
        roles = input_roles(inp)
        for s, d in zip(src, dst, strict=True):
            occs.append((s, d, roles))
            for k in _keys(s, roles):
                pairs_of.setdefault(k, set()).add(i)
    allowed: dict[str, set[str]] = {}
    for s, d, roles in occs:
        vals = _values(s, d, roles)
        for k in _keys(s, roles):
            allowed[k] = allowed[k] & vals if k in allowed else set(vals)
    valid = {k: v for k, v in allowed.items() if v}

    def rank(k: str) -> tuple[int, int]:
        if k.startswith("c"):
            return (0 if len(pairs_of[k]) >= 2 else 2, 0)
        return (1, ROLES.index(k))

    order = sorted(valid, key=lambda k: (rank(k), k))
    rules = tuple((k, _pick_value(valid[k])) for k in order)
    rmap = RoleMap(rules)
    used: set[tuple[str, str]] = set()
    for s, d, roles in occs:
        keys = set(_keys(s, roles))
        rule = next((r for r in rules if r[0] in keys), None)
        if rule is None or rmap.colour_for(s, roles) != d:
            return None
        used.add(rule)
    if not any((k in ROLES and v != "same") or v in ROLES for k, v in used):  # else a fixed map would do
        return None
    return RoleMap(tuple(r for r in rules if r in used))
