"""Forgotten imports with a certain answer are added before the checks run (real files, real sandboxed pytest; only
the model is scripted)."""

from __future__ import annotations

from build_director import Director, plan_reply
from test_files_protocol import files

from synthloop.agents.build.autoimport import add_missing_imports
from synthloop.agents.build_run import run_build
from synthloop.agents.scripted import ScriptedModel
from synthloop.memory.filestore import DiskFileStore

# what a 1.5B model wrote in a real design-task run (shortened): `string` and `time` used, never imported
SERVICE = ('"""Short codes for URLs."""\nimport random\n\n\nclass Shortener:\n    def __init__(self, clock=None):\n'
           "        self.clock = clock or time.time\n        self.urls = {}\n\n    def shorten(self, url):\n"
           "        code = ''.join(random.choices(string.ascii_letters, k=6))\n"
           "        self.urls[code] = (url, self.clock())\n        return code\n")
TESTS = ("import pytest\n\n\n@pytest.fixture\ndef service():\n    return Shortener(lambda: 5.0)\n\n\n"
         "def test_shorten(service):\n    code = service.shorten('http://a.b')\n"
         "    assert len(code) == 6 and service.urls[code] == ('http://a.b', 5.0)\n\n\n"
         "def test_clock_default():\n    assert Shortener().clock is time.time\n")


def test_modules_known_names_and_project_definitions_are_imported(open_tmp):
    store = DiskFileStore(open_tmp / "ws")
    store.write("shortener/service.py", SERVICE)
    store.write("tests/test_service.py", TESTS)
    added = {a.path: a.imports for a in add_missing_imports(store, ["shortener/service.py", "tests/test_service.py"])}
    assert added == {"shortener/service.py": ["import string", "import time"],
                     "tests/test_service.py": ["from shortener.service import Shortener", "import time"]}
    head = store.read("shortener/service.py").splitlines()[:4]
    assert head == ['"""Short codes for URLs."""', "import random", "import string", "import time"]
    assert add_missing_imports(store, ["shortener/service.py", "tests/test_service.py"]) == []  # nothing left


def test_only_certain_answers_are_added(open_tmp):
    store = DiskFileStore(open_tmp / "ws")
    store.write("a.py", "def helper():\n    return 1\n")
    store.write("b.py", "def helper():\n    return 2\n")
    store.write("src/pkg/core.py", "class Engine:\n    pass\n")
    body = ("from __future__ import annotations\n\n\ndef f(xs):\n    counts = defaultdict(int)\n"
            "    stamp = datetime.now()\n    e = Engine()\n    return helper(), mystery(xs), counts, stamp, e\n")
    store.write("use.py", body)
    store.write("broken.py", "def g(:\n    return time.time()\n")
    store.write("local.py", "def h():\n    string = 'x'\n    return string.upper()\n")
    store.write("star.py", "from os.path import *\n\n\ndef k():\n    return time.time(), join('a', 'b')\n")
    added = add_missing_imports(store, ["use.py", "broken.py", "local.py", "star.py", "missing.py"])
    assert [(a.path, a.imports) for a in added] == [
        ("use.py", ["from collections import defaultdict", "from datetime import datetime", "from pkg.core import Engine"])]
    text = store.read("use.py")
    assert text.startswith("from __future__ import annotations\nfrom collections import defaultdict\n")
    assert "helper" not in text.split("def f")[0] and "mystery" not in text.split("def f")[0]  # ambiguous/unknown
    assert store.read("broken.py") == "def g(:\n    return time.time()\n"  # does not parse: left alone


def test_an_instruction_with_forgotten_imports_passes_without_a_fix_round(cfg, new_run, sandbox):
    cfg = cfg.model_copy(update={"build": cfg.build.model_copy(update={"tool_protocol": "files"})})
    plan = plan_reply([{"id": "core", "instruction": "a Shortener class with shorten(url)",
                        "files": ["shortener/service.py", "tests/test_service.py"]}])
    director = Director(plan, {"core": [files(shortener__service_py=SERVICE, tests__test_service_py=TESTS)
                                        + "\nSUMMARY: Shortener.shorten(url)"]})
    run = new_run()
    summary = run_build(cfg, run, "a URL shortener", model=ScriptedModel(director.replies(), context_size=16000),
                        sandbox=sandbox)
    assert summary["tests_ok"] and summary["tests_passed"] == 2
    done = [e for e in run.events() if e["kind"] == "instruction_done"]
    assert done and done[0]["fix_rounds"] == 0
    added = {e["path"]: e["imports"] for e in run.events() if e["kind"] == "imports_added"}
    assert added == {"shortener/service.py": ["import string", "import time"],
                     "tests/test_service.py": ["from shortener.service import Shortener", "import time"]}
    assert "import string" in (run.path / "workspace" / "shortener" / "service.py").read_text()
