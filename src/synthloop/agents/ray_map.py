"""Ray, when a run outgrows one machine: connect (or start a small local instance) and map a function over items.

`ray` is imported inside the functions only (pip install 'synthloop[ray]'); importing this module costs nothing.
`ray_session` joins an already-initialised Ray, connects to `address` ("auto", "HOST:6379", "ray://HOST:10001"),
or starts a local instance with a few CPUs, no dashboard and no worker logs on the driver's terminal; it shuts
down only what it started. `ray_map` runs `fn` on every item as Ray tasks and yields `(index, result)` as each
finishes, with at most `in_flight` tasks outstanding.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..errors import UserError

RAY_MISSING = "ray not installed (pip install 'synthloop[ray]')"


def import_ray() -> Any:
    """The `ray` module, or a UserError saying how to install it."""
    try:
        import ray
    except ImportError:
        raise UserError(RAY_MISSING) from None
    return ray


@contextlib.contextmanager
def ray_session(address: str | None = None, *, num_cpus: int = 2) -> Iterator[Any]:
    """Yield the `ray` module, initialised. Reuses a running session; otherwise connects to `address` or starts
    a local instance with `num_cpus` CPUs, and shuts it down on exit."""
    ray = import_ray()
    if ray.is_initialized():
        yield ray
        return
    try:
        if address:
            ray.init(address=address, log_to_driver=False, logging_level=logging.WARNING)
        else:
            ray.init(num_cpus=max(1, int(num_cpus)), include_dashboard=False, log_to_driver=False,
                     logging_level=logging.WARNING)
    except (ConnectionError, TimeoutError, ValueError, RuntimeError) as e:
        where = f"the Ray cluster at {address!r}" if address else "a local Ray instance"
        raise UserError(f"cannot start or reach {where}: {e}") from None
    try:
        yield ray
    finally:
        ray.shutdown()


def ray_map(fn: Callable[[Any], Any], items: Iterable[Any], *, address: str | None = None, in_flight: int = 8,
            num_cpus: float = 1, memory_mb: int = 0, local_cpus: int = 2) -> Iterator[tuple[int, Any]]:
    """Run `fn(item)` for every item as Ray tasks; yield `(index, result)` in completion order.

    `fn` and the items must pickle (cloudpickle), and results should be plain data. An exception raised by `fn`
    is re-raised here (the original type when Ray can rebuild it). Closing the iterator cancels what is left.
    """
    if in_flight < 1:
        raise ValueError("in_flight must be >= 1")
    with ray_session(address, num_cpus=local_cpus) as ray:
        opts: dict[str, Any] = {"num_cpus": num_cpus, "max_retries": 0}
        if memory_mb > 0:
            opts["memory"] = memory_mb * 1024 * 1024
        remote = ray.remote(_apply).options(**opts)
        fn_ref = ray.put(fn)  # shipped once; any picklable callable (function, lambda, partial)
        todo = iter(enumerate(items))
        running: dict[Any, int] = {}
        try:
            while True:
                for index, item in todo:
                    running[remote.remote(fn_ref, item)] = index
                    if len(running) >= in_flight:
                        break
                if not running:
                    return
                ready, _ = ray.wait(list(running), num_returns=1)
                for ref in ready:
                    index = running.pop(ref)
                    yield index, _get(ray, ref)
        finally:
            for ref in running:
                ray.cancel(ref, force=True)


def _apply(fn: Callable[[Any], Any], item: Any) -> Any:
    """The Ray task body of ray_map."""
    return fn(item)


def _get(ray: Any, ref: Any) -> Any:
    """ray.get, unwrapping a task's own exception so callers see what `fn` raised."""
    try:
        return ray.get(ref)
    except ray.exceptions.RayTaskError as e:
        cause = e.as_instanceof_cause() if hasattr(e, "as_instanceof_cause") else e
        raise cause from None
