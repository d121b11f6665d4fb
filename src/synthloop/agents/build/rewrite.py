"""A fresh rewrite of one function from its own specification, the strategy change when a sub-agent is stuck.

A small model that resubmits the same wrong body (or a copied stub) keeps doing so while it is shown its attempt and
the failing checks: it anchors on what it wrote. The rewrite asks for the function in a separate, short request that
shows only what the function must do (the module's imports, its signature and docstring), the way one would ask a
model directly, and splices the returned function (with any helpers and imports it brings) into the file. Only
top-level functions with a docstring are rewritten: without one there is no specification to start from."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from ..model import Model
from . import prompts
from .file_blocks import extract_code
from .tools import empty_functions


@dataclass(frozen=True)
class FunctionSpec:
    """A top-level function of a module: its name, its line span (decorators included, 1-based, inclusive) and its
    specification (the module's imports, then the signature and docstring)."""

    name: str
    start: int
    def_line: int
    end: int
    spec: str


def function_specs(source: str) -> dict[str, FunctionSpec]:
    """The top-level functions of `source` that have a docstring, by name ({} when it does not parse)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    lines = source.splitlines()
    imports = [ast.get_source_segment(source, n) or "" for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    head = "\n".join(imports) + "\n\n\n" if imports else ""
    out: dict[str, FunctionSpec] = {}
    for node in tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or ast.get_docstring(node) is None:
            continue
        start = min([node.lineno] + [d.lineno for d in node.decorator_list])
        doc_end = node.body[0].end_lineno or node.body[0].lineno
        spec = head + "\n".join(lines[start - 1:doc_end]) + "\n"
        out[node.name] = FunctionSpec(node.name, start, node.lineno, node.end_lineno or node.lineno, spec)
    return out


def splice(source: str, name: str, reply_code: str) -> str | None:
    """`source` with function `name` replaced by the one in `reply_code`, the reply's other new top-level functions
    placed before it and its missing imports added after the module's; a reply without decorators keeps the old
    function's. None when the reply has no such function with a body, or the result would not parse."""
    try:
        new = ast.parse(reply_code)
    except SyntaxError:
        return None
    target = function_specs(source).get(name)
    funcs = {n.name: n for n in new.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    if target is None or name not in funcs:
        return None
    seg = {k: _segment(reply_code, n) for k, n in funcs.items()}
    if name in empty_functions(seg[name]):
        return None
    old = ast.parse(source)
    have = {n.name for n in old.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    have_imports = {ast.get_source_segment(source, n) for n in old.body if isinstance(n, (ast.Import, ast.ImportFrom))}
    imports = [s for n in new.body if isinstance(n, (ast.Import, ast.ImportFrom))
               if (s := ast.get_source_segment(reply_code, n)) and s not in have_imports
               and not s.startswith("from __future__")]
    helpers = [seg[k] for k in funcs if k != name and k not in have]
    lines = source.splitlines()
    decorators = [] if funcs[name].decorator_list else lines[target.start - 1:target.def_line - 1]
    block = "\n\n\n".join(helpers + ["\n".join(decorators + [seg[name]])]).splitlines()
    out = lines[:target.start - 1] + block + lines[target.end:]
    at = import_line(old)
    if at >= target.end:  # an import below the function: the splice moved it
        at += len(block) - (target.end - target.start + 1)
    text = "\n".join(out[:at] + imports + out[at:]).rstrip("\n") + "\n"
    try:
        ast.parse(text)
    except SyntaxError:
        return None
    return text


def import_line(tree: ast.Module) -> int:
    """The line index where new imports go: after the module's last import, else after its docstring, else 0."""
    ends = [n.end_lineno or n.lineno for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    if ends:
        return max(ends)
    first = tree.body[0] if tree.body else None
    docstring = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)
    return (first.end_lineno or 0) if docstring and first is not None else 0


def _segment(code: str, node: ast.AST) -> str:
    """A function's source with its decorators."""
    decos = getattr(node, "decorator_list", [])
    start = min([node.lineno] + [d.lineno for d in decos])  # type: ignore[attr-defined]
    return "\n".join(code.splitlines()[start - 1:node.end_lineno])  # type: ignore[attr-defined]


def rewrite_function(model: Model, source: str, name: str, max_tokens: int) -> str | None:
    """`source` with `name` rewritten by a fresh request that shows only its specification; None if the model's
    reply does not give a usable function."""
    spec = function_specs(source).get(name)
    if spec is None:
        return None
    out = model.complete([{"role": "user", "content": prompts.render("direct", prompt=spec.spec)}],
                         temperature=0.0, max_tokens=max_tokens)
    return splice(source, name, extract_code(out.text or ""))
