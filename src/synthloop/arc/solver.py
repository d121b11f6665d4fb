"""The Solver seam and `make_solver`: symbolic (DSL search), llm (hypothesis search), or both merged.

A Solver is anything with `name: str` and `solve(task, deadline) -> list[Candidate]` (deadline is a
`time.monotonic()` value; return what you have by then). Optional attribute `in_parent: bool`: True for solvers
that hold a model, budget or cache that must stay single (the LLM pipeline) — the eval loop then runs them in
threads of the parent process instead of killable process workers. Solvers run in process workers must pickle.
"""

from __future__ import annotations

import contextlib
import importlib
from typing import Any, Protocol, runtime_checkable

from ..errors import UserError
from .grid import ArcTask, Candidate

PROPOSERS = ("symbolic", "llm", "both", "program", "direct")


@runtime_checkable
class Solver(Protocol):
    """Proposes candidates (each checked on the training pairs, with test predictions) for one task."""

    name: str

    def solve(self, task: ArcTask, deadline: float) -> list[Candidate]: ...


def runs_in_parent(solver: Any) -> bool:
    """Whether the eval loop must run this solver in parent threads (it holds a model/budget/cache)."""
    return bool(getattr(solver, "in_parent", False))


def load_object(spec: str) -> Any:
    """Import "package.module:attr" (used by `--solver` to plug in any Solver class or factory)."""
    module, sep, attr = spec.partition(":")
    if not sep or not module or not attr:
        raise UserError(f"solver spec {spec!r} must look like package.module:ClassOrFunction")
    try:
        obj: Any = importlib.import_module(module)
    except ImportError as e:
        raise UserError(f"cannot import {module!r} for solver {spec!r}: {e}") from None
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise UserError(f"{module!r} has no attribute {attr!r}")
        obj = getattr(obj, part)
    return obj


def solver_from_spec(spec: str, cfg: Any) -> Any:
    """Build a solver from "module:attr": a class or factory called with `time_limit_s=cfg.arc.time_limit_s`
    if it accepts it, else with no arguments."""
    obj = load_object(spec)
    if not callable(obj):
        raise UserError(f"solver {spec!r} is not a class or function")
    try:
        solver = obj(time_limit_s=cfg.arc.time_limit_s)
    except TypeError:
        solver = obj()
    if not isinstance(solver, Solver):
        raise UserError(f"{spec!r} did not give a Solver (needs .name and .solve(task, deadline))")
    return solver


def _symbolic(cfg: Any) -> Any:
    try:
        from .symbolic import SymbolicSolver
    except ImportError as e:
        raise UserError(f"the symbolic solver is not available: {e}") from None
    return SymbolicSolver(time_limit_s=cfg.arc.time_limit_s, cpu_limit_s=cfg.arc.cpu_limit_s or None)


def _llm(cfg: Any, run: Any, stack: contextlib.ExitStack | None, symbolic: Any = None, mode: str = "hypothesis") -> Any:
    if stack is None:
        raise UserError("the llm proposer needs an ExitStack to own its model and sandbox pool")
    try:
        from ..agents.factory import make_model
        from ..tools.factory import make_sandbox
        from ..tools.pool import WorkerPool
        from .llm.baselines import DirectSolver
        from .llm.solver import LLMSolver, settings_from
    except ImportError as e:
        raise UserError(f"the llm proposer is not available: {e}") from None
    model = make_model(cfg, run, stack)
    if mode == "direct":
        return DirectSolver(model, max_tokens=cfg.model.max_tokens)
    sb = cfg.sandbox
    sandbox = make_sandbox(sb.backend, python=sb.python, uid=sb.uid, image=sb.docker_image)
    pool = stack.enter_context(WorkerPool(sandbox, size=sb.pool_workers, memory_mb=sb.memory_mb, python=sb.python))
    return LLMSolver(model, pool, cfg.arc, run, settings=settings_from(cfg.arc, mode, max_tokens=cfg.model.max_tokens),
                     symbolic=symbolic)


def make_solver(cfg: Any, proposer: str | None = None, run: Any = None,
                stack: contextlib.ExitStack | None = None) -> Any:
    """The solver for `proposer` (default cfg.arc.proposer): "symbolic", "llm" or "both" (the LLM pipeline fed by
    the symbolic proposer; their candidates merge into one ranking), or the baselines "program" (program-only, no
    hypotheses) and "direct" (the model writes the output grids).

    The llm pipeline's model, sandbox pool and other resources are entered on `stack`; close it when done.
    """
    proposer = proposer or cfg.arc.proposer
    if proposer == "symbolic":
        return _symbolic(cfg)
    if proposer == "llm":
        return _llm(cfg, run, stack)
    if proposer == "both":
        return _llm(cfg, run, stack, symbolic=_symbolic(cfg))
    if proposer in ("program", "direct"):
        return _llm(cfg, run, stack, mode=proposer)
    raise UserError(f"unknown proposer {proposer!r}; choose one of {', '.join(PROPOSERS)}")
