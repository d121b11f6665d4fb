"""Instruction registry: DAG validation, ready(), persistence."""

from __future__ import annotations

import json

import pytest

from synthloop.memory.registry import Instruction, InstructionRegistry, RegistryError


def _plan() -> list[Instruction]:
    return [Instruction("a", "models", files=["m.py"]),
            Instruction("b", "store", files=["s.py"], deps=["a"]),
            Instruction("c", "api", files=["api.py"], deps=["a"]),
            Instruction("d", "cli", files=["cli.py"], deps=["b", "c"])]


def test_ready_follows_dependencies(tmp_path):
    reg = InstructionRegistry(tmp_path / "registry.json")
    reg.add(_plan())
    assert [i.id for i in reg.ready()] == ["a"]
    reg.set_status("a", "running")
    assert reg.ready() == []
    reg.set_status("a", "done", summary="made models")
    assert [i.id for i in reg.ready()] == ["b", "c"]
    reg.set_status("b", "done")
    assert [i.id for i in reg.ready()] == ["c"]
    reg.set_status("c", "failed")
    assert reg.ready() == []
    assert [i.id for i in reg.blocked()] == ["d"]
    assert reg.counts() == {"pending": 1, "running": 0, "done": 2, "partial": 0, "failed": 1}


def test_persisted_and_reloaded(tmp_path):
    path = tmp_path / "registry.json"
    reg = InstructionRegistry(path)
    reg.add(_plan())
    reg.begin("a")
    reg.set_status("a", "done", summary="ok")
    again = InstructionRegistry.load(path)
    assert [i.id for i in again.all()] == ["a", "b", "c", "d"]
    assert again.get("a").status == "done" and again.get("a").summary == "ok" and again.get("a").attempts == 1
    assert json.loads(path.read_text())["instructions"][3]["deps"] == ["b", "c"]
    assert not list(tmp_path.glob(".*.tmp"))


def test_cycle_rejected_and_nothing_added(tmp_path):
    reg = InstructionRegistry(tmp_path / "r.json")
    reg.add([Instruction("a", "x")])
    with pytest.raises(RegistryError, match="cycle"):
        reg.add([Instruction("b", "y", deps=["c"]), Instruction("c", "z", deps=["b"])])
    assert [i.id for i in reg.all()] == ["a"] and "b" not in reg.graph


def test_unknown_dependency_duplicate_and_bad_ids(tmp_path):
    reg = InstructionRegistry(tmp_path / "r.json")
    with pytest.raises(RegistryError, match="unknown instruction"):
        reg.add([Instruction("a", "x", deps=["nope"])])
    reg.add([Instruction("a", "x")])
    with pytest.raises(RegistryError, match="duplicate"):
        reg.add([Instruction("a", "again")])
    with pytest.raises(RegistryError, match="bad instruction id"):
        reg.add([Instruction("../x", "y")])
    with pytest.raises(RegistryError, match="no text"):
        reg.add([Instruction("e", "  ")])
    with pytest.raises(RegistryError, match="unknown status"):
        reg.set_status("a", "weird")


def test_damaged_file_is_a_clear_error(tmp_path):
    p = tmp_path / "r.json"
    p.write_text("{not json")
    with pytest.raises(RegistryError, match="damaged"):
        InstructionRegistry.load(p)
