"""Safe host-side access to a sandbox's work dir: files go in and out without following links the sandbox planted."""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from .sandbox import SandboxUnavailable


class UnsafePath(ValueError):
    """A path that is absolute, escapes the work dir, or passes through a symlink."""


def check_relpath(relpath: str) -> PurePosixPath:
    """Validate a work-dir-relative path (no absolute paths, no `..`, not empty)."""
    p = PurePosixPath(relpath)
    if not relpath or p.is_absolute() or any(part in ("..", "") for part in p.parts) or "\x00" in relpath:
        raise UnsafePath(f"unsafe path {relpath!r}: must be relative to the work dir, without '..'")
    return p


def _open_dir_nofollow(workdir: Path, parts: tuple[str, ...], create: bool) -> int:
    """Open workdir/parts... as a directory fd, refusing symlinks at every step."""
    fd = os.open(workdir, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for part in parts:
            if part == ".":
                continue
            if create:
                try:
                    os.mkdir(part, 0o755, dir_fd=fd)
                except FileExistsError:
                    pass
            try:
                nfd = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            except OSError as e:
                raise UnsafePath(f"{part!r} in the work dir is not a plain directory ({e.strerror})") from e
            os.close(fd)
            fd = nfd
        return fd
    except BaseException:
        os.close(fd)
        raise


def write_files(workdir: Path, files: Mapping[str, str | bytes]) -> None:
    """Write files under workdir; an existing entry (even a symlink) is replaced, never written through."""
    for rel, content in files.items():
        p = check_relpath(rel)
        data = content.encode() if isinstance(content, str) else bytes(content)
        dfd = _open_dir_nofollow(workdir, p.parts[:-1], create=True)
        try:
            name = p.parts[-1]
            try:
                os.unlink(name, dir_fd=dfd)
            except FileNotFoundError:
                pass
            except IsADirectoryError as e:
                raise UnsafePath(f"{rel!r} is a directory in the work dir") from e
            fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644, dir_fd=dfd)
            try:
                with os.fdopen(fd, "wb", closefd=False) as fh:
                    fh.write(data)
            finally:
                os.close(fd)
        finally:
            os.close(dfd)


def read_file(workdir: Path, relpath: str, max_bytes: int = 16 << 20) -> bytes:
    """Read a regular file from the work dir (no symlinks anywhere on the path), at most max_bytes."""
    p = check_relpath(relpath)
    dfd = _open_dir_nofollow(workdir, p.parts[:-1], create=False)
    try:
        fd = os.open(p.parts[-1], os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dfd)
    except OSError as e:
        raise FileNotFoundError(f"{relpath}: {e.strerror}") from e
    finally:
        os.close(dfd)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UnsafePath(f"{relpath!r} is not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read(max_bytes)
    finally:
        os.close(fd)


def remove_file(workdir: Path, relpath: str) -> None:
    """Remove one entry (not following links); missing is fine."""
    p = check_relpath(relpath)
    try:
        dfd = _open_dir_nofollow(workdir, p.parts[:-1], create=False)
    except UnsafePath:
        return
    try:
        os.unlink(p.parts[-1], dir_fd=dfd)
    except FileNotFoundError:
        pass
    finally:
        os.close(dfd)


def give_to(workdir: Path, uid: int) -> None:
    """Make workdir and everything in it owned by uid. Needs root.

    fd-based (os.fwalk + dir_fd, never following links), so a sandboxed process that swaps a directory for a symlink
    while we walk cannot make us chown anything outside the work dir.
    """
    try:
        st = os.lstat(workdir)
    except FileNotFoundError as e:
        raise SandboxUnavailable(f"work dir {workdir} does not exist") from e
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
        raise SandboxUnavailable(f"work dir {workdir} is not a plain directory")
    if st.st_uid != uid:
        os.chown(workdir, uid, uid, follow_symlinks=False)
    for _root, dirs, names, dfd in os.fwalk(workdir, follow_symlinks=False):
        for name in dirs + names:
            try:
                if os.stat(name, dir_fd=dfd, follow_symlinks=False).st_uid != uid:
                    os.chown(name, uid, uid, dir_fd=dfd, follow_symlinks=False)
            except FileNotFoundError:
                continue
