"""Rank penalties for rules that fit the demos but may not generalise to the test input.

Several programs often explain every demo; the ones that generalise keep, on the test input, what every demo showed.
`Generalisation.penalty` adds, per test prediction, the weight of each demo invariant it breaks (`invariants`) and
one when its shape is none of the shapes the demos' size rules allow (`sizerules`); then a half for a lookup-table
rule that may only have memorised the demos, and a quarter per recolouring of a search program that only one demo
shows. `diversify` lets the second attempt come from another family of programs than the first, when one explains
as many demos about as plausibly.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from synthloop.arc.dsl.frames import is_memorising
from synthloop.arc.dsl.invariants import TaskInvariants, learn_invariants
from synthloop.arc.dsl.sizerules import fit_size_rules, predict_sizes
from synthloop.arc.grid import ArcTask, Candidate

MEMORISING_PENALTY = 0.5  # a lookup-table rule that may only have memorised the demos (see frames.is_memorising)
ROTE_ENTRY_PENALTY = 0.25  # per colour-map entry of a search program that only one demo uses
SIZE_WEIGHT = 1.0  # a prediction of a shape that no size rule of the demos allows
SAME_FAMILY_PENALTY = 0.25  # the runner-up of the top family, next to the best candidate of another family


class Generalisation:
    """What the demos of a task show (invariants, size rules), to judge test predictions by."""

    def __init__(self, task: ArcTask) -> None:
        train = [(np.asarray(i), np.asarray(o)) for i, o in task.train]
        self.invariants: TaskInvariants = learn_invariants(train)
        rules = fit_size_rules(train)
        self.sizes = [predict_sizes(rules, t) for t in task.test_inputs]
        self.tests = [np.asarray(t) for t in task.test_inputs]

    def broken(self, k: int, pred: np.ndarray) -> list[tuple[str, float]]:
        """(name, weight) of each demo property that the prediction for test input k breaks."""
        p = np.asarray(pred)
        out = self.invariants.broken(self.tests[k], p)
        if self.sizes[k] and p.shape not in self.sizes[k]:
            out.append(("size", SIZE_WEIGHT))
        return out

    def penalty(self, c: Candidate) -> float:
        """The summed weights of the properties its test predictions break, plus MEMORISING_PENALTY for a rule
        that may only have memorised the demos and ROTE_ENTRY_PENALTY per recolouring that one demo alone shows."""
        total = MEMORISING_PENALTY if is_memorising(c) else 0.0
        total += ROTE_ENTRY_PENALTY * (c.meta or {}).get("single_demo_entries", 0)
        for k, pred in enumerate(c.predictions[: len(self.tests)]):
            if pred is not None:
                total += sum(w for _, w in self.broken(k, pred))
        return total


def family(c: Candidate) -> str:
    """The family of programs a candidate comes from (a specialist's family, or the search)."""
    meta = c.meta or {}
    return str(meta.get("family") or meta.get("kind") or c.source)


def diversify(cands: Sequence[Candidate]) -> None:
    """Among the candidates that explain the most demos, add SAME_FAMILY_PENALTY to every one of the best family
    after its first (in rank order: penalty, then size), so that a different family can take the second attempt."""
    explaining = [c for c in cands if c.train_correct > 0]
    if not explaining:
        return
    top = max(c.train_correct for c in explaining)
    best = sorted((c for c in explaining if c.train_correct == top),
                  key=lambda c: ((c.meta or {}).get("rank_penalty", 0), c.size))
    if len({family(c) for c in best}) < 2:
        return
    fam = family(best[0])
    for c in best[1:]:
        if family(c) == fam:
            c.meta = {**(c.meta or {}), "rank_penalty": (c.meta or {}).get("rank_penalty", 0) + SAME_FAMILY_PENALTY}
