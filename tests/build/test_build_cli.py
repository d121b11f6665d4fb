"""`synthloop build` argument errors are one line and exit code 2; nothing is started for bad input."""

from __future__ import annotations

import pytest

from synthloop.cli import main


def _run(argv, capsys):
    with pytest.raises(SystemExit) as ex:
        main(argv)
    out = capsys.readouterr()
    return ex.value.code, out.out + out.err


@pytest.mark.parametrize("args,msg", [
    ([], "exactly one"),
    (["task", "-f", "t.md"], "exactly one"),
    (["-f", "/nonexistent/task.md"], "cannot read task file"),
    (["task", "--plan", "/nonexistent/plan.json"], "plan file not found"),
])
def test_bad_arguments(args, msg, capsys, tmp_path):
    code, text = _run(["--runs-dir", str(tmp_path / "runs"), "build", "run", *args], capsys)
    assert code == 2 and msg in text and "Traceback" not in text
    assert not (tmp_path / "runs").exists()


def test_out_dir_must_be_new_or_empty(capsys, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("user data")
    code, text = _run(["--runs-dir", str(tmp_path / "runs"), "build", "run", "task", "--out", str(out)], capsys)
    assert code == 2 and "not an empty directory" in text and (out / "keep.txt").read_text() == "user data"


def test_eval_unknown_suite(capsys, tmp_path):
    code, text = _run(["--runs-dir", str(tmp_path / "runs"), "build", "eval", "--suite", "nope"], capsys)
    assert code == 2 and "unknown suite" in text
