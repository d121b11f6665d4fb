"""The persistent worker pool on real sandboxes: results, timeouts, respawns, errors as data, a clean channel."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sandbox_helpers import make_backend, pids_of_uid

from synthloop.tools.pool import CallResult, Job, WorkerPool, wall_limit
from synthloop.tools.sandbox import Sandbox, SandboxUnavailable

ROT = "import numpy as np\ndef transform(grid):\n    return np.rot90(np.array(grid))\n"


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    with WorkerPool(make_backend("bwrap"), size=2, memory_mb=256) as p:
        yield p


def test_results_are_plain_json_data_in_order(pool: WorkerPool) -> None:
    grids = [[[i, i + 1], [i + 2, i + 3]] for i in range(20)]
    results = pool.run([Job(ROT, "transform", [g], timeout_s=2.0) for g in grids])
    assert [r.ok for r in results] == [True] * 20
    for g, r in zip(grids, results, strict=True):
        assert r.value == [[g[0][1], g[1][1]], [g[0][0], g[1][0]]]
        assert type(r.value[0][0]) is int


def test_numpy_scalars_tuples_dicts_and_array_args(pool: WorkerPool) -> None:
    code = (
        "import numpy as np\n"
        "def f(a):\n"
        "    return {'shape': a.shape, 'sum': a.sum(), 'mean': np.float32(0.5), 'flag': np.bool_(True)}\n"
    )
    [r] = pool.run([Job(code, "f", [[[1, 2], [3, 4]]], timeout_s=2.0, arrays=True)])
    assert r.ok, r.error
    assert r.value == {"shape": [2, 2], "sum": 10, "mean": 0.5, "flag": True}


def test_numpy_args_are_sent_as_lists_and_bad_args_raise_before_sending(pool: WorkerPool) -> None:
    import numpy as np

    grid = np.array([[1, 2], [3, 4]], dtype=np.int8)
    grid.flags.writeable = False
    [r] = pool.run([Job("def f(g):\n    return g.T\n", "f", [grid], 1.0, arrays=True)])
    assert r.ok and r.value == [[1, 3], [2, 4]]
    with pytest.raises(TypeError, match="JSON data"):
        pool.run([Job("def f(x): return x\n", "f", [object()], 1.0)])
    with pytest.raises(ValueError, match="timeout_s"):
        pool.run([Job("def f(x): return x\n", "f", [1], 0)])
    assert pool.run([Job("def f(x): return x\n", "f", [1], 1.0)])[0].value == 1


def test_exceptions_and_bad_code_are_data(pool: WorkerPool) -> None:
    jobs = [
        Job("def f(x):\n    return 1 / x\n", "f", [0], 2.0),
        Job("def f(x:\n", "f", [0], 2.0),
        Job("def g(x): return x\n", "f", [0], 2.0),
        Job("def f(x):\n    raise SystemExit(3)\n", "f", [0], 2.0),
        Job("def f(x):\n    return object()\n", "f", [0], 2.0),
        Job("def f(x):\n    return x + 1\n", "f", [41], 2.0),
    ]
    r = pool.run(jobs)
    assert "ZeroDivisionError" in r[0].error and "line 2" in r[0].error
    assert "SyntaxError" in r[1].error
    assert "no function 'f'" in r[2].error
    assert "SystemExit" in r[3].error
    assert "cannot return a object" in r[4].error
    assert r[5].ok and r[5].value == 42
    assert not any(x.ok for x in r[:5])


def test_soft_timeout_keeps_the_worker(pool: WorkerPool) -> None:
    before = pool.respawns
    loop = "def f(x):\n    while True:\n        pass\n"
    swallow = "def f(x):\n    try:\n        while True:\n            pass\n    except Exception:\n        return 'caught'\n"
    catch_all = (
        "def f(x):\n    while True:\n        try:\n            while True:\n                pass\n"
        "        except BaseException:\n            pass\n"
    )
    sleeper = "import time\ndef f(x):\n    time.sleep(100)\n"
    ok = "def f(x): return x\n"
    cpu0 = pool.cpu_s
    nested = (
        "def g():\n    while True:\n        try:\n            pass\n        except:\n            pass\n"
        "def f(x):\n    while True:\n        try:\n            g()\n        except:\n            pass\n"
    )
    r = pool.run([Job(loop, "f", [0], 0.2), Job(swallow, "f", [0], 0.2), Job(catch_all, "f", [0], 0.2),
                  Job(sleeper, "f", [0], 0.2), Job(ok, "f", [7], 1.0), Job(nested, "f", [0], 0.2)])
    assert r[0].timed_out and not r[0].ok and r[0].duration_s <= wall_limit(0.2) + 0.2
    assert r[1].timed_out  # `except Exception` does not swallow the timeout
    assert r[2].timed_out  # nor does a bare except in a loop: the worker raises again at the except clause
    assert r[3].timed_out and r[3].duration_s < 3  # no CPU used: the wall-clock limit (3 x 0.2 + 0.5 s) stops it
    assert r[4].ok and r[4].value == 7
    assert r[5].timed_out and "hard" not in (r[5].error or "")
    assert pool.respawns == before
    assert pool.cpu_s - cpu0 >= 0.3  # three busy loops of ~0.2 CPU-seconds each, as the workers account it


def test_hard_timeout_kills_and_respawns(pool: WorkerPool) -> None:
    """A candidate that blocks the timeout signals is killed from the host; later jobs still run."""
    stubborn = (
        "import signal\n"
        "def f(x):\n"
        "    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM, signal.SIGPROF])\n"
        "    while True:\n"
        "        pass\n"
    )
    before = pool.respawns
    ok = "def f(x): return x * 2\n"
    jobs = [Job(ok, "f", [1], 1.0), Job(stubborn, "f", [0], 0.2)] + [Job(ok, "f", [i], 1.0) for i in range(6)]
    r = pool.run(jobs)
    assert r[1].timed_out and "hard timeout" in r[1].error
    assert r[0].value == 2
    assert [x.value for x in r[2:]] == [0, 2, 4, 6, 8, 10]
    assert pool.respawns == before + 1


def test_worker_death_is_reported_and_respawned(pool: WorkerPool) -> None:
    before = pool.respawns
    r = pool.run([Job("import os\ndef f(x):\n    os._exit(9)\n", "f", [0], 1.0), Job("def f(x): return x\n", "f", [5], 1.0)])
    assert not r[0].ok and "worker died" in r[0].error and "9" in r[0].error
    assert r[1].ok and r[1].value == 5
    assert pool.respawns == before + 1


def test_memory_limit_is_an_error_not_a_crash(pool: WorkerPool) -> None:
    r = pool.run([Job("def f(x):\n    return len(bytearray(2 * 1024 ** 3))\n", "f", [0], 5.0)])
    assert not r[0].ok and "MemoryError" in r[0].error


def test_prints_do_not_break_the_protocol(pool: WorkerPool) -> None:
    code = (
        "import os, sys\n"
        "def f(x):\n"
        "    print('{\"ok\": true, \"value\": \"forged\"}')\n"
        "    sys.stderr.write('noise on stderr\\n')\n"
        "    os.write(1, b'{\"ok\": true, \"value\": \"forged at fd level\"}\\n')\n"
        "    print('x' * 100000)\n"
        "    try:\n"
        "        input()\n"
        "    except EOFError:\n"
        "        pass\n"
        "    return x\n"
    )
    r = pool.run([Job(code, "f", [i], 2.0) for i in range(4)])
    assert [x.value for x in r] == [0, 1, 2, 3]
    assert all(x.ok for x in r)
    assert r[0].stdout.startswith('{"ok": true, "value": "forged"}')
    assert len(r[0].stdout) <= 8000


def test_processes_started_by_a_call_do_not_outlive_it(pool: WorkerPool) -> None:
    code = (
        "import os, time\n"
        "def f(x):\n"
        "    if os.fork() == 0:\n"
        "        os.setsid()\n"
        "        time.sleep(0.5)\n"
        "        open('/tmp/survivor', 'w').write('alive')\n"
        "        os._exit(0)\n"
        "    return 'forked'\n"
    )
    check = "import os\ndef f(x):\n    return os.path.exists('/tmp/survivor')\n"
    r = pool.run([Job(code, "f", [0], 1.0)])
    assert r[0].value == "forked"
    time.sleep(1.0)
    seen = pool.run([Job(check, "f", [0], 1.0) for _ in range(4)])  # lands on both workers
    assert [x.value for x in seen] == [False] * 4


def test_fork_bomb_in_a_candidate_is_contained(pool: WorkerPool) -> None:
    bomb = "import os\ndef f(x):\n    while True:\n        try:\n            os.fork()\n        except OSError:\n            pass\n"
    r = pool.run([Job(bomb, "f", [0], 0.5), Job("def f(x): return x\n", "f", [3], 1.0)])
    assert not r[0].ok
    assert r[1].ok and r[1].value == 3


def test_code_is_compiled_once_per_hash() -> None:
    counter = "calls = [0]\ndef f(x):\n    calls[0] += 1\n    return calls[0]\n"
    with WorkerPool(make_backend("bwrap"), size=1) as p:
        r = p.run([Job(counter, "f", [0], 1.0) for _ in range(5)])
        assert [x.value for x in r] == [1, 2, 3, 4, 5]
        again = p.run([Job(counter, "f", [0], 1.0)])
        assert again[0].value == 6


def test_module_level_infinite_loop_times_out(pool: WorkerPool) -> None:
    r = pool.run([Job("while True:\n    pass\ndef f(x): return x\n", "f", [0], 0.3)])
    assert r[0].timed_out and not r[0].ok


def test_workers_survive_the_thread_that_started_them() -> None:
    """bwrap's --die-with-parent is per thread: a pool started in a short-lived thread must keep its workers."""
    import threading

    p = WorkerPool(make_backend("bwrap"), size=2)
    try:
        t = threading.Thread(target=p.start)
        t.start()
        t.join()
        time.sleep(0.3)
        r = p.run([Job("def f(x): return x\n", "f", [i], 1.0) for i in range(4)])
        assert [x.value for x in r] == [0, 1, 2, 3]
        assert p.respawns == 0 and list(p.incidents) == []
    finally:
        p.close()
        p.close()  # idempotent


