"""Colour maps over colour *roles*: colours every grid has keep their identity; the other colours are ranked by
frequency in each grid (v0 = the most common of them). The output recolours each input cell by a table role -> role
or fixed colour, so the rule carries over to test inputs with new colours (swap the two colours, paint the shape
with the marker's colour and drop the marker, ...).
"""

from __future__ import annotations

import numpy as np

from synthloop.arc.dsl.specialists.common import make_candidate
from synthloop.arc.grid import ArcTask, Candidate

Role = tuple[str, int]  # ("c", colour) for a constant colour, ("v", rank) for a variable one


def _roles(g: np.ndarray, const: set[int]) -> dict[int, Role] | None:
    counts = np.bincount(np.asarray(g).ravel().astype(np.int64), minlength=10)
    var = [c for c in range(10) if counts[c] and c not in const]
    var.sort(key=lambda c: (-counts[c], c))
    if len({int(counts[c]) for c in var}) != len(var):  # ties make the ranking ambiguous
        return None
    roles: dict[int, Role] = {c: ("c", c) for c in range(10) if counts[c] and c in const}
    roles.update({c: ("v", k) for k, c in enumerate(var)})
    return roles


def role_recolour(task: ArcTask, deadline: float) -> list[Candidate]:
    """Learn a role -> role / colour table from the demos (cell-wise colour map, same shapes)."""
    if not task.train or not all(i.shape == o.shape for i, o in task.train):
        return []
    grids = [np.asarray(i) for i, _ in task.train] + [np.asarray(g) for g in task.test_inputs]
    const = set.intersection(*(set(np.unique(g).tolist()) for g in grids))
    all_roles = [_roles(g, const) for g in grids]
    if any(r is None for r in all_roles):
        return []
    n_var = {sum(1 for v in r.values() if v[0] == "v") for r in all_roles}
    if len(n_var) != 1 or n_var == {0}:
        return []
    table: dict[Role, Role] = {}
    for (i, o), roles in zip(task.train, all_roles, strict=False):
        i, o = np.asarray(i), np.asarray(o)
        inv = {role: c for c, role in roles.items()}
        for c, role in roles.items():
            outs = np.unique(o[i == c])
            if len(outs) != 1:
                return []
            oc = int(outs[0])
            val: Role = ("c", oc) if oc in const or oc not in roles else roles[oc]
            if val[0] == "v" and inv.get(val) != oc:
                return []
            if table.setdefault(role, val) != val:
                return []
    if all(k == v for k, v in table.items()):
        return []

    def fn(g: np.ndarray) -> np.ndarray | None:
        roles = _roles(g, const)
        if roles is None:
            return None
        inv = {role: c for c, role in roles.items()}
        out = np.asarray(g).copy()
        for c, role in roles.items():
            val = table.get(role)
            if val is None:
                return None
            colour = val[1] if val[0] == "c" else inv.get(val)
            if colour is None:
                return None
            out[np.asarray(g) == c] = colour
        return out

    def show(r: Role) -> str:
        return f"colour {r[1]}" if r[0] == "c" else f"v{r[1]}"

    rules = "; ".join(f"{show(k)} -> {show(v)}" for k, v in sorted(table.items()) if k != v)
    c = make_candidate(task, fn, family="roles", program=f"role_recolour({rules})",
                       description=f"recolour by colour role (v0 = most common non-fixed colour): {rules}", size=3)
    return [c] if c is not None and c.solves_train else []


