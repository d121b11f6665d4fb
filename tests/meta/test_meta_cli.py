"""`synthloop meta ...` end to end through an OpenAI-compatible HTTP endpoint (FakeOpenAIServer), with the designs
running in the real sandbox."""

from __future__ import annotations

import json

import pytest
from PIL import Image
from scripted_meta import dispatch, split_file
from typer.testing import CliRunner

from synthloop.agents.fake_server import FakeOpenAIServer
from synthloop.cli import _register, app
from synthloop.memory.runstore import RunStore


@pytest.fixture(scope="module")
def cli_run(reachable_dir, sandbox):
    _register()
    tmp = reachable_dir()
    runs = tmp / "runs"
    split = split_file(tmp / "split.json")
    runner = CliRunner()
    env = {"COLUMNS": "250", "NO_COLOR": "1", "VLLM_API_KEY": "dummy"}
    with FakeOpenAIServer([lambda body: dispatch(body["messages"])] * 200) as srv:
        env["SYNTHLOOP_MODEL__BASE_URL"] = srv.base_url

        def invoke(*args: str):
            return runner.invoke(app, ["--runs-dir", str(runs), *args], env=env, prog_name="synthloop")

        res = invoke("meta", "search", "--domain", "arc", "--generations", "1", "--model", "vllm",
                     "--split-file", split, "--seeds", "cot", "--timeout", "5", "--debug-tries", "0",
                     "--reflections", "0", "--workers", "2")
        assert res.exit_code == 0, res.output + repr(res.exception)
        run = RunStore(runs).list()[0]
        yield run, invoke, res, srv


def test_search_through_an_http_endpoint(cli_run):
    run, _, res, srv = cli_run
    assert "chosen on validation: Chain-of-Thought (seed-cot): 50.0%" in res.output
    assert run.info.status == "done" and run.info.kind == "meta-search"
    bodies = srv.requests
    assert all(b["model"] == "Qwen/Qwen2.5-Coder-7B-Instruct" for b in bodies)
    assert any(b["response_format"]["json_schema"]["name"] == "Proposal" for b in bodies)
    assert any(b["response_format"]["json_schema"]["name"] == "DesignReply" for b in bodies)
    assert run.info.prompt_tokens > 0  # usage reported by the endpoint is accounted on the run


def test_archive_show_plot_and_test_commands(cli_run):
    run, invoke, _, srv = cli_run
    res = invoke("meta", "archive", run.id)
    assert res.exit_code == 0, res.output
    assert "seed-cot" in res.output and "Raiser" in res.output and "50.0% [0.0, 100.0]" in res.output
    assert "2/2" in res.output  # the raiser failed on both tasks

    res = invoke("meta", "show", run.id, "Raiser")
    assert res.exit_code == 0 and "ZeroDivisionError" in res.output and "def forward(task)" in res.output

    res = invoke("meta", "plot", run.id)
    assert res.exit_code == 0, res.output
    with Image.open(run.path / "fitness.png") as img:
        assert img.size == (900, 540) and img.format == "PNG"

    res = invoke("meta", "test", run.id)
    assert res.exit_code == 0, res.output
    assert "chosen on validation" in res.output and "33.3%" in res.output
    result = json.loads((run.path / "run.json").read_text())["result"]
    assert result["test"]["chosen"]["id"] == "seed-cot"

    res = invoke("meta", "show", run.id, "no-such-design")
    assert res.exit_code != 0


def test_bad_arguments_are_one_line_errors(reachable_dir):
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", "from synthloop.cli import main; main()", "--runs-dir",
                          str(reachable_dir()), "meta", "search", "--domain", "chess"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "unknown domain 'chess'" in out.stderr and "Traceback" not in out.stderr


def test_budget_stop_then_runs_resume(reachable_dir, sandbox):
    from synthloop.agents.model import BudgetExceeded

    _register()
    tmp = reachable_dir()
    runs = tmp / "runs"
    split = split_file(tmp / "split.json")
    runner = CliRunner()
    with FakeOpenAIServer([lambda body: dispatch(body["messages"])] * 200) as srv:
        env = {"COLUMNS": "250", "NO_COLOR": "1", "VLLM_API_KEY": "dummy", "SYNTHLOOP_MODEL__BASE_URL": srv.base_url,
               "SYNTHLOOP_BUDGET__MAX_TOKENS": "1"}
        res = runner.invoke(app, ["--runs-dir", str(runs), "meta", "search", "--generations", "1", "--model", "vllm",
                                  "--split-file", split, "--seeds", "cot", "--workers", "1", "--debug-tries", "0",
                                  "--reflections", "0"], env=env, prog_name="synthloop")
        assert isinstance(res.exception, BudgetExceeded), res.output
        run = RunStore(runs).list()[0]
        assert run.info.status == "budget_exceeded"
        env["SYNTHLOOP_BUDGET__MAX_TOKENS"] = "0"  # raise the budget (0 = unlimited) and resume
        res = runner.invoke(app, ["--runs-dir", str(runs), "runs", "resume", run.id], env=env, prog_name="synthloop")
        assert res.exit_code == 0, res.output + repr(res.exception)
    run = RunStore(runs).open(run.id)
    assert run.info.status == "done"
    assert run.info.result["chosen"]["id"] == "seed-cot"
    assert [e["kind"] for e in run.events()].count("run_resumed") == 1
