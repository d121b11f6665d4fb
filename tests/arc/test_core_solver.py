"""make_solver and plugging in solvers by "module:attr"."""

from __future__ import annotations

import contextlib
import json

import pytest

from synthloop.arc.solver import Solver, load_object, make_solver, runs_in_parent, solver_from_spec
from synthloop.config import load_config
from synthloop.errors import UserError
from synthloop.memory.runstore import RunStore

from .test_core_helpers import FlipSolver


def cfg_for(tmp_path, **over):
    return load_config(overrides={"runs_dir": str(tmp_path / "runs"), **over}, environ={})


def test_symbolic_solver_gets_the_configured_time_limit_and_runs_in_processes(tmp_path):
    pytest.importorskip("synthloop.arc.symbolic", reason="the symbolic solver is written by another module")
    s = make_solver(cfg_for(tmp_path, **{"arc.time_limit_s": 7.5}), "symbolic")
    assert isinstance(s, Solver) and s.name == "symbolic" and s.time_limit_s == 7.5
    assert not runs_in_parent(s)


def test_unknown_proposer_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="unknown proposer 'magic'"):
        make_solver(cfg_for(tmp_path), "magic")


def test_llm_and_both_hold_a_model_and_run_in_the_parent(tmp_path):
    pytest.importorskip("synthloop.arc.llm.solver", reason="the LLM pipeline is written by another module")
    script = tmp_path / "script.json"
    script.write_text(json.dumps(["no idea"]))
    cfg = cfg_for(tmp_path, **{"model.preset": "scripted", "model.script": str(script)})
    run = RunStore(cfg.runs_dir).create("arc-eval", "")
    with contextlib.ExitStack() as stack:
        llm = make_solver(cfg, "llm", run, stack)
        both = make_solver(cfg, "both", run, stack)
        assert runs_in_parent(llm) and runs_in_parent(both)
        assert llm.name == "llm" and both.name == "both" and both.symbolic is not None
    with pytest.raises(UserError, match="needs an ExitStack"):
        make_solver(cfg, "llm", run, None)


def test_solver_specs_load_classes_and_explain_mistakes(tmp_path):
    cfg = cfg_for(tmp_path, **{"arc.time_limit_s": 3.0})
    s = solver_from_spec(f"{FlipSolver.__module__}:FlipSolver", cfg)
    assert isinstance(s, FlipSolver) and s.time_limit_s == 3.0
    with pytest.raises(UserError, match="must look like package.module:ClassOrFunction"):
        load_object("FlipSolver")
    with pytest.raises(UserError, match="cannot import 'no_such_module_xyz'"):
        load_object("no_such_module_xyz:X")
    with pytest.raises(UserError, match="has no attribute 'Nope'"):
        load_object("json:Nope")
    with pytest.raises(UserError, match="did not give a Solver"):
        solver_from_spec("collections:OrderedDict", cfg)
