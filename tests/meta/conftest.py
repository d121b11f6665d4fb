"""Fixtures for the meta-search tests: a real bwrap sandbox (skipped where bwrap cannot run) and work dirs the
sandbox user can reach (pytest's own tmp dirs are private to root)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fsdirs import reachable_dirs
from synthloop.tools.sandbox import SandboxUnavailable


@pytest.fixture(scope="session")
def sandbox():
    from synthloop.tools.factory import make_sandbox

    sb = make_sandbox("bwrap")
    try:
        sb.ensure_ready()
    except SandboxUnavailable as e:
        pytest.skip(f"the bwrap sandbox cannot run here: {e}")
    return sb


@pytest.fixture(scope="session")
def reachable_dir() -> Iterator[Callable[[], Path]]:
    """Make fresh world-searchable dirs under the system temp dir; removed at the end of the session."""
    yield from reachable_dirs("synthloop-meta-test-")
