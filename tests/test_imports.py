"""Importing the package and its subpackages is cheap: no openai, docker or langgraph at import time."""

from __future__ import annotations

import json
import subprocess
import sys

MODULES = ["synthloop", "synthloop.agents", "synthloop.memory", "synthloop.tools", "synthloop.arc",
           "synthloop.meta_search", "synthloop.cli"]
HEAVY = ["openai", "docker", "langgraph"]

PROBE = """
import importlib, json, sys
heavy = {heavy!r}
out = {{}}
for name in {modules!r}:
    importlib.import_module(name)
    out[name] = sorted(h for h in heavy if h in sys.modules)
from synthloop.cli import _register
_register()  # every command group's module, as `synthloop --help` loads them
out["synthloop.cli groups"] = sorted(h for h in heavy if h in sys.modules)
print(json.dumps(out))
"""


def test_imports_pull_in_no_heavy_dependencies():
    res = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY, modules=MODULES)],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    loaded = json.loads(res.stdout.strip().splitlines()[-1])
    first = {name: mods for name, mods in loaded.items() if mods}
    assert not first, f"heavy modules imported at import time (first module that pulls them in): {first}"


def test_the_openai_client_module_is_the_only_one_importing_openai():
    from pathlib import Path

    import synthloop

    root = Path(synthloop.__file__).parent
    importers = sorted(str(p.relative_to(root)) for p in root.rglob("*.py")
                       if any(line.strip().startswith(("import openai", "from openai"))
                              for line in p.read_text().splitlines()))
    assert importers == ["agents/openai_model.py"]
