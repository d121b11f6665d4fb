"""Fixtures for the sandbox tests: real backends and private work dirs reachable by the sandbox uid."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sandbox_helpers import make_backend

from synthloop.tools.sandbox import Sandbox


@pytest.fixture(scope="session")
def bwrap_sandbox() -> Sandbox:
    return make_backend("bwrap")


@pytest.fixture
def new_dir() -> Iterator[Callable[[], Path]]:
    """Make fresh dirs under /tmp (world-searchable, so the sandbox uid can open them); removed afterwards."""
    made: list[Path] = []

    def make() -> Path:
        d = Path(tempfile.mkdtemp(prefix="synthloop-test-"))
        os.chmod(d, 0o755)
        made.append(d)
        return d

    yield make
    for d in made:
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def workdir(new_dir: Callable[[], Path]) -> Path:
    return new_dir()