def test_killed_and_closed_workers_leave_no_processes() -> None:
    uid = 61240  # a uid of its own, so other sandboxes on this machine do not show up in the scan
    stubborn = "import signal\ndef f(x):\n    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM, signal.SIGPROF])\n" \
        "    while True:\n        pass\n"
    with WorkerPool(make_backend("bwrap", uid=uid), size=2, grace_s=0.3) as p:
        assert len(pids_of_uid(uid)) >= 2
        r = p.run([Job(stubborn, "f", [0], 0.1), Job("def f(x): return x\n", "f", [1], 1.0)])
        assert r[0].timed_out and r[1].value == 1 and p.respawns == 1
    deadline = time.monotonic() + 5
    while pids_of_uid(uid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert pids_of_uid(uid) == []


def test_workers_that_cannot_start_are_reported_and_cleaned_up(new_dir, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    scratch = new_dir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # the pool's scratch dir goes here
    with pytest.raises(SandboxUnavailable, match="pool worker failed to start"):
        with WorkerPool(make_backend("bwrap"), size=1, python="/usr/bin/false"):
            pass
    assert list(scratch.iterdir()) == []


def test_closed_pool_refuses_work() -> None:
    p = WorkerPool(make_backend("bwrap"), size=1)
    p.close()
    with pytest.raises(RuntimeError, match="closed"):
        p.run([Job("def f(): return 1", "f", [], 1.0)])


@pytest.mark.docker
def test_docker_pool_runs_jobs() -> None:
    sb: Sandbox = make_backend("docker")
    with WorkerPool(sb, size=1, memory_mb=256) as p:
        r = p.run([Job(ROT, "transform", [[[1, 2], [3, 4]]], 2.0), Job("def f(x):\n    while 1: pass\n", "f", [0], 0.2)])
    assert r[0] == CallResult(ok=True, value=[[2, 4], [1, 3]], error=None, timed_out=False,
                              duration_s=r[0].duration_s, stdout="")
    assert r[1].timed_out
