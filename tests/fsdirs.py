"""Temporary directories the sandbox uid can reach (shared by the test packages)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path


def reachable_dirs(prefix: str) -> Iterator[Callable[[], Path]]:
    """Yield a maker of fresh world-searchable dirs under the system temp dir (the sandbox uid 65534 can open them;
    pytest's tmp_path is private to root); all are removed afterwards."""
    made: list[Path] = []

    def make() -> Path:
        d = Path(tempfile.mkdtemp(prefix=prefix))
        os.chmod(d, 0o755)
        made.append(d)
        return d

    yield make
    for d in made:
        shutil.rmtree(d, ignore_errors=True)
