"""Helpers for the sandbox tests (a uniquely named module so it never clashes with other test dirs)."""

from __future__ import annotations

import os
import shutil

import pytest

from synthloop.tools.sandbox import Sandbox


def docker_skip_reason(image: str = "synthloop-sandbox:latest") -> str | None:
    """Why docker tests cannot run here, or None: only 'no docker daemon answers' or 'sandbox image not built'."""
    try:
        import docker
        from docker.errors import DockerException, ImageNotFound
    except ImportError:
        return "docker SDK not installed"
    try:
        client = docker.from_env(timeout=10)
        client.ping()
    except DockerException:
        return "no docker daemon answers"
    try:
        client.images.get(image)
    except ImageNotFound:
        return "sandbox image not built (run `synthloop sandbox build-image`)"
    finally:
        client.close()
    return None


def make_backend(backend: str, uid: int = 65534) -> Sandbox:
    """A ready sandbox of that backend, or skip for a reason a user accepts (bwrap absent, no docker daemon)."""
    if backend == "docker":
        reason = docker_skip_reason()
        if reason:
            pytest.skip(reason)
        from synthloop.tools.docker_sandbox import DockerSandbox

        return DockerSandbox(uid=uid)
    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap is not installed (apt install bubblewrap)")
    from synthloop.tools.bwrap import BwrapSandbox

    sb = BwrapSandbox(uid=uid)
    sb.ensure_ready()  # anything else unavailable is a failure, not a skip
    return sb


def pids_of_uid(uid: int) -> list[int]:
    """Live host pids whose real uid is uid (scans /proc; zombies are dead and only wait to be reaped)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as fh:
                fields = dict(line.split(":", 1) for line in fh if ":" in line)
        except OSError:
            continue
        if int(fields.get("Uid", "-1 ").split()[0]) == uid and not fields.get("State", "").strip().startswith("Z"):
            pids.append(int(entry))
    return pids
