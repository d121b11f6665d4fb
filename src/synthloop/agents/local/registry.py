"""The model cache's registry: a small JSON file (registry.json) naming each installed GGUF.

Writes are atomic (temp file + rename) and serialised with an flock on registry.lock."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from ...errors import UserError

REGISTRY_FILE = "registry.json"
LOCK_FILE = "registry.lock"


@dataclass
class InstalledModel:
    """One registered GGUF: pulled into the cache ("pull") or a file the user already had ("path")."""

    name: str
    path: str
    sha256: str
    size: int
    source: str            # "pull" | "path"
    verified: bool         # sha256 equals the catalog's pin
    added: str = ""

    def present(self) -> bool:
        """The file is still there with the recorded size (cheap; no re-hash)."""
        try:
            return os.path.getsize(self.path) == self.size
        except OSError:
            return False


class Registry:
    """registry.json in a cache directory."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.file = self.root / REGISTRY_FILE

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the registry's exclusive lock (also used to serialise pulls into this cache)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / LOCK_FILE, "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _read(self) -> dict[str, InstalledModel]:
        try:
            data = json.loads(self.file.read_text())
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as e:
            raise UserError(f"model registry {self.file} is unreadable ({e}); delete it and pull again") from None
        models = data.get("models", {}) if isinstance(data, dict) else {}
        try:
            return {name: InstalledModel(**{**rec, "name": name}) for name, rec in models.items()}
        except TypeError as e:
            raise UserError(f"model registry {self.file} has a bad entry ({e}); delete it and pull again") from None

    def _write(self, models: dict[str, InstalledModel]) -> None:
        body = {"version": 1, "models": {n: {k: v for k, v in asdict(m).items() if k != "name"}
                                         for n, m in sorted(models.items())}}
        fd, tmp = tempfile.mkstemp(prefix=".registry-", suffix=".json", dir=self.root)
        try:
            os.fchmod(fd, 0o644)
            with os.fdopen(fd, "w") as fh:
                json.dump(body, fh, indent=2)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.file)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def all(self) -> dict[str, InstalledModel]:
        return self._read()

    def get(self, name: str) -> InstalledModel | None:
        return self._read().get(name)

    def record(self, model: InstalledModel) -> None:
        """Add or replace an entry (caller holds `locked()`)."""
        if not model.added:
            model.added = datetime.now(UTC).isoformat(timespec="seconds")
        models = self._read()
        models[model.name] = model
        self._write(models)

    def remove(self, name: str) -> InstalledModel | None:
        """Drop an entry (caller holds `locked()`); the file itself is the caller's business."""
        models = self._read()
        gone = models.pop(name, None)
        if gone is not None:
            self._write(models)
        return gone
