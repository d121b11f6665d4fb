"""--allow-install: the generated code's requirements.txt goes into a per-run venv (created from the sandbox's
Python with its system packages visible). pip runs on the host with wheels only (no sdist build scripts run on the
host); the code and its tests still run only inside the sandbox, which binds the venv read-only."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import threading
from pathlib import Path

from ...memory.filestore import DiskFileStore

REQUIREMENTS = "requirements.txt"
# a plain requirement: name, optional extras, optional version specifiers / markers. No options, URLs or paths.
_REQ = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9._,\s-]+\])?\s*([<>=!~]=?\s*[A-Za-z0-9.*+!_-]+\s*,?\s*)*"
                  r"(;\s*[^;]+)?$")
PIP_TIMEOUT_S = 600


def check_requirements(text: str) -> list[str]:
    """The requirement lines, or ValueError naming the first line that is not a plain package requirement."""
    reqs = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if not _REQ.match(line) or "://" in line or "/" in line:
            raise ValueError(f"requirements.txt: only plain package requirements are allowed (no options, URLs or "
                             f"paths): {line!r}")
        reqs.append(line)
    return reqs


class Installer:
    """Keeps the run's venv in sync with the newest requirements.txt it was asked to install."""

    def __init__(self, venv_dir: Path, base_python: str):
        self.venv_dir = Path(venv_dir)
        self.base_python = base_python
        self._lock = threading.Lock()
        self._done: set[str] = set()

    @property
    def python(self) -> Path:
        return self.venv_dir / "bin" / "python"

    def ensure_venv(self) -> Path:
        """Create the venv once (no pip inside; system site-packages visible so pytest is there)."""
        with self._lock:
            if not self.python.exists():
                proc = subprocess.run([self.base_python, "-m", "venv", "--without-pip", "--system-site-packages",
                                       str(self.venv_dir)], capture_output=True, text=True, timeout=120)
                if proc.returncode != 0:
                    raise RuntimeError(f"cannot create the per-run venv: {proc.stderr.strip()[-300:]}")
            self.venv_dir.chmod(0o755)
        return self.python

    def sync(self, store: DiskFileStore) -> str:
        """Install store's requirements.txt if it changed; '' on success (or nothing to do), else the error."""
        if not store.exists(REQUIREMENTS):
            return ""
        text = store.read(REQUIREMENTS)
        try:
            reqs = check_requirements(text)
        except ValueError as e:
            return str(e)
        key = hashlib.sha256("\n".join(sorted(reqs)).encode()).hexdigest()
        with self._lock:
            if not reqs or key in self._done:
                return ""
            if not self.python.exists():
                return "the per-run venv does not exist (it is created when the build starts)"
            proc = subprocess.run([sys.executable, "-m", "pip", "--python", str(self.python), "install",
                                   "--only-binary=:all:", "--no-input", "--disable-pip-version-check", *reqs],
                                  capture_output=True, text=True, timeout=PIP_TIMEOUT_S)
            if proc.returncode != 0:
                tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
                return "installing requirements.txt failed (wheels only):\n" + "\n".join(tail)
            self._done.add(key)
        return ""
