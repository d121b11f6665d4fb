"""--allow-install: requirements validation, the per-run venv, and tests running sandboxed against it."""

from __future__ import annotations

import pytest
from build_director import Director, call, plan_reply

from synthloop.agents.build.install import Installer, check_requirements
from synthloop.agents.build_run import run_build
from synthloop.memory.filestore import DiskFileStore
from synthloop.memory.registry import InstructionRegistry


def test_check_requirements():
    assert check_requirements("# deps\nrequests>=2.0, <3\nattrs[tests]==23.1\n\nsix ; python_version>'3'\n") == [
        "requests>=2.0, <3", "attrs[tests]==23.1", "six ; python_version>'3'"]
    for bad in ["-e .", "--index-url http://evil/simple", "git+https://x/y.git", "./local_pkg", "pkg @ file:///x"]:
        with pytest.raises(ValueError, match="plain package requirements"):
            check_requirements(bad)


def test_bad_requirements_are_reported_not_installed(open_tmp):
    inst = Installer(open_tmp / "venv", "/usr/bin/python3")
    store = DiskFileStore(open_tmp / "ws")
    store.write("requirements.txt", "-e .\n")
    assert "plain package requirements" in inst.sync(store)
    assert not (open_tmp / "venv").exists()


def test_build_with_allow_install_runs_tests_against_the_venv(cfg, new_run):
    """pytest is already visible to the venv (system site-packages), so pip succeeds offline; the sandbox's
    interpreter is the venv's, and the check runs the generated tests with it."""
    plan = plan_reply([{"id": "dep", "instruction": "module with a requirements file",
                        "files": ["m.py", "requirements.txt", "tests/test_m.py"]}])
    director = Director(plan, {"dep": [
        call("write_file", path="requirements.txt", content="pytest\n"),
        call("write_file", path="m.py", content="import sys\n\nPREFIX = sys.prefix\n"),
        call("write_file", path="tests/test_m.py", content=(
            "from m import PREFIX\n\n\ndef test_runs_in_the_venv():\n    assert PREFIX.endswith('venv')\n")),
        call("mark_complete", summary="m.PREFIX")]})
    cfg = cfg.model_copy(update={"build": cfg.build.model_copy(update={"allow_install": True})})
    run = new_run()
    from synthloop.agents.scripted import ScriptedModel

    summary = run_build(cfg, run, "task", model=ScriptedModel(director.replies()))
    assert InstructionRegistry.load(run.path / "registry.json").get("dep").status == "done"
    assert (run.path / "venv" / "bin" / "python").exists()
    assert summary["tests_passed"] == 1
