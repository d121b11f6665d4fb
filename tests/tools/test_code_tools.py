"""Code tools on the real bwrap sandbox: pytest outcomes are reported honestly; syntax checks execute nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from synthloop.tools.code_tools import run_file, run_pytest, syntax_check
from synthloop.tools.sandbox import Sandbox
from synthloop.tools.workdir import UnsafePath, write_files


def test_passing_suite(bwrap_sandbox: Sandbox, workdir: Path) -> None:
    write_files(
        workdir,
        {
            "calc.py": "def add(a, b):\n    return a + b\n",
            "tests/test_calc.py": (
                "import pytest\nfrom calc import add\n"
                "def test_add():\n    assert add(1, 2) == 3\n"
                "class TestMore:\n    def test_neg(self):\n        assert add(-1, 1) == 0\n"
                "@pytest.mark.skip(reason='later')\ndef test_later():\n    pass\n"
            ),
        },
    )
    rep = run_pytest(bwrap_sandbox, workdir, timeout_s=30)
    assert rep.ok, rep.output
    assert (rep.passed, rep.failed, rep.errors, rep.skipped) == (2, 0, 0, 1)
    assert rep.failures == []
    assert not any(p.name.startswith(".synthloop-junit") for p in workdir.iterdir())


def test_failing_test_is_named(bwrap_sandbox: Sandbox, workdir: Path) -> None:
    write_files(
        workdir,
        {"test_x.py": "def test_ok():\n    pass\n\nclass TestK:\n    def test_bad(self):\n        assert 1 + 1 == 3\n"},
    )
    rep = run_pytest(bwrap_sandbox, workdir, timeout_s=30)
    assert not rep.ok
    assert (rep.passed, rep.failed) == (1, 1)
    [(nodeid, message)] = rep.failures
    assert nodeid == "test_x.py::TestK::test_bad"
    assert "assert 2 == 3" in message or "assert (1 + 1) == 3" in message


def test_timeout_is_a_failure(bwrap_sandbox: Sandbox, workdir: Path) -> None:
    write_files(workdir, {"test_slow.py": "def test_forever():\n    while True:\n        pass\n"})
    rep = run_pytest(bwrap_sandbox, workdir, timeout_s=3)
    assert rep.timed_out and not rep.ok
    assert "TIMED OUT" in rep.summary()


def test_collection_error_is_a_failure(bwrap_sandbox: Sandbox, workdir: Path) -> None:
    write_files(
        workdir,
        {"test_broken.py": "import no_such_module\n\ndef test_a():\n    pass\n", "test_fine.py": "def test_b():\n    pass\n"},
    )
    rep = run_pytest(bwrap_sandbox, workdir, timeout_s=30)
    assert rep.collection_error and not rep.ok
    assert any("no_such_module" in msg for _, msg in rep.failures)


def test_no_tests_is_reported_never_a_pass(bwrap_sandbox: Sandbox, workdir: Path) -> None:
    write_files(workdir, {"app.py": "x = 1\n"})
    rep = run_pytest(bwrap_sandbox, workdir, timeout_s=30)
    assert rep.no_tests and not rep.ok
    assert "NO TESTS" in rep.summary()


def test_target_subdirectory_and_bad_targets(bwrap_sandbox: Sandbox, workdir: Path) -> None:
    write_files(workdir, {"a/test_a.py": "def test_a():\n    pass\n", "b/test_b.py": "def test_b():\n    assert 0\n"})
    rep = run_pytest(bwrap_sandbox, workdir, target="a", timeout_s=30)
    assert rep.ok and rep.passed == 1
    with pytest.raises(UnsafePath):
        run_pytest(bwrap_sandbox, workdir, target="../etc")


def test_run_file(bwrap_sandbox: Sandbox, workdir: Path) -> None:
    write_files(workdir, {"main.py": "import sys\nprint('hi')\nsys.exit(3)\n", "loop.py": "while True:\n    pass\n"})
    res = run_file(bwrap_sandbox, workdir, "main.py", timeout_s=10)
    assert res.stdout == "hi\n" and res.returncode == 3
    assert run_file(bwrap_sandbox, workdir, "loop.py", timeout_s=1).timed_out
    with pytest.raises(FileNotFoundError):
        run_file(bwrap_sandbox, workdir, "missing.py")


def test_syntax_check_reports_without_running(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    errors = syntax_check(
        {
            "ok.py": f"open({str(marker)!r}, 'w').write('executed')\n",
            "bad.py": "def f(:\n    pass\n",
            "outside.py": "return 1\n",
            "notes.txt": "((( not python",
        }
    )
    assert len(errors) == 2
    assert errors[0].startswith("bad.py:1:") and "SyntaxError" in errors[0]
    assert errors[1].startswith("outside.py:1:") and "'return' outside function" in errors[1]
    assert not marker.exists()


def test_files_never_written_through_planted_symlinks(workdir: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("original")
    (workdir / "main.py").symlink_to(victim)
    write_files(workdir, {"main.py": "print('new')\n"})
    assert victim.read_text() == "original"
    assert (workdir / "main.py").read_text() == "print('new')\n" and not (workdir / "main.py").is_symlink()
    (workdir / "sub").symlink_to(tmp_path)
    with pytest.raises(UnsafePath):
        write_files(workdir, {"sub/x.py": "x"})
    with pytest.raises(UnsafePath):
        write_files(workdir, {"../x.py": "x"})
