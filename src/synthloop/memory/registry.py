"""Instruction registry: the prompt program as a DAG of instructions, persisted as JSON in the run directory."""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

STATUSES = ("pending", "running", "done", "partial", "failed")  # partial: failed, kept for dependants
SATISFIED = ("done", "partial")  # statuses that let dependants run
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class RegistryError(ValueError):
    """The prompt program is invalid: duplicate or bad id, unknown dependency, or a dependency cycle."""


@dataclass
class Instruction:
    """One step of the prompt program."""

    id: str
    text: str
    files: list[str] = field(default_factory=list)  # the files this instruction owns (creates or edits)
    deps: list[str] = field(default_factory=list)
    status: str = "pending"
    summary: str = ""  # outcome, written for dependants
    origin: str = "plan"  # plan | user | replan-<n>
    attempts: int = 0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Instruction:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    with open(tmp, "w") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class InstructionRegistry:
    """Instructions in a networkx DiGraph (edge dep → dependant); every change is saved atomically to `path`."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path is not None else None
        self.graph: nx.DiGraph = nx.DiGraph()
        self._items: dict[str, Instruction] = {}
        self._order: list[str] = []

    # -- persistence ----------------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path) -> InstructionRegistry:
        """Load from JSON; a missing file gives an empty registry bound to that path."""
        reg = cls(path)
        p = Path(path)
        if p.exists():
            try:
                data = json.loads(p.read_text())
                items = [Instruction.from_dict(d) for d in data["instructions"]]
            except (json.JSONDecodeError, KeyError, TypeError) as e:
                raise RegistryError(f"{p}: damaged instruction registry: {e}") from None
            reg._insert(items)
        return reg

    def save(self) -> None:
        if self.path is not None:
            data = {"instructions": [asdict(self._items[i]) for i in self._order]}
            _atomic_write(self.path, json.dumps(data, indent=2))

    # -- building -------------------------------------------------------------------------------------
    def add(self, items: Iterable[Instruction]) -> list[Instruction]:
        """Add instructions (all or none): ids must be new and valid, deps known (or added together), no cycles."""
        items = list(items)
        self._insert(items)
        self.save()
        return items

    def _insert(self, items: list[Instruction]) -> None:
        seen: set[str] = set()
        for it in items:
            if not _ID.match(it.id):
                raise RegistryError(f"bad instruction id {it.id!r}: use letters, digits, '-', '_' or '.' (max 64)")
            if it.id in self._items or it.id in seen:
                raise RegistryError(f"duplicate instruction id {it.id!r}")
            if it.status not in STATUSES:
                raise RegistryError(f"instruction {it.id!r}: unknown status {it.status!r}")
            if not it.text.strip():
                raise RegistryError(f"instruction {it.id!r} has no text")
            seen.add(it.id)
        for it in items:
            unknown = [d for d in it.deps if d not in self._items and d not in seen]
            if unknown:
                raise RegistryError(f"instruction {it.id!r} depends on unknown instruction(s): {', '.join(unknown)}")
        g = self.graph.copy()
        for it in items:
            g.add_node(it.id)
            for d in it.deps:
                g.add_edge(d, it.id)
        if not nx.is_directed_acyclic_graph(g):
            cycle = " → ".join(str(e[0]) for e in nx.find_cycle(g))
            raise RegistryError(f"the instructions' dependencies form a cycle: {cycle}")
        self.graph = g
        for it in items:
            self._items[it.id] = it
            self._order.append(it.id)

    # -- queries --------------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, iid: object) -> bool:
        return iid in self._items

    def get(self, iid: str) -> Instruction:
        try:
            return self._items[iid]
        except KeyError:
            raise RegistryError(f"no instruction {iid!r}") from None

    def all(self) -> list[Instruction]:
        """Instructions in insertion order."""
        return [self._items[i] for i in self._order]

    def ready(self) -> list[Instruction]:
        """Pending instructions whose dependencies are all done (or partly done), in insertion order."""
        return [it for it in self.all() if it.status == "pending"
                and all(self._items[d].status in SATISFIED for d in it.deps)]

    def blocked(self) -> list[Instruction]:
        """Pending instructions that can never run because a dependency (transitively) failed."""
        failed = {i for i, it in self._items.items() if it.status == "failed"}
        out = []
        for it in self.all():
            if it.status == "pending" and failed & nx.ancestors(self.graph, it.id):
                out.append(it)
        return out

    def dependants(self, iid: str) -> list[str]:
        return sorted(nx.descendants(self.graph, iid))

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        for it in self._items.values():
            out[it.status] += 1
        return out

    # -- updates --------------------------------------------------------------------------------------
    def set_status(self, iid: str, status: str, summary: str | None = None) -> Instruction:
        if status not in STATUSES:
            raise RegistryError(f"unknown status {status!r}")
        it = self.get(iid)
        it.status = status
        if summary is not None:
            it.summary = summary
        self.save()
        return it

    def begin(self, iid: str) -> Instruction:
        """An attempt at the instruction starts now: status running, attempts + 1."""
        it = self.get(iid)
        it.status = "running"
        it.attempts += 1
        self.save()
        return it
