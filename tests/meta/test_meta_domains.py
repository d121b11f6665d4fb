"""Domains: ARC from the ADAS split or any ARC directory; scoring; the sandbox-side ARC helpers."""

from __future__ import annotations

import json

import pytest

from synthloop.arc.dataset import load_tasks, task_to_json
from synthloop.errors import UserError
from synthloop.meta_search.domains import available, make_domain
from synthloop.meta_search.domains.arc import ArcDomain
from synthloop.meta_search.domains.sandbox import arc_task


def test_domains_are_discovered_by_module():
    assert available() == ["arc", "humaneval"]
    with pytest.raises(UserError, match="unknown meta-search domain"):
        make_domain("chess", sandbox=None, workdir=None)
    with pytest.raises(UserError, match="unknown option"):
        make_domain("arc", {"colour": 3}, sandbox=None, workdir=None)


def test_adas_split_is_20_validation_and_60_test():
    d = ArcDomain()
    val, test = d.tasks("validation"), d.tasks("test")
    assert len(val) == 20 and len(test) == 60 and not {i.id for i in val} & {i.id for i in test}
    assert all(len(i.payload["train"][0]["input"]) <= 5 for i in val)  # the ADAS "at most 5 rows" filter
    with pytest.raises(UserError):
        d.tasks("training")


def test_any_arc_directory_with_a_split_file(tmp_path):
    tasks = load_tasks("arcagi", "training", ["6150a2bd", "ed36ccf7", "3c9b0459"])
    for t in tasks:
        (tmp_path / f"{t.id}.json").write_text(json.dumps(task_to_json(t)))
    split = tmp_path / "split.json"
    split.write_text(json.dumps({"validation": ["ed36ccf7"], "test": ["6150a2bd", "3c9b0459"]}))
    d = make_domain("arc", {"split_file": str(split), "dataset": str(tmp_path)}, sandbox=None, workdir=tmp_path)
    assert [i.id for i in d.tasks("validation")] == ["ed36ccf7"]
    assert [i.id for i in d.tasks("test")] == ["6150a2bd", "3c9b0459"]


def test_arc_scoring():
    d = ArcDomain(limit=20)
    item = next(i for i in d.tasks("validation") if i.id == "6150a2bd")
    truth = item.truth[0]
    assert d.score(item, [truth]) == 1.0
    assert d.score(item, truth) == 1.0  # one bare grid for the one test input
    assert d.score(item, [[[0]]]) == 0.0
    with pytest.raises(ValueError, match="1 grid"):
        d.score(item, "a string")
    with pytest.raises(ValueError, match="holds 2 grid"):
        d.score(item, [truth, truth])
    two = next(i for i in d.tasks("validation") if len(i.truth) == 2)
    other = [[5]] if two.truth[1] != [[5]] else [[6]]
    assert d.score(two, [two.truth[0], other]) == 0.5


def test_sandbox_side_arc_helpers_check_and_stop_loops(monkeypatch):
    monkeypatch.setattr(arc_task, "PROGRAM_TIMEOUT_S", 0.3)
    d = ArcDomain(limit=20)
    item = next(i for i in d.tasks("validation") if i.id == "6150a2bd")
    task = arc_task.make_task(item.payload)
    rot = "def transform(g):\n    return [list(r[::-1]) for r in g[::-1]]\n"
    fb = task.check(rot)
    assert fb.all_passed and fb.score == 1.0 and task.finish(rot) == item.truth
    wrong = task.check("def transform(g):\n    return g\n")
    assert wrong.passed == 0 and "Expected:" in wrong.text and "Got:" in wrong.text
    crash = task.check("def transform(g):\n    return g[99]\n")
    assert "IndexError: line 2" in crash.text
    looping = task.check("def transform(g):\n    while True:\n        pass\n")
    assert looping.passed == 0 and "ProgramTimeout" in looping.text
    assert arc_task.parse_grid("1 2\n3 4") == [[1, 2], [3, 4]] == arc_task.parse_grid("[[1, 2], [3, 4]]")
