"""File store: the generated codebase on disk, confined to its root, with atomic writes, patches and snapshots."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol, runtime_checkable

IGNORED_DIRS = frozenset({"__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache", ".git", ".venv", "venv"})
MAX_FILE_BYTES = 1_000_000


class FileStoreError(ValueError):
    """A file operation was refused or failed: path escape, missing file, patch text not found, ..."""


@dataclass(frozen=True)
class Edit:
    """One search/replace block: `search` must occur exactly once in the file."""

    search: str
    replace: str


@runtime_checkable
class FileStore(Protocol):
    """Files addressed by relative POSIX paths under one root."""

    def read(self, path: str) -> str: ...
    def write(self, path: str, text: str) -> None: ...
    def patch(self, path: str, edits: Sequence[Edit]) -> str: ...
    def delete(self, path: str) -> None: ...
    def exists(self, path: str) -> bool: ...
    def list(self) -> list[str]: ...


_BLOCK = re.compile(r"<<<<<<< SEARCH\n(.*?)\n?=======\n(.*?)\n?>>>>>>> REPLACE", re.S)


def parse_blocks(text: str) -> list[Edit]:
    """Parse aider-style `<<<<<<< SEARCH / ======= / >>>>>>> REPLACE` blocks."""
    edits = [Edit(m.group(1), m.group(2)) for m in _BLOCK.finditer(text)]
    if not edits:
        raise FileStoreError("no <<<<<<< SEARCH ... ======= ... >>>>>>> REPLACE block found in the patch")
    return edits


def apply_edits(text: str, edits: Sequence[Edit], *, path: str = "file") -> str:
    """Apply search/replace edits in order; each search text must occur exactly once."""
    for n, e in enumerate(edits, 1):
        if not e.search:
            raise FileStoreError(f"{path}: edit {n} has an empty search text")
        count = text.count(e.search)
        if count == 0:
            first = e.search.strip().splitlines()[0][:80] if e.search.strip() else e.search[:80]
            raise FileStoreError(f"{path}: edit {n}: search text not found (starting {first!r}); "
                                 "read the file and copy the exact lines")
        if count > 1:
            raise FileStoreError(f"{path}: edit {n}: search text is ambiguous ({count} matches); "
                                 "include more surrounding lines")
        text = text.replace(e.search, e.replace, 1)
    return text


def normalize(path: str) -> str:
    """A clean relative POSIX path, or FileStoreError for absolute paths, '..', empty or odd names."""
    if not isinstance(path, str) or not path.strip():
        raise FileStoreError("empty file path")
    if "\x00" in path or "\\" in path:
        raise FileStoreError(f"bad file path {path!r}")
    p = PurePosixPath(path.strip())
    if p.is_absolute():
        raise FileStoreError(f"absolute paths are not allowed: {path!r} (use a path relative to the project root)")
    parts = [x for x in p.parts if x not in ("", ".")]
    if not parts or ".." in parts:
        raise FileStoreError(f"path escapes the project root: {path!r}")
    return "/".join(parts)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _copy_tree(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, symlinks=True, ignore=shutil.ignore_patterns(*IGNORED_DIRS), dirs_exist_ok=True)


class DiskFileStore:
    """A FileStore on a directory. Snapshots are full copies under `snapshots_dir`/<name>/."""

    def __init__(self, root: str | Path, snapshots_dir: str | Path | None = None, max_file_bytes: int = MAX_FILE_BYTES):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.root = self.root.resolve()
        self.snapshots_dir = Path(snapshots_dir) if snapshots_dir is not None else None
        self.max_file_bytes = max_file_bytes

    # -- paths ----------------------------------------------------------------------------------------
    def _resolve(self, path: str) -> tuple[str, Path]:
        rel = normalize(path)
        full = self.root / rel
        real = Path(os.path.realpath(full))
        if real != self.root and self.root not in real.parents:
            raise FileStoreError(f"path leaves the project root through a symlink: {path!r}")
        if full.is_symlink():
            raise FileStoreError(f"{rel} is a symlink; symlinks are not editable")
        return rel, full

    # -- FileStore ------------------------------------------------------------------------------------
    def read(self, path: str) -> str:
        rel, full = self._resolve(path)
        if not full.is_file():
            raise FileStoreError(f"no such file: {rel}")
        data = full.read_bytes()
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise FileStoreError(f"{rel} is not a UTF-8 text file") from None

    def write(self, path: str, text: str) -> None:
        rel, full = self._resolve(path)
        data = text.encode("utf-8")
        if len(data) > self.max_file_bytes:
            raise FileStoreError(f"{rel}: {len(data)} bytes is over the {self.max_file_bytes}-byte limit per file")
        if full.is_dir():
            raise FileStoreError(f"{rel} is a directory")
        try:
            full.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise FileStoreError(f"cannot create {rel}: a parent path is a file") from None
        _atomic_write(full, data)

    def patch(self, path: str, edits: Sequence[Edit]) -> str:
        """Apply search/replace edits atomically (all or none); returns the new text."""
        rel, _ = self._resolve(path)
        new = apply_edits(self.read(rel), edits, path=rel)
        self.write(rel, new)
        return new

    def delete(self, path: str) -> None:
        rel, full = self._resolve(path)
        if not full.is_file():
            raise FileStoreError(f"no such file: {rel}")
        full.unlink()
        parent = full.parent
        while parent != self.root and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent

    def exists(self, path: str) -> bool:
        try:
            _, full = self._resolve(path)
        except FileStoreError:
            return False
        return full.is_file()

    def list(self) -> list[str]:
        """All regular files (no symlinks, no caches), sorted."""
        out: list[str] = []
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = sorted(d for d in dirnames if d not in IGNORED_DIRS
                                 and not os.path.islink(os.path.join(dirpath, d)))
            for f in filenames:
                full = os.path.join(dirpath, f)
                if os.path.islink(full) or not os.path.isfile(full) or f.endswith(".tmp") and f.startswith("."):
                    continue
                out.append(os.path.relpath(full, self.root).replace(os.sep, "/"))
        return sorted(out)

    # -- whole-tree operations ------------------------------------------------------------------------
    def read_all(self, paths: Iterable[str] | None = None) -> dict[str, str]:
        """Text of the given (default: all) files; binary files are skipped."""
        out = {}
        for p in self.list() if paths is None else paths:
            try:
                out[p] = self.read(p)
            except FileStoreError:
                continue
        return out

    def manifest(self) -> dict[str, str]:
        """path → sha256 of the content, for every file."""
        return {p: hashlib.sha256((self.root / p).read_bytes()).hexdigest() for p in self.list()}

    def clone_to(self, dest: str | Path) -> DiskFileStore:
        """A fresh copy of this tree at `dest` (replacing whatever was there)."""
        dest = Path(dest)
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        _copy_tree(self.root, dest)
        return DiskFileStore(dest, self.snapshots_dir, self.max_file_bytes)

    def _snapshot_path(self, name: str) -> Path:
        if self.snapshots_dir is None:
            raise FileStoreError("this file store has no snapshots directory")
        if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", name):
            raise FileStoreError(f"bad snapshot name {name!r}")
        return self.snapshots_dir / name

    def snapshot(self, name: str) -> Path:
        """Copy the whole tree to snapshots_dir/<name> (replacing an older snapshot of that name)."""
        dest = self._snapshot_path(name)
        tmp = dest.with_name(f".{dest.name}.{secrets.token_hex(4)}.tmp")
        tmp.mkdir(parents=True)
        _copy_tree(self.root, tmp)
        if dest.exists():
            shutil.rmtree(dest)
        os.replace(tmp, dest)
        return dest

    def snapshots(self) -> list[str]:
        if self.snapshots_dir is None or not self.snapshots_dir.exists():
            return []
        return sorted(p.name for p in self.snapshots_dir.iterdir() if p.is_dir() and not p.name.startswith("."))

    def restore(self, name: str) -> None:
        """Make the tree exactly the snapshot's content (files added since are removed)."""
        src = self._snapshot_path(name)
        if not src.is_dir():
            raise FileStoreError(f"no snapshot {name!r}")
        for child in self.root.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
        _copy_tree(src, self.root)
