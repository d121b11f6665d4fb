"""The plan schema (structured model output or a user's --plan file) and its conversion to instructions."""

from __future__ import annotations

import json
import re
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from ...errors import UserError
from ...memory.filestore import FileStoreError, normalize
from ...memory.registry import Instruction
from .checks import is_test_file


class PlanStep(BaseModel):
    id: str = Field(description="short unique id, e.g. 'models'")
    instruction: str = Field(description="what to build in this step, precisely")
    files: list[str] = Field(default_factory=list, description="relative paths this step creates or edits")
    depends_on: list[str] = Field(default_factory=list, description="ids of steps that must be done first")


class Plan(BaseModel):
    steps: list[PlanStep]


def _slug(text: str, n: int) -> str:
    s = re.sub(r"[^A-Za-z0-9_.-]+", "-", text.strip())
    s = re.sub(r"^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "", s)[:40].rstrip("-._")
    return s or f"step-{n}"


def to_instructions(plan: Plan, *, existing: set[str] = frozenset(), limit: int, origin: str = "plan",
                    id_prefix: str = "", read_only: frozenset[str] = frozenset()) -> tuple[list[Instruction], list[str]]:
    """Sanitise a model's (or user's) plan into valid instructions: unique ids, known backward-only deps,
    clean file paths (none of the `read_only` ones: the user's given tests), at most `limit` steps. Returns the
    instructions and notes about what was changed."""
    notes: list[str] = []
    steps = plan.steps if origin == "user" else fit_plan(plan.steps, limit, notes)
    if len(steps) > limit:
        notes.append(f"plan had {len(steps)} steps; kept the first {limit}")
        steps = steps[:limit]
    out: list[Instruction] = []
    renamed: dict[str, str] = {}
    taken = set(existing)
    for n, st in enumerate(steps, 1):
        if not st.instruction.strip():
            notes.append(f"dropped step {st.id!r}: empty instruction")
            continue
        iid = id_prefix + _slug(st.id, n)
        base, k = iid, 2
        while iid in taken:
            iid, k = f"{base}-{k}", k + 1
        taken.add(iid)
        files: list[str] = []
        for f in st.files:
            try:
                files.append(normalize(f))
            except FileStoreError as e:
                notes.append(f"step {iid}: dropped file {f!r} ({e})")
        if read_only.intersection(files):
            notes.append(f"step {iid}: dropped read-only given tests {', '.join(sorted(read_only.intersection(files)))}")
            files = [f for f in files if f not in read_only]
            if not files:
                notes.append(f"dropped step {iid}: it only changes the given tests")
                taken.discard(iid)
                continue
        deps: list[str] = []
        for d in st.depends_on:
            target = renamed.get(d, d if d in existing else None)
            if target is None:
                notes.append(f"step {iid}: dropped dependency {d!r} (unknown or not an earlier step)")
            elif target not in deps:
                deps.append(target)
        renamed[st.id] = iid  # after resolving deps: a step never depends on itself
        out.append(Instruction(iid, st.instruction.strip(), files=sorted(set(files)), deps=deps, origin=origin))
    out = out if origin == "user" else pair_tests(out, notes, add_tests=not read_only)
    return drop_folders(out, notes), notes


def drop_folders(items: list[Instruction], notes: list[str]) -> list[Instruction]:
    """"pkg" beside "pkg/api.py" (in this step or another one, or "tests" beside the test file added for a step) is a
    folder: no write can ever deliver it, so a step that owned it could never end. A package folder that holds none
    of the step's own files becomes its `__init__.py` ("Create the project structure. [shortener]" while a later step
    owns shortener/service.py), unless some step owns that already; any other folder is dropped."""
    every = {f for it in items for f in it.files}
    for it in items:
        folders = sorted({f for f in it.files if any(g.startswith(f + "/") for g in every)})
        if not folders:
            continue
        it.files = [f for f in it.files if f not in folders]
        for f in folders:
            init, inside = f"{f}/__init__.py", [g for g in every if g.startswith(f + "/")]
            package = f.rsplit("/", 1)[-1].isidentifier() and any(g.endswith(".py") for g in inside)
            if package and not set(inside) & set(it.files) and init not in every and not is_test_file(init):
                it.files = sorted({*it.files, init})
                every.add(init)
                notes.append(f"step {it.id}: folder {f} is owned as {init} (a step owns files)")
            else:
                notes.append(f"step {it.id}: dropped folder {f} (a step owns files)")
    return items


def _code_files(step: PlanStep) -> frozenset[str]:
    return frozenset(f for f in step.files if not is_test_file(f))


def fit_plan(steps: list[PlanStep], limit: int, notes: list[str]) -> list[PlanStep]:
    """A model's plan longer than `limit`: merge neighbouring steps that change the same code files (a small
    planner writes one step per method of one class) until it fits, so that nothing it planned is cut; only what
    still does not fit is cut afterwards."""
    steps = [s.model_copy(deep=True) for s in steps]
    while len(steps) > limit:
        at = next((i for i in range(len(steps) - 1)
                   if _code_files(steps[i]) and _code_files(steps[i]) == _code_files(steps[i + 1])), None)
        if at is None:
            break
        a, b = steps[at], steps.pop(at + 1)
        a.instruction = f"{a.instruction.strip()}\n{b.instruction.strip()}"
        a.files = list(dict.fromkeys(a.files + b.files))
        a.depends_on = [d for d in dict.fromkeys(a.depends_on + b.depends_on) if d not in (a.id, b.id)]
        for other in steps[at + 1:]:
            other.depends_on = list(dict.fromkeys(a.id if d == b.id else d for d in other.depends_on))
        notes.append(f"merged step {b.id} into {a.id} (same files; the plan had more than {limit} steps)")
    return steps


def pair_tests(items: list[Instruction], notes: list[str], add_tests: bool = True) -> list[Instruction]:
    """Code is written and tested together in a model's plan (a user's plan is kept as written): a step with only
    the tests of the one step it depends on is merged into it, and a code step with no test file gets one (unless
    the user gave tests: then those are its tests)."""
    by_id = {i.id: i for i in items}
    for t in list(items):
        code = by_id.get(t.deps[0]) if len(t.deps) == 1 else None
        if not t.files or not all(is_test_file(f) for f in t.files) or code is None:
            continue
        if any(is_test_file(f) for f in code.files) or not any(f.endswith(".py") for f in code.files):
            continue
        code.files = sorted(set(code.files) | set(t.files))
        code.text = f"{code.text}\n{t.text}"
        items.remove(t)
        for other in items:
            if t.id in other.deps:
                other.deps = list(dict.fromkeys(code.id if d == t.id else d for d in other.deps))
        notes.append(f"merged test-only step {t.id} into {code.id} (code and its tests in one instruction)")
    for it in items if add_tests else []:  # code without a test file of its own gets one to write
        code_files = [f for f in it.files if f.endswith(".py")]
        if code_files and not any(is_test_file(f) for f in it.files):
            it.files = sorted([*it.files, _test_path(code_files[0])])
            notes.append(f"step {it.id}: added {_test_path(code_files[0])} (every code step writes its tests)")
    return items


def _test_path(code_file: str) -> str:
    """tests/test_<module>.py for a code file (a package's __init__/__main__ names the package)."""
    parts = code_file.removesuffix(".py").split("/")
    name = parts[-2] if parts[-1] in ("__init__", "__main__") and len(parts) > 1 else parts[-1]
    return f"tests/test_{name.strip('_') or 'main'}.py"


def read_plan_file(path: str | Path) -> Plan:
    """A user-supplied prompt program: JSON in the Plan schema ({"steps": [...]}) or a list of steps, or a text
    file with one instruction per line (bullets/numbers allowed), run in order."""
    p = Path(path)
    try:
        text = p.read_text()
    except OSError as e:
        raise UserError(f"cannot read plan file {path}: {e.strerror}") from None
    if p.suffix == ".json" or text.lstrip().startswith(("{", "[")):
        try:
            data = json.loads(text)
            return Plan.model_validate({"steps": data} if isinstance(data, list) else data)
        except (json.JSONDecodeError, ValidationError) as e:
            msg = str(e).splitlines()[0] if isinstance(e, json.JSONDecodeError) else e.errors()[0]["msg"]
            raise UserError(f"plan file {path}: not a valid plan ({msg}); expected "
                            '{"steps": [{"id", "instruction", "files", "depends_on"}]}') from None
    lines = [re.sub(r"^\s*(?:[-*+]|\d+[.)])\s*", "", ln).strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    if not lines:
        raise UserError(f"plan file {path} holds no instructions")
    steps = [PlanStep(id=f"step-{i}", instruction=ln, depends_on=[f"step-{i - 1}"] if i > 1 else [])
             for i, ln in enumerate(lines, 1)]
    return Plan(steps=steps)
