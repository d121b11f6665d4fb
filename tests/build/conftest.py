"""Fixtures for build tests: a real bwrap sandbox (skipped where it cannot run) and a config in tmp_path."""

from __future__ import annotations

import pytest

from synthloop.config import load_config
from synthloop.memory.runstore import RunStore


@pytest.fixture(scope="session")
def sandbox():
    import shutil
    import tempfile
    from pathlib import Path

    from synthloop.tools.factory import make_sandbox
    from synthloop.tools.sandbox import SandboxUnavailable

    sb = make_sandbox("bwrap")
    probe = Path(tempfile.mkdtemp(prefix="synthloop-probe-"))
    probe.chmod(0o755)
    try:
        res = sb.run(["python", "-c", "import pytest; print('ok')"], workdir=probe)
    except SandboxUnavailable as e:
        pytest.skip(f"bwrap sandbox unavailable here: {e}")
    finally:
        shutil.rmtree(probe, ignore_errors=True)
    if res.returncode != 0:
        pytest.skip(f"bwrap sandbox cannot run pytest here: {res.stderr[-300:]}")
    return sb


@pytest.fixture()
def open_tmp():
    """A temporary directory the sandbox user can reach (pytest's tmp_path lives under a 0700 directory)."""
    import shutil
    import tempfile
    from pathlib import Path

    d = Path(tempfile.mkdtemp(prefix="synthloop-build-test-"))
    d.chmod(0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture()
def cfg(open_tmp):
    return load_config(overrides={"runs_dir": str(open_tmp / "runs"), "model.preset": "scripted",
                                  "model.max_tokens": 512, "build.parallel": 2, "build.max_fix_rounds": 2,
                                  "build.max_steps_per_instruction": 12, "build.test_timeout_s": 30.0},
                       environ={})


@pytest.fixture()
def new_run(cfg):
    from synthloop.config import to_toml

    def make():
        return RunStore(cfg.runs_dir).create("build", to_toml(cfg))
    return make
