"""Scripted replies for meta-search tests: pure functions of the messages (so call order, parallel items and
resumes do not matter). The meta agent proposes, in turn, a design that raises, one that loops forever and a good
one; the designs' model always answers with a rotate-180 transform."""

from __future__ import annotations

import json
from typing import Any

from synthloop.agents.metered import MeteredModel
from synthloop.agents.scripted import ScriptedModel
from synthloop.meta_search.domains.base import prompt_text

VALIDATION = ["6150a2bd", "ed36ccf7"]  # rotate 180, rotate 90
TEST = ["3c9b0459", "9dfd6313", "67a3c6ac"]  # rotate 180, transpose, mirror

ROT180 = "def transform(grid):\n    return [list(row[::-1]) for row in grid[::-1]]\n"

RAISER = '''def forward(task):
    reply = ask("Solve the task.", [task], fields=["thinking", "code"])
    ratio = len(reply.code) / 0
    return task.finish(reply.code)
'''

LOOPER = '''def forward(task):
    n = 0
    while True:
        n += 1
'''

GOOD = '''import numpy as np

CANDIDATES = [
    "def transform(g):\\n    return [list(r[::-1]) for r in g[::-1]]\\n",
    "import numpy as np\\ndef transform(g):\\n    return np.rot90(np.array(g)).tolist()\\n",
    "import numpy as np\\ndef transform(g):\\n    return np.rot90(np.array(g), -1).tolist()\\n",
    "def transform(g):\\n    return [list(r) for r in zip(*g)]\\n",
    "def transform(g):\\n    return [list(r[::-1]) for r in g]\\n",
]


def forward(task):
    reply = Agent(["thinking", "code"], role="a careful solver")(task.instruction, [task])
    best = max([reply.code] + CANDIDATES, key=lambda code: task.check(code).score)
    return task.finish(best)
'''

DESIGNS = {
    "Raiser": {"thought": "Divide the code length by zero.", "code": RAISER, "parents": ["Chain-of-Thought"]},
    "Looper": {"thought": "Think forever.", "code": LOOPER, "parents": []},
    "Verified Transform Library": {"thought": "Ask the model, then verify it and a library of symmetry "
                                   "transforms on the training pairs and keep the best.", "code": GOOD,
                                   "parents": ["Chain-of-Thought"]},
}


def _proposal(name: str, code: str | None = None) -> str:
    d = DESIGNS[name]
    return json.dumps({"thought": d["thought"], "name": name, "parents": d["parents"], "code": code or d["code"]})


def meta_reply(messages: list[dict[str, Any]]) -> str:
    """Next proposal: Raiser, then Looper, then the good design (by which names the archive already shows)."""
    last = messages[-1]["content"]
    if "Review the design you just proposed" in last:
        return messages[-2]["content"]  # the reflection keeps the design
    if "was run on the validation tasks and it does not work" in last:
        prev = json.loads(messages[-2]["content"])
        return _proposal(prev["name"])  # the "fix" changes nothing: it fails again
    prompt = messages[1]["content"]
    if "Looper" in prompt:
        return _proposal("Verified Transform Library")
    if "Raiser" in prompt:
        return _proposal("Looper")
    return _proposal("Raiser")


def design_reply(messages: list[dict[str, Any]]) -> str:
    return json.dumps({"thinking": "The output is the input turned upside down.", "code": ROT180})


def any_fields_reply(messages: list[dict[str, Any]]) -> str:
    """Fills whatever fields the framework asked for (it names them in its system message): `code` gets the
    rotate-180 transform, `choice` an expert's name, any other field some text."""
    import re

    fields = re.findall(r'"(\w+)"', messages[0]["content"].split("Its keys are exactly:", 1)[1].split(";")[0])
    values = {"code": ROT180, "choice": "geometry"}
    return json.dumps({f: values.get(f, f"some {f}") for f in fields})


def dispatch(messages: list[dict[str, Any]]) -> str:
    if messages[0]["content"] == prompt_text("meta_system.md"):
        return meta_reply(messages)
    return design_reply(messages)


def scripted_model(**kw: Any) -> MeteredModel:
    """A MeteredModel around a ScriptedModel that answers every call with dispatch()."""
    return MeteredModel(ScriptedModel([dispatch] * 10_000), **kw)


def split_file(path: Any) -> str:
    path.write_text(json.dumps({"validation": VALIDATION, "test": TEST}))
    return str(path)
