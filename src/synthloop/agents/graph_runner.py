"""Run a LangGraph StateGraph inside a run directory: SQLite checkpoints, Ctrl-C drain, budget stop, resume."""

from __future__ import annotations

import signal
import sqlite3
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..memory.runstore import Run
from .model import BudgetExceeded


@contextmanager
def _sigint_drains(control: Any, run_id: str) -> Iterator[None]:
    """First Ctrl-C asks the graph to stop at the next step boundary (and says so: the running step may take
    minutes on a slow model); a second one interrupts at once."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        if control.drain_requested:
            raise KeyboardInterrupt
        control.request_drain("interrupted by user (Ctrl-C)")
        sys.stderr.write(f"\nCtrl-C: stopping when the running step ends; Ctrl-C again stops at once. Either way "
                         f"`synthloop runs resume {run_id}` continues the run.\n")

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _interrupted(run: Run) -> None:
    hint = f"interrupted; resume with `synthloop runs resume {run.id}`"
    run.finish("interrupted", error=hint)
    sys.stderr.write(hint + "\n")


def has_checkpoint(run: Run) -> bool:
    """Whether the run already has a checkpoint to resume from."""
    if not run.checkpoint_path.exists():
        return False
    with sqlite3.connect(run.checkpoint_path) as conn:
        try:
            row = conn.execute("SELECT 1 FROM checkpoints WHERE thread_id = ? LIMIT 1", (run.id,)).fetchone()
        except sqlite3.OperationalError:
            return False
    return row is not None


@contextmanager
def checkpointed(builder: Any, db_path: str | Path) -> Iterator[Any]:
    """Compile `builder` with a SQLite checkpointer at db_path (closed on exit)."""
    from langgraph.checkpoint.sqlite import SqliteSaver

    conn = sqlite3.connect(db_path, check_same_thread=False)
    try:
        yield builder.compile(checkpointer=SqliteSaver(conn))
    finally:
        conn.close()


def invoke(graph: Any, thread_id: str, inputs: dict[str, Any] | None, *, recursion_limit: int = 1000) -> dict[str, Any]:
    """Invoke a checkpointed graph on one thread, idempotently: a thread with a checkpoint resumes from it
    (and a finished one just returns its state), so `inputs` only seed a new thread."""
    config = {"configurable": {"thread_id": thread_id}, "recursion_limit": recursion_limit}
    snapshot = graph.get_state(config)
    if snapshot.values:
        if not snapshot.next:
            return dict(snapshot.values)
        inputs = None
    result = graph.invoke(inputs, config, durability="sync")
    return dict(result) if isinstance(result, dict) else {"result": result}


def run_graph(builder: Any, run: Run, inputs: dict[str, Any] | None, *, recursion_limit: int = 1000) -> dict[str, Any]:
    """Invoke `builder` (an uncompiled StateGraph) with checkpoints in run.checkpoint_path; inputs=None resumes.

    Marks the run "interrupted" (and raises KeyboardInterrupt) on Ctrl-C, "budget_exceeded" on BudgetExceeded and
    "failed" on any other error; on success returns the final state values and leaves finishing the run to the caller.
    """
    from langgraph.errors import GraphDrained
    from langgraph.runtime import RunControl

    with checkpointed(builder, run.checkpoint_path) as graph:
        config = {"configurable": {"thread_id": run.id}, "recursion_limit": recursion_limit}
        control = RunControl()
        with _sigint_drains(control, run.id):
            try:
                result = graph.invoke(inputs, config, control=control, durability="sync")
            except GraphDrained as e:
                run.event("run_drained", reason=str(e))
                _interrupted(run)
                raise KeyboardInterrupt from None
            except KeyboardInterrupt:
                _interrupted(run)
                raise
            except BudgetExceeded as e:
                run.event("budget_exceeded", message=str(e))
                run.finish("budget_exceeded", error=f"{e}; raise the budget and `synthloop runs resume {run.id}`")
                raise
            except Exception as e:
                run.event("run_failed", error=f"{type(e).__name__}: {e}")
                run.finish("failed", error=f"{type(e).__name__}: {e}")
                raise
        return dict(result) if isinstance(result, dict) else {"result": result}
