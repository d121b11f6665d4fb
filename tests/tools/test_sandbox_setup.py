"""Backend selection, clear unavailability messages, and the `synthloop sandbox` CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sandbox_helpers import docker_skip_reason, make_backend

from synthloop.tools.factory import make_sandbox
from synthloop.tools.sandbox import Sandbox, SandboxUnavailable


def test_factory_returns_sandboxes_and_rejects_unknown_backends() -> None:
    sb = make_sandbox("bwrap", python="/usr/bin/python3", uid=65534)
    assert isinstance(sb, Sandbox) and sb.name == "bwrap"
    dk = make_sandbox("docker", image="synthloop-sandbox:latest")
    assert isinstance(dk, Sandbox) and dk.name == "docker"
    with pytest.raises(SandboxUnavailable, match="unknown sandbox backend 'lxc'"):
        make_sandbox("lxc")


def test_importing_tools_pulls_in_no_docker_sdk() -> None:
    code = (
        "import sys, synthloop.tools, synthloop.tools.factory, synthloop.tools.pool, synthloop.tools.code_tools\n"
        "print('docker' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_missing_python_is_named(workdir: Path) -> None:
    make_backend("bwrap")
    from synthloop.tools.bwrap import BwrapSandbox

    with pytest.raises(SandboxUnavailable, match="python3-numpy"):
        BwrapSandbox(python="/nonexistent/python3").run(["python", "-c", "pass"], workdir=workdir)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root: the uid drop is what makes /root unreachable")
def test_unreadable_python_is_explained(workdir: Path) -> None:
    make_backend("bwrap")
    from synthloop.tools.bwrap import BwrapSandbox

    with pytest.raises(SandboxUnavailable, match="not reachable by the sandbox user.*/usr/bin/python3"):
        BwrapSandbox(python="/root/.pyenv/shims/python3").ensure_ready()


def test_python_without_numpy_names_the_packages(new_dir) -> None:
    """A world-readable venv without system site-packages: bound read-only, but numpy/pytest are missing."""
    make_backend("bwrap")
    from synthloop.tools.bwrap import BwrapSandbox

    venv = new_dir() / "venv"
    subprocess.run(["/usr/bin/python3", "-m", "venv", "--without-pip", str(venv)], check=True)
    with pytest.raises(SandboxUnavailable, match="lacks numpy, pytest: apt install python3-numpy python3-pytest"):
        BwrapSandbox(python=str(venv / "bin" / "python3")).ensure_ready()


def test_workdir_under_a_private_dir_is_explained(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root: as another user the private dir is reachable")
    sb = make_backend("bwrap")
    private = Path("/root") / f".synthloop-test-{os.getpid()}"
    private.mkdir()
    try:
        with pytest.raises(SandboxUnavailable, match="not reachable by the sandbox user"):
            sb.run(["python", "-c", "pass"], workdir=private)
    finally:
        private.rmdir()


def test_docker_without_daemon_or_image_says_so() -> None:
    from synthloop.tools.docker_sandbox import DockerSandbox

    reason = docker_skip_reason()
    if reason == "no docker daemon answers":
        with pytest.raises(SandboxUnavailable, match="no docker daemon answers"):
            DockerSandbox().ensure_ready()
        return
    if reason:
        pytest.skip(reason)
    with pytest.raises(SandboxUnavailable, match="run `synthloop sandbox build-image`"):
        DockerSandbox(image="synthloop-sandbox:no-such-tag").ensure_ready()


def test_cli_check_prints_the_containment_table() -> None:
    make_backend("bwrap")
    proc = subprocess.run(
        [sys.executable, "-c", "from synthloop.cli import main; main()", "sandbox", "check", "--backend", "bwrap"],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for probe in ("network to a loopback listener", "fork bomb", "10 GB allocation", "setsid/double-fork escape"):
        assert probe in proc.stdout
    assert "NOT STOPPED" not in proc.stdout
    assert proc.stdout.count("stopped") >= 7


def test_cli_check_rejects_unknown_backend() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "from synthloop.cli import main; main()", "sandbox", "check", "--backend", "lxc"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "unknown backend 'lxc'" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.docker
def test_cli_build_image_skips_an_existing_image() -> None:
    reason = docker_skip_reason()
    if reason:
        pytest.skip(reason)
    proc = subprocess.run(
        [sys.executable, "-c", "from synthloop.cli import main; main()", "sandbox", "build-image"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "exists" in proc.stdout
