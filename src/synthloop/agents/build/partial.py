"""Partly done instructions. A failed instruction is rolled back, and every instruction that depends on it is
skipped: with the 1.5B model one foundation step stuck at 3 of 5 passing tests skipped 7 of the plan's 8 steps.

Instead, a failed instruction whose best work passes at least as many of its own tests as fail (all of them when it
failed for another reason, such as a function it never defined), and breaks no test it does not own (no syntax,
collection or timeout problem, no serious lint finding outside its own files), is kept in the workspace with status
"partial", so its dependants run on it. Its failing tests become *known failures* (runs/<id>/known_failures.json):
a later instruction is not charged with them unless it works on the partial instruction's files or on the test
file (a repair), and the acceptance check still counts them, so the run is not accepted while they fail and the
re-planner sees them."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from ...memory.registry import Instruction, InstructionRegistry
from ...memory.runstore import atomic_write
from .checks import CheckReport

KNOWN = "known_failures.json"


@dataclasses.dataclass
class Kept:
    """The verdict on a failed instruction's best work that may stay: its own tests passing and failing."""

    passed: int
    failing: list[list[str]]  # [nodeid, message]

    def summary(self, reason: str) -> str:
        head = "PARTLY DONE (kept so that dependants can build on it): "
        if not self.failing:
            return head + f"all {self.passed} of its tests pass, but it did not finish ({reason})"
        names = ", ".join(n.split("::")[-1] for n, _ in self.failing[:6])
        return head + f"{self.passed} of {self.passed + len(self.failing)} of its tests pass; still failing: {names}"


def test_file(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def load_known(run_dir: Path) -> dict[str, str]:
    """Known failing tests: node id -> the partly done instruction that left it failing."""
    path = run_dir / KNOWN
    return dict(json.loads(path.read_text())) if path.exists() else {}


def add_known(run_dir: Path, iid: str, nodeids: list[str]) -> None:
    known = load_known(run_dir)
    known.update(dict.fromkeys(nodeids, iid))
    atomic_write(run_dir / KNOWN, json.dumps(known, indent=2, sort_keys=True))


def refresh_known(run_dir: Path, failing: set[str]) -> None:
    """After a whole-suite run: forget the known failures that no longer fail."""
    known = load_known(run_dir)
    if known and set(known) - failing:
        atomic_write(run_dir / KNOWN, json.dumps({n: o for n, o in known.items() if n in failing}, indent=2,
                                                 sort_keys=True))


def excused_for(known: dict[str, str], registry: InstructionRegistry, it: Instruction) -> dict[str, str]:
    """The known failures `it` is not charged with: another instruction's, in files `it` does not own, left by an
    instruction whose files `it` does not touch either."""
    mine = set(it.files)
    out = {}
    for nid, owner in known.items():
        if owner == it.id or test_file(nid) in mine:
            continue
        if owner in registry and mine & set(registry.get(owner).files):
            continue
        out[nid] = owner
    return out


def lint_excused(registry: InstructionRegistry, it: Instruction) -> frozenset[str]:
    """Files of partly done instructions that `it` does not own: their serious lint findings (an undefined name a
    failing test shows) are not charged to `it`; acceptance still counts them."""
    return frozenset(f for p in registry.all() if p.status == "partial" and p.id != it.id for f in p.files) - set(
        it.files)


def excuse(rep: CheckReport, excused: dict[str, str]) -> CheckReport:
    """`rep` without the excused failures (listed apart in its `excused`)."""
    gone = [f for f in rep.failures if f[0] in excused]
    if not gone:
        return rep
    n = len(gone)
    failed = min(n, rep.failed)
    return dataclasses.replace(rep, failures=[f for f in rep.failures if f[0] not in excused],
                               failed=rep.failed - failed, errors=max(0, rep.errors - (n - failed)),
                               excused=[[f[0], excused[f[0]]] for f in gone])


def judge(rep: CheckReport, own_files: set[str], serious_lint_paths: list[str]) -> Kept | None:
    """Whether a failed instruction's best work (checked as `rep`, with serious lint findings in
    `serious_lint_paths`) may stay in the workspace."""
    if (rep.syntax_errors or rep.install_error or not rep.ran_tests or rep.timed_out or rep.collection_error
            or rep.no_tests or any(p not in own_files for p in serious_lint_paths)):
        return None
    if rep.failed + rep.errors != len(rep.failures):  # a failure pytest could not attribute to a test
        return None
    own_failing = [f for f in rep.failures if test_file(f[0]) in own_files]
    if len(own_failing) != len(rep.failures):  # it breaks a test it does not own
        return None
    own_passed = sum(1 for n in rep.passed_ids if test_file(n) in own_files)
    if own_passed == 0 or own_passed < len(own_failing):
        return None
    return Kept(own_passed, own_failing)
