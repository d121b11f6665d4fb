"""Adds the imports a sub-agent forgot, before its code is checked.

Small models write `time.time()` or `defaultdict(list)` and forget the import; told so, they often repeat the same
file (seen in real 1.5B runs: three attempts of one instruction failed on a missing `import string`). A name that is
used but bound nowhere in the file is resolved only when the answer is unambiguous: a standard-library module used
as `name.attr`, a well-known name from the table below, or a top-level definition in exactly one module of the
project. Anything else is left for the checks to report."""

from __future__ import annotations

import ast
import builtins
import re
import sys
from dataclasses import dataclass

from ...memory.filestore import DiskFileStore
from .checks import is_test_file, python_files

KNOWN = {  # name -> import line (names whose home module is not in doubt)
    **dict.fromkeys(("defaultdict", "Counter", "OrderedDict", "deque", "namedtuple"), "from collections import {}"),
    **dict.fromkeys(("dataclass", "field", "asdict"), "from dataclasses import {}"),
    **dict.fromkeys(("Any", "Optional", "List", "Dict", "Tuple", "Set", "Union", "Callable", "Iterable",
                     "Iterator", "Sequence", "Mapping"), "from typing import {}"),
    **dict.fromkeys(("Path",), "from pathlib import {}"),
    **dict.fromkeys(("Enum", "auto"), "from enum import {}"),
    **dict.fromkeys(("wraps", "lru_cache", "partial", "reduce"), "from functools import {}"),
    **dict.fromkeys(("timedelta", "timezone"), "from datetime import {}"),
    **dict.fromkeys(("Lock", "Thread"), "from threading import {}"),
    "pytest": "import pytest",
}
_DATETIME_CLASS = re.compile(r"(?<![\w.])datetime\.(now|utcnow|today|fromisoformat|strptime|fromtimestamp|combine)\(")


@dataclass
class Added:
    path: str
    imports: list[str]


def unbound_names(tree: ast.AST) -> set[str]:
    """Names loaded somewhere but bound nowhere in the module (scope-insensitive, so it never flags a name that is
    bound in some scope: it errs on the side of adding nothing)."""
    bound: set[str] = set(dir(builtins)) | {"__file__", "__name__", "__doc__", "__spec__", "__package__"}
    loaded: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            bound.update(node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            bound.add(node.name)
    return set() if "*" in bound else loaded - bound  # a star import may bind anything


def module_name(path: str) -> str:
    """tests/util.py -> tests.util; src/pkg/__init__.py -> pkg."""
    return path.removeprefix("src/").removesuffix(".py").removesuffix("/__init__").replace("/", ".")


def project_definitions(files: dict[str, str]) -> dict[str, list[str]]:
    """Top-level def/class names of the project's non-test modules -> the modules that define them."""
    where: dict[str, list[str]] = {}
    for path, text in files.items():
        if is_test_file(path) or not path.endswith(".py"):
            continue
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                where.setdefault(node.name, []).append(module_name(path))
    return where


def resolve(name: str, text: str, path: str, defs: dict[str, list[str]]) -> str | None:
    """The import line for an unbound `name` in `text`, or None when it is not certain."""
    if name == "datetime":
        return "from datetime import datetime" if _DATETIME_CLASS.search(text) else "import datetime"
    if name in sys.stdlib_module_names and re.search(rf"(?<![\w.]){re.escape(name)}\.\w", text):
        return f"import {name}"
    if name in KNOWN:
        return KNOWN[name].format(name)
    mods = [m for m in defs.get(name, []) if m != module_name(path)]
    if len(mods) == 1 and len(defs[name]) == 1:
        return f"from {mods[0]} import {name}"
    return None


def insert_imports(text: str, tree: ast.Module, lines: list[str]) -> str:
    """`lines` after the module's leading docstring and imports (after `from __future__` in any case)."""
    at = 0
    for i, node in enumerate(tree.body):
        is_doc = i == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
            and isinstance(node.value.value, str)
        if is_doc or isinstance(node, (ast.Import, ast.ImportFrom)):
            at = node.end_lineno or at
        else:
            break
    src = text.splitlines(keepends=True)
    if src and not src[-1].endswith("\n"):
        src[-1] += "\n"
    return "".join(src[:at] + [ln + "\n" for ln in lines] + src[at:])


def add_missing_imports(store: DiskFileStore, paths: list[str]) -> list[Added]:
    """Add the certain imports to each of `paths` (Python files in `store`); returns what was added where.
    A file that does not parse, or would not parse afterwards, is left as it is."""
    py = [p for p in sorted(paths) if p.endswith(".py") and store.exists(p)]
    if not py:
        return []
    files = python_files(store)
    defs = project_definitions(files)
    added = []
    for p in py:
        text = files.get(p, "")
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        lines = sorted({line for name in sorted(unbound_names(tree)) if (line := resolve(name, text, p, defs))})
        if not lines:
            continue
        new = insert_imports(text, tree, lines)
        try:
            ast.parse(new)
        except SyntaxError:
            continue
        store.write(p, new)
        added.append(Added(p, lines))
    return added
