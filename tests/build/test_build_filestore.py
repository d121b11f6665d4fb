"""Disk file store: confinement, atomic writes, patches, snapshots and rollback."""

from __future__ import annotations

import os

import pytest

from synthloop.memory.filestore import DiskFileStore, Edit, FileStoreError, apply_edits, parse_blocks


@pytest.fixture()
def store(tmp_path):
    return DiskFileStore(tmp_path / "ws", snapshots_dir=tmp_path / "snaps")


def test_write_read_list_delete(store):
    store.write("pkg/mod.py", "x = 1\n")
    store.write("README.md", "hi")
    assert store.read("pkg/mod.py") == "x = 1\n"
    assert store.list() == ["README.md", "pkg/mod.py"]
    store.delete("pkg/mod.py")
    assert store.list() == ["README.md"] and not (store.root / "pkg").exists()
    with pytest.raises(FileStoreError, match="no such file"):
        store.read("pkg/mod.py")


@pytest.mark.parametrize("bad", ["../x.py", "a/../../x.py", "/etc/passwd", "", "a\\b.py"])
def test_path_escapes_refused(store, bad):
    with pytest.raises(FileStoreError):
        store.write(bad, "boom")


def test_symlink_out_of_root_refused(store, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("s")
    os.symlink(outside, store.root / "link")
    os.symlink(outside / "secret.txt", store.root / "s.txt")
    with pytest.raises(FileStoreError, match="symlink"):
        store.write("link/evil.py", "x")
    with pytest.raises(FileStoreError, match="symlink"):
        store.read("s.txt")
    assert not (outside / "evil.py").exists()
    assert store.list() == []


def test_patch_applies_and_reports_missing_or_ambiguous(store):
    store.write("a.py", "def f():\n    return 1\n\ndef g():\n    return 1\n")
    new = store.patch("a.py", [Edit("def f():\n    return 1", "def f():\n    return 2")])
    assert "return 2" in new and store.read("a.py") == new
    with pytest.raises(FileStoreError, match="not found"):
        store.patch("a.py", [Edit("def h():", "x")])
    with pytest.raises(FileStoreError, match="ambiguous"):
        store.patch("a.py", [Edit("    return", "    yield")])
    # all or nothing: the first edit applies in memory, the second fails, the file is unchanged
    with pytest.raises(FileStoreError):
        store.patch("a.py", [Edit("return 2", "return 9"), Edit("zzz", "y")])
    assert store.read("a.py") == new


def test_parse_blocks():
    edits = parse_blocks("<<<<<<< SEARCH\na = 1\n=======\na = 2\n>>>>>>> REPLACE\n")
    assert edits == [Edit("a = 1", "a = 2")]
    assert apply_edits("a = 1\n", edits) == "a = 2\n"
    with pytest.raises(FileStoreError, match="no <<<<<<< SEARCH"):
        parse_blocks("just text")


def test_snapshot_and_restore_rolls_back(store):
    store.write("a.py", "v1")
    store.snapshot("0001-a")
    store.write("a.py", "v2")
    store.write("b.py", "new")
    store.restore("0001-a")
    assert store.list() == ["a.py"] and store.read("a.py") == "v1"
    assert store.snapshots() == ["0001-a"]
    with pytest.raises(FileStoreError, match="no snapshot"):
        store.restore("nope")


def test_clone_and_manifest(store, tmp_path):
    store.write("a.py", "x")
    (store.root / "__pycache__").mkdir()
    (store.root / "__pycache__" / "a.pyc").write_bytes(b"\0")
    clone = store.clone_to(tmp_path / "scratch")
    clone.write("a.py", "y")
    assert store.read("a.py") == "x" and clone.list() == ["a.py"]
    assert store.manifest() != clone.manifest()


def test_size_limit(tmp_path):
    s = DiskFileStore(tmp_path / "w", max_file_bytes=10)
    with pytest.raises(FileStoreError, match="limit"):
        s.write("big.txt", "x" * 11)
