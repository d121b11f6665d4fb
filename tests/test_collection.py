"""Every test directory is collected by a plain `pytest`: pytest's default norecursedirs holds "build", and with it
tests/build (172 tests) was silently left out of every full run."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_no_test_directory_is_excluded_from_collection():
    opts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    patterns = opts.get("norecursedirs")
    assert patterns is not None, "without norecursedirs pytest's default (which has 'build') applies"
    dirs = {p.parent for p in (ROOT / "tests").rglob("test_*.py")}
    for d in dirs:
        for part in d.relative_to(ROOT).parts:
            hit = [pat for pat in patterns if fnmatch.fnmatch(part, pat)]
            assert not hit, f"{d.relative_to(ROOT)} holds tests but {hit} keeps pytest out of it"
