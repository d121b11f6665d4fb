"""Sandboxes, the worker pool and code tools (imports nothing else of ours).

- sandbox.py       the Sandbox protocol (run / spawn), ExecResult, Limits, SandboxUnavailable
- bwrap.py         default backend: bubblewrap namespaces + rlimits, started as an unprivileged uid
- docker_sandbox   docker backend (docker SDK imported there only); image from scripts/build-sandbox-image.sh
- factory.py       make_sandbox("bwrap" | "docker", python=..., uid=..., image=...)
- pool.py          WorkerPool / Job / CallResult: persistent sandboxed workers for many small functions (ARC)
- worker_main.py   the worker program itself (runs inside the sandbox; stdlib + numpy only)
- code_tools.py    run_file, run_pytest (junit XML → PytestReport), syntax_check
- workdir.py       safe host-side file access to a work dir (no following links the sandbox planted)
- probes.py        containment probes behind `synthloop sandbox check`
"""
