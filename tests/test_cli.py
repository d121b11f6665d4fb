"""The `synthloop` command line: help for every group, one-line errors, runs list/show."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from synthloop.cli import _register, app
from synthloop.config import load_config, to_toml
from synthloop.memory.runstore import RunStore

GROUPS = ["build", "arc", "meta", "runs", "models", "sandbox", "config"]


def synthloop(*args: str, cwd=None, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the real entry point (main) in a fresh interpreter."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SYNTHLOOP_")}
    env.update({"COLUMNS": "250", "NO_COLOR": "1", **(env_extra or {})})
    return subprocess.run([sys.executable, "-c", "from synthloop.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=120, cwd=cwd, env=env)


@pytest.fixture(scope="module")
def runner():
    _register()
    return CliRunner()


@pytest.mark.parametrize("group", [None, *GROUPS])
def test_help_exits_zero(runner, group):
    args = [group, "--help"] if group else ["--help"]
    res = runner.invoke(app, args, prog_name="synthloop")
    assert res.exit_code == 0, res.output
    assert "Usage" in res.output
    if group is None:
        for g in GROUPS:
            assert g in res.output


def test_bad_config_is_one_line_exit_2_without_traceback(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[arc]\nworkers = 0\n")
    res = synthloop("-c", str(bad), "config", "show")
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr + res.stdout
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "arc.workers" in lines[0] and str(bad) in lines[0]


def test_config_show_prints_parseable_resolved_toml(tmp_path):
    import tomllib

    user = tmp_path / "u.toml"
    user.write_text('[model]\npreset = "ollama"\n')
    res = synthloop("-c", str(user), "config", "show", env_extra={"SYNTHLOOP_ARC__WORKERS": "3"})
    assert res.returncode == 0, res.stderr
    data = tomllib.loads(res.stdout)
    assert data["model"]["preset"] == "ollama" and data["arc"]["workers"] == 3


def test_runs_list_and_show(tmp_path):
    runs_dir = tmp_path / "runs"
    empty = synthloop("--runs-dir", str(runs_dir), "runs", "list")
    assert empty.returncode == 0 and f"no runs in {runs_dir}" in " ".join(empty.stdout.split())
    run = RunStore(runs_dir).create("arc-eval", to_toml(load_config(environ={})), argv=["arc", "eval"])
    run.add_usage(120, 30, 0.0042)
    run.event("model_call", role="model", prompt_tokens=120, completion_tokens=30)
    run.finish("done", result={"accuracy": 0.25})
    listed = synthloop("--runs-dir", str(runs_dir), "runs", "list")
    assert listed.returncode == 0, listed.stderr
    row = next(ln for ln in listed.stdout.splitlines() if run.id in ln)
    assert "arc-eval" in row and "done" in row and "150" in row and "0.0042" in row
    shown = synthloop("--runs-dir", str(runs_dir), "runs", "show", run.id[:-1])
    assert shown.returncode == 0, shown.stderr
    for text in (run.id, "done", "120", "0.0042", "result.accuracy", "model_call=1", "run_started=1"):
        assert text in shown.stdout, text


def test_runs_show_unknown_id_is_one_line_error(tmp_path):
    res = synthloop("--runs-dir", str(tmp_path / "runs"), "runs", "show", "nope")
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "no run 'nope'" in res.stderr
