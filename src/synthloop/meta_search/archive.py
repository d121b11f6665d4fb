"""The append-only design archive (runs/<id>/archive.jsonl) and its lineage graph.

Two record types: {"type": "design", ...} (one per evaluated design version, validation results included) and
{"type": "test", "design_id", "result"} (a test-split evaluation, appended by `meta test`). Nothing is ever
rewritten; a line cut short by a kill is ignored on reading.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .evaluate import EvalResult


@dataclass
class DesignRecord:
    """One evaluated design version."""

    id: str
    name: str
    thought: str
    code: str
    generation: int
    origin: str  # "seed" | "meta" | "debug"
    parents: list[str] = field(default_factory=list)
    attempt: int = 0
    final: bool = True  # the version kept for its generation (the others are failed debug attempts)
    validation: dict[str, Any] | None = None
    ts: float = field(default_factory=lambda: round(time.time(), 3))

    @property
    def result(self) -> EvalResult | None:
        return EvalResult.from_json(self.validation) if self.validation else None

    @property
    def mean(self) -> float:
        r = self.result
        return r.fitness.mean if r else 0.0


def selection_key(rec: DesignRecord) -> tuple[float, float, int]:
    """Validation mean, then CI lower bound, then the earlier generation (the tie-break)."""
    r = rec.result
    if r is None:
        return (-1.0, -1.0, 0)
    return (r.fitness.mean, r.fitness.low, -rec.generation)


class Archive:
    """Reads and appends archive.jsonl."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def _lines(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        out = []
        with open(self.path) as fh:
            for line in fh:
                line = line.strip()
                if not line:
                    continue
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError:
                    continue  # a line cut short by a kill
        return out

    def _append(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a") as fh:
            fh.write(json.dumps(data) + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def designs(self) -> list[DesignRecord]:
        known = set(DesignRecord.__dataclass_fields__)
        recs, seen = [], set()
        for d in self._lines():
            if d.get("type") == "design" and d.get("id") not in seen:
                seen.add(d["id"])
                recs.append(DesignRecord(**{k: v for k, v in d.items() if k in known}))
        return recs

    def get(self, design_id: str) -> DesignRecord | None:
        return next((r for r in self.designs() if r.id == design_id), None)

    def append_design(self, rec: DesignRecord) -> DesignRecord:
        """Append (idempotent: a design id already archived is returned as stored, not appended twice)."""
        existing = self.get(rec.id)
        if existing is not None:
            return existing
        self._append({"type": "design", **asdict(rec)})
        return rec

    def tests(self) -> dict[str, EvalResult]:
        """design id -> its test-split result (the first one recorded)."""
        out: dict[str, EvalResult] = {}
        for d in self._lines():
            if d.get("type") == "test" and d.get("design_id") not in out:
                out[d["design_id"]] = EvalResult.from_json(d["result"])
        return out

    def append_test(self, design_id: str, result: EvalResult) -> None:
        self._append({"type": "test", "design_id": design_id, "result": result.to_json(),
                      "ts": round(time.time(), 3)})

    def finals(self) -> list[DesignRecord]:
        """The design kept for each seed and generation (failed debug attempts left out)."""
        return [r for r in self.designs() if r.final]

    def chosen(self) -> DesignRecord | None:
        """The design selected on VALIDATION (never on test): highest mean, then CI lower bound, then earliest."""
        finals = [r for r in self.finals() if r.validation]
        return max(finals, key=selection_key) if finals else None

    def lineage(self) -> Any:
        """A networkx DiGraph: parent -> child edges between design ids; node attributes name/generation/mean."""
        import networkx as nx

        g = nx.DiGraph()
        recs = self.designs()
        for r in recs:
            g.add_node(r.id, name=r.name, generation=r.generation, mean=r.mean, final=r.final, origin=r.origin)
        for r in recs:
            for p in r.parents:
                if p in g:
                    g.add_edge(p, r.id)
        return g
