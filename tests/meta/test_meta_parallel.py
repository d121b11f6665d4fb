"""Items run on worker threads: results in order; an infrastructure error stops new items and is raised."""

from __future__ import annotations

import threading
import time

import pytest

from synthloop.meta_search.evaluate import run_parallel


def test_results_keep_job_order_and_use_several_threads():
    seen: set[str] = set()

    def fn(x: int) -> int:
        seen.add(threading.current_thread().name)
        time.sleep(0.01 * (5 - x % 5))
        return x * x

    assert run_parallel(fn, list(range(12)), workers=3) == [x * x for x in range(12)]
    assert len(seen) == 3


def test_first_error_stops_new_jobs_and_is_raised():
    started: list[int] = []

    def fn(x: int) -> int:
        started.append(x)
        if x == 1:
            raise RuntimeError("sandbox broke")
        time.sleep(0.05)
        return x

    with pytest.raises(RuntimeError, match="sandbox broke"):
        run_parallel(fn, list(range(50)), workers=2)
    assert len(started) < 10
