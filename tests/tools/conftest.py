"""Fixtures for the sandbox tests: real backends and private work dirs reachable by the sandbox uid."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sandbox_helpers import make_backend

from fsdirs import reachable_dirs
from synthloop.tools.sandbox import Sandbox


@pytest.fixture(scope="session")
def bwrap_sandbox() -> Sandbox:
    return make_backend("bwrap")


@pytest.fixture
def new_dir() -> Iterator[Callable[[], Path]]:
    """Make fresh dirs under /tmp (world-searchable, so the sandbox uid can open them); removed afterwards."""
    yield from reachable_dirs("synthloop-test-")


@pytest.fixture
def workdir(new_dir: Callable[[], Path]) -> Path:
    return new_dir()
