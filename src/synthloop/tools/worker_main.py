"""The pool worker: runs inside the sandbox under the sandbox's own python (stdlib + numpy only; never imports synthloop).

Protocol (JSON lines): the host writes one line per batch, {"jobs": [{"h", "code", "entry", "args", "timeout",
"wall", "arrays"}, ...]}; the worker answers one line per job, in order, {"ok", "value", "error", "timed_out", "duration_s",
"stdout", "cpu"}, flushed at once. The first line it writes is {"ready": true, ...}. The protocol uses private duplicates of
fds 0/1; fd 0 becomes /dev/null and fd 1 goes to stderr, and sys.stdout/sys.stderr are captured per call, so what user
code prints can never corrupt the channel. Soft timeouts: `timeout` CPU seconds (ITIMER_PROF, so a busy host does
not time out a correct candidate) or `wall` seconds (ITIMER_REAL, for sleeping code); repeating signals raise
_Timeout (a BaseException, so `except Exception` in user code does not swallow it); the host kills the whole worker
if even that fails.
"""

import builtins
import collections
import io
import json
import os
import signal
import sys
import time

try:
    import numpy as np
except ImportError:  # the host's preflight names the package to install
    np = None

CACHE_SIZE = 512
MAX_STDOUT = 8000
MAX_RESULT_BYTES = 8 << 20
RETRIGGER_S = 0.05
CANDIDATE = "<candidate>"


class _Timeout(BaseException):
    pass


class _Clock:
    armed = False
    tracing = False


def _line_tracer(frame, event, arg):
    """After a timeout: raise again at the next line of candidate code, so a bare `except: pass` cannot absorb it.

    Only on "line" events: raising on the "exception" event of the alarm's own _Timeout would unset the tracer.
    """
    if _Clock.armed and event == "line":
        raise _Timeout()
    return _line_tracer


def _call_tracer(frame, event, arg):
    if _Clock.armed and frame.f_code.co_filename == CANDIDATE:
        return _line_tracer
    return None


def _on_alarm(signum, frame):
    # A trace function that raises is unset by CPython, so every alarm re-arms it: the alarm's own _Timeout may be
    # caught by a bare `except` in candidate code, the tracer then raises again at the next candidate line (the
    # except clause itself), which no handler of that try covers.
    if not _Clock.armed:
        return
    _Clock.tracing = True
    sys.settrace(_call_tracer)
    f = frame
    while f is not None:
        if f.f_code.co_filename == CANDIDATE:
            f.f_trace = _line_tracer
        f = f.f_back
    raise _Timeout()


def _arm(cpu_s, wall_s):
    _Clock.armed = True
    signal.setitimer(signal.ITIMER_PROF, max(cpu_s, 1e-4), RETRIGGER_S)
    signal.setitimer(signal.ITIMER_REAL, max(wall_s, 1e-4), RETRIGGER_S)


def _disarm():
    _Clock.armed = False
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.setitimer(signal.ITIMER_PROF, 0)
    if _Clock.tracing:
        sys.settrace(None)
        _Clock.tracing = False


class _CappedIO(io.StringIO):
    def write(self, s):
        room = MAX_STDOUT - self.tell()
        if room > 0:
            super().write(s[:room])
        return len(s)


def to_data(v):
    """Plain JSON data from what a candidate returns: numpy arrays/scalars become lists/numbers, tuples lists."""
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if np is not None:
        if isinstance(v, np.ndarray):
            return v.tolist()
        if isinstance(v, np.generic):
            return v.item()
    if isinstance(v, (list, tuple)):
        return [to_data(x) for x in v]
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            if not isinstance(k, (str, int)):
                raise TypeError(f"cannot return a dict with {type(k).__name__} keys")
            out[str(k)] = to_data(x)
        return out
    raise TypeError(f"cannot return a {type(v).__name__}: return JSON data or numpy arrays")


def _reap_strays():
    """Kill whatever the last call started (children, daemons): everything in our pid namespace but init and us.

    Only when we are pid 1 or 2, i.e. inside the sandbox's own pid namespace, never on a shared host.
    """
    if os.getpid() > 2:
        return
    try:
        os.kill(-1, signal.SIGKILL)
    except OSError:
        return
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _describe(exc):
    name = type(exc).__name__
    msg = str(exc)
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == CANDIDATE:
            line = tb.tb_lineno
        tb = tb.tb_next
    where = f" (line {line})" if line else ""
    return f"{name}: {msg}{where}" if msg else f"{name}{where}"


