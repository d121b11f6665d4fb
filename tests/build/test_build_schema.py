"""Plans: sanitising a model's plan into instructions, and user-supplied --plan files."""

from __future__ import annotations

import pytest

from synthloop.agents.build.schema import Plan, PlanStep, read_plan_file, to_instructions
from synthloop.errors import UserError
from synthloop.memory.registry import InstructionRegistry


def test_to_instructions_sanitises_ids_paths_and_dependencies(tmp_path):
    plan = Plan(steps=[
        PlanStep(id="data model!", instruction="models", files=["pkg/models.py", "../etc/passwd", "/abs.py"]),
        PlanStep(id="api", instruction="api", files=["pkg/api.py"], depends_on=["data model!", "later", "ghost"]),
        PlanStep(id="later", instruction="cli", depends_on=["api"]),
        PlanStep(id="api", instruction="duplicate id"),
        PlanStep(id="x", instruction="   "),
        PlanStep(id="__init__", instruction="package"),
        PlanStep(id="!!!", instruction="no usable id"),
    ])
    items, notes = to_instructions(plan, limit=10)
    assert [i.id for i in items] == ["data-model", "api", "later", "api-2", "init", "step-7"]
    assert items[0].files == ["pkg/models.py", "tests/test_models.py"]  # every code step writes its tests
    assert items[1].deps == ["data-model"]  # forward and unknown deps dropped: the result is always a DAG
    assert items[2].deps == ["api"]
    assert any("ghost" in n for n in notes) and any("../etc/passwd" in n for n in notes) and any("empty" in n for n in notes)
    reg = InstructionRegistry(tmp_path / "r.json")
    reg.add(items)  # valid for the registry
    more, _ = to_instructions(Plan(steps=[PlanStep(id="api", instruction="fix api", depends_on=["api"])]),
                              existing={i.id for i in items}, limit=3, id_prefix="r1-", origin="replan-1")
    assert more[0].id == "r1-api" and more[0].deps == ["api"] and more[0].origin == "replan-1"


def test_a_test_only_step_is_merged_into_the_code_step_it_tests():
    plan = Plan(steps=[
        PlanStep(id="code", instruction="Add f to pkg/core.py.", files=["pkg/core.py"]),
        PlanStep(id="tests", instruction="Test f in tests/test_f.py.", files=["tests/test_f.py"], depends_on=["code"]),
        PlanStep(id="cli", instruction="A CLI.", files=["pkg/cli.py", "tests/test_cli.py"], depends_on=["tests"]),
        PlanStep(id="more", instruction="Test the CLI more.", files=["tests/test_cli2.py"], depends_on=["cli"]),
    ])
    items, notes = to_instructions(plan, limit=10)
    assert [(i.id, i.files, i.deps) for i in items] == [
        ("code", ["pkg/core.py", "tests/test_f.py"], []),
        ("cli", ["pkg/cli.py", "tests/test_cli.py"], ["code"]),  # it has tests of its own: `more` stays apart
        ("more", ["tests/test_cli2.py"], ["cli"])]
    assert items[0].text == "Add f to pkg/core.py.\nTest f in tests/test_f.py."
    assert notes == ["merged test-only step tests into code (code and its tests in one instruction)"]
    demo, notes = to_instructions(Plan(steps=[PlanStep(id="demo", instruction="A demo.", files=["app/__main__.py"]),
                                              PlanStep(id="doc", instruction="Docs.", files=["README.md"])]), limit=5)
    assert [i.files for i in demo] == [["app/__main__.py", "tests/test_app.py"], ["README.md"]]
    assert notes == ["step demo: added tests/test_app.py (every code step writes its tests)"]
    user, _ = to_instructions(plan, limit=10, origin="user")  # a user's plan is run as written
    assert [i.id for i in user] == ["code", "tests", "cli", "more"]


