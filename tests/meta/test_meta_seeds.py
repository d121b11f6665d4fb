"""Every seed design runs for real in the sandbox (no errors) and uses the model's answer."""

from __future__ import annotations

import pytest
from scripted_meta import VALIDATION, any_fields_reply

from synthloop.agents.metered import MeteredModel
from synthloop.agents.scripted import ScriptedModel
from synthloop.meta_search.domains.arc import ArcDomain
from synthloop.meta_search.evaluate import EvalSettings, evaluate_design
from synthloop.meta_search.seed_designs import ORDER, load_seeds


def test_seven_seeds_in_adas_order():
    seeds = load_seeds()
    assert [s.id for s in seeds] == [f"seed-{n}" for n in ORDER] and len(seeds) == 7
    assert all(s.name and s.thought and "def forward(task)" in s.code for s in seeds)


@pytest.mark.parametrize("seed", load_seeds(), ids=lambda s: s.id)
def test_seed_runs_in_the_sandbox(seed, sandbox, reachable_dir, tmp_path):
    import json

    split = tmp_path / "split.json"
    split.write_text(json.dumps({"validation": VALIDATION, "test": VALIDATION}))
    domain = ArcDomain(split_file=str(split))
    model = MeteredModel(ScriptedModel([any_fields_reply] * 100))
    res = evaluate_design(seed.code, domain, domain.tasks("validation"), sandbox=sandbox, model=model,
                          workdir=reachable_dir(), settings=EvalSettings(timeout_s=20, workers=2))
    assert res.errors == {}
    assert res.scores == [1.0, 0.0]  # the model only ever proposes rotate-180
    assert res.calls >= 2