class Worker:
    def __init__(self, proto_in, proto_out):
        self.proto_in = proto_in
        self.proto_out = proto_out
        self.cache = collections.OrderedDict()

    def module(self, h, code, timeout, wall):
        """The namespace of code (compiled and executed once per hash), or raise what its execution raised."""
        hit = self.cache.get(h)
        if hit is not None:
            self.cache.move_to_end(h)
        else:
            ns = {"__name__": "candidate", "__builtins__": builtins}
            if np is not None:
                ns["np"] = np
            try:
                compiled = compile(code, CANDIDATE, "exec", dont_inherit=True)
                _arm(timeout, wall)
                try:
                    exec(compiled, ns)
                finally:
                    _disarm()
                hit = (ns, None)
            except _Timeout:
                hit = (None, "timeout")
            except BaseException as e:  # noqa: BLE001 - the candidate's failure is data
                hit = (None, _describe(e))
            self.cache[h] = hit
            if len(self.cache) > CACHE_SIZE:
                self.cache.popitem(last=False)
        return hit

    def call(self, job):
        t0 = time.perf_counter()
        res = {"ok": False, "value": None, "error": None, "timed_out": False, "stdout": ""}
        capture = _CappedIO()
        saved = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = capture
        try:
            timeout = float(job["timeout"])
            wall = float(job.get("wall", timeout))
            ns, err = self.module(job["h"], job["code"], timeout, wall)
            if err == "timeout":
                res["timed_out"], res["error"] = True, "timed out while loading the code"
            elif err is not None:
                res["error"] = err
            else:
                fn = ns.get(job["entry"])
                if not callable(fn):
                    res["error"] = f"NameError: no function {job['entry']!r} defined"
                else:
                    args = job["args"]
                    if job.get("arrays") and np is not None:
                        args = [np.array(a) if isinstance(a, list) else a for a in args]
                    _arm(timeout, max(1e-4, wall - (time.perf_counter() - t0)))
                    try:
                        value = to_data(fn(*args))
                    finally:
                        _disarm()
                    res["ok"], res["value"] = True, value
        except _Timeout:
            _disarm()
            res["ok"], res["value"], res["timed_out"], res["error"] = False, None, True, "timed out"
        except BaseException as e:  # noqa: BLE001 - SystemExit, MemoryError, ... are data too
            _disarm()
            res["ok"], res["value"], res["error"] = False, None, _describe(e)
        finally:
            sys.stdout, sys.stderr = saved
        res["stdout"] = capture.getvalue()
        res["duration_s"] = time.perf_counter() - t0
        return res

    def encode(self, res):
        try:
            line = json.dumps(res, separators=(",", ":"))
        except (TypeError, ValueError, RecursionError) as e:
            res.update(ok=False, value=None, error=f"result is not JSON data: {e}")
            line = json.dumps(res, separators=(",", ":"))
        if len(line) > MAX_RESULT_BYTES:
            res.update(ok=False, value=None, error=f"result too large ({len(line)} bytes)")
            line = json.dumps(res, separators=(",", ":"))
        return line.encode() + b"\n"

    def serve(self):
        self.send({"ready": True, "numpy": getattr(np, "__version__", None), "pid": os.getpid()})
        for raw in self.proto_in:
            msg = json.loads(raw)
            for job in msg["jobs"]:
                try:
                    res = self.call(job)
                except _Timeout:  # an alarm that landed in our own bookkeeping
                    _disarm()
                    sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
                    res = {"ok": False, "value": None, "error": "timed out", "timed_out": True, "stdout": "",
                           "duration_s": float(job.get("timeout", 0))}
                _reap_strays()
                res["cpu"] = time.process_time()  # the worker's cumulative CPU seconds, for accounting
                self.proto_out.write(self.encode(res))
                self.proto_out.flush()

    def send(self, obj):
        self.proto_out.write(json.dumps(obj).encode() + b"\n")
        self.proto_out.flush()


def main():
    proto_in = os.fdopen(os.dup(0), "rb", buffering=1 << 16)
    proto_out = os.fdopen(os.dup(1), "wb", buffering=1 << 16)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    os.close(devnull)
    sys.stdin = open(os.devnull)  # noqa: SIM115 - lives as long as the worker
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.signal(signal.SIGPROF, _on_alarm)
    sys.setrecursionlimit(10000)
    Worker(proto_in, proto_out).serve()


if __name__ == "__main__":
    main()