def test_a_folder_listed_beside_its_files_is_not_owned():
    """The 1.5B model's URL-shortener plan owned "shortener" and "shortener/service.py": no write delivers a folder,
    so completion was refused until the step failed as stuck."""
    plan = Plan(steps=[PlanStep(id="0", instruction="service", files=["shortener", "shortener/service.py"])])
    items, notes = to_instructions(plan, limit=3)
    assert items[0].files == ["shortener/service.py", "tests/test_service.py"]
    assert "step 0: dropped folder shortener (a step owns files)" in notes
    # a later plan owned "tests" too: a folder only once the step's test file was added beside it
    plan = Plan(steps=[PlanStep(id="0", instruction="layout", files=["shortener/service.py", "shortener/store.py",
                                                                     "tests"])])
    items, notes = to_instructions(plan, limit=3)
    assert items[0].files == ["shortener/service.py", "shortener/store.py", "tests/test_service.py"]
    assert notes[-1] == "step 0: dropped folder tests (a step owns files)"
    # a later run's plan began "Create the project structure. [shortener]" and left the files to the next steps: the
    # step was refused completion (folder "shortener" missing) after writing every file, and failed as stuck
    plan = Plan(steps=[PlanStep(id="0", instruction="Create the project structure.", files=["shortener"]),
                       PlanStep(id="1", instruction="service", files=["shortener/service.py"], depends_on=["0"]),
                       PlanStep(id="2", instruction="docs", files=["docs", "docs/index.md"])])
    items, notes = to_instructions(plan, limit=3)
    assert [i.files for i in items] == [["shortener/__init__.py"], ["shortener/service.py", "tests/test_service.py"],
                                        ["docs/index.md"]]
    assert "step 0: folder shortener is owned as shortener/__init__.py (a step owns files)" in notes
    plan.steps[1].files.append("shortener/__init__.py")  # owned elsewhere already: the folder is dropped
    items, notes = to_instructions(plan, limit=3)
    assert items[0].files == [] and "step 0: dropped folder shortener (a step owns files)" in notes


def test_plan_limit():
    plan = Plan(steps=[PlanStep(id=f"s{i}", instruction=f"step {i}") for i in range(12)])
    items, notes = to_instructions(plan, limit=4)
    assert len(items) == 4 and "kept the first 4" in notes[0]


def test_read_plan_file_json_and_text(tmp_path):
    j = tmp_path / "plan.json"
    j.write_text('{"steps": [{"id": "a", "instruction": "do a", "files": ["a.py"]}]}')
    assert read_plan_file(j).steps[0].files == ["a.py"]
    lst = tmp_path / "list.json"
    lst.write_text('[{"id": "a", "instruction": "do a"}]')
    assert read_plan_file(lst).steps[0].id == "a"
    t = tmp_path / "plan.md"
    t.write_text("# my plan\n1. write the model\n- write the store\n\n* write the cli\n")
    steps = read_plan_file(t).steps
    assert [s.instruction for s in steps] == ["write the model", "write the store", "write the cli"]
    assert steps[2].depends_on == ["step-2"] and steps[0].depends_on == []


@pytest.mark.parametrize("content,msg", [('{"steps": [{"id": 1}]}', "not a valid plan"),
                                         ("{broken", "not a valid plan"), ("# only a comment\n", "no instructions")])
def test_bad_plan_files(tmp_path, content, msg):
    p = tmp_path / "p.txt"
    p.write_text(content)
    with pytest.raises(UserError, match=msg):
        read_plan_file(p)
    with pytest.raises(UserError, match="cannot read"):
        read_plan_file(tmp_path / "missing.json")


def test_a_long_plan_of_one_step_per_method_is_merged_to_fit_instead_of_cut():
    """The 1.5B planner's URL-shortener plan: a step per method of one class, then a demo; limit 4."""
    methods = ["the class", "clock", "shorten", "resolve", "stats", "delete", "list_urls", "all_urls"]
    steps = [PlanStep(id=f"0{i}", instruction=f"Implement {m} in URLShortener.", files=["shortener/service.py"],
                      depends_on=[f"0{i - 1}"] if i > 1 else []) for i, m in enumerate(methods, 1)]
    steps.append(PlanStep(id="09", instruction="A demo.", files=["shortener/__main__.py"], depends_on=["05", "08"]))
    steps.append(PlanStep(id="10", instruction="Docs.", files=["README.md"], depends_on=["09"]))
    items, notes = to_instructions(Plan(steps=steps), limit=4)
    # merged only as far as needed to fit: 02..07 into 01
    assert [(i.id, i.deps) for i in items] == [("01", []), ("08", ["01"]), ("09", ["01", "08"]), ("10", ["09"])]
    assert items[0].text.splitlines() == [f"Implement {m} in URLShortener." for m in methods[:7]]  # nothing cut
    assert items[0].files == ["shortener/service.py", "tests/test_service.py"]
    assert sum("merged step" in n for n in notes) == 6 and not any("kept the first" in n for n in notes)
    other = [PlanStep(id=f"s{i}", instruction=f"step {i}", files=[f"m{i}.py"]) for i in range(6)]
    items, notes = to_instructions(Plan(steps=other), limit=4)  # different files: nothing to merge, so cut
    assert len(items) == 4 and any("kept the first 4" in n for n in notes)
    user, _ = to_instructions(Plan(steps=steps), limit=4, origin="user")  # a user's plan is never rewritten
    assert [i.id for i in user] == ["01", "02", "03", "04"]
