"""Choose a sandbox backend by name (plain arguments; the caller maps its config)."""

from __future__ import annotations

from .sandbox import Sandbox, SandboxUnavailable

BACKENDS = ("bwrap", "docker")


def make_sandbox(
    backend: str = "bwrap",
    *,
    python: str = "/usr/bin/python3",
    uid: int = 65534,
    image: str = "synthloop-sandbox:latest",
) -> Sandbox:
    """A sandbox of the given backend; checks that it can run happen on first use (SandboxUnavailable)."""
    if backend == "bwrap":
        from .bwrap import BwrapSandbox

        return BwrapSandbox(python=python, uid=uid)
    if backend == "docker":
        from .docker_sandbox import DockerSandbox

        return DockerSandbox(image=image, uid=uid)
    raise SandboxUnavailable(f"unknown sandbox backend {backend!r} (choose one of: {', '.join(BACKENDS)})")
