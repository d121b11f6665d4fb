"""A fresh rewrite of class methods and of failing tests from the task's text, when a sub-agent is stuck.

`rewrite.py` rewrites top-level functions from their docstrings. A class written by a small model has methods
without docstrings, and its own tests are often wrong against the task (seen: `all_urls()` expected to be empty
after two links were shortened, the stored URL read from a private attribute). So when the model resubmits the same
files, each failing test is mapped to the methods it exercises (its name, the frames of its traceback, the calls on
its failing line). A class with several such methods is rewritten whole, once, by a short request that shows the
task's text and the class's method signatures: methods rewritten one by one keep (or each reinvent) a data layout
that cannot hold what the task asks. A single method is rewritten once by a request that shows the task's text, the class skeleton (``__init__`` in full, the other methods'
signatures) and its signature. Then a test that still fails although the methods it exercises were written from
the task's text is rewritten once from the task's text and the public signatures (never from its old body, which
anchors the model). Replies are spliced into their module: only the named class or function (plus new helpers,
attributes added to ``__init__``, missing imports) changes; decorators and indentation are kept."""

from __future__ import annotations

import ast
import copy
import re
import textwrap
from collections.abc import Iterable

from ..model import Model, TruncatedOutput
from . import prompts
from .file_blocks import extract_code
from .rewrite import import_line
from .tools import empty_functions

_FRAME = re.compile(r"^(?P<path>\S+\.py):\d+: in (?P<name>\w+)", re.M)
_CALL = re.compile(r"\.(\w+)\(")
MAX_PER_KIND = 4  # methods, and tests, rewritten per stuck reply


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except SyntaxError:
        return None


def _funcs(body: Iterable[ast.stmt]) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    return {n.name: n for n in body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}


def _first(node: ast.AST) -> int:
    return min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])  # type: ignore[attr-defined]


def members(source: str) -> dict[str, str]:
    """method name -> class name for the methods of the module's top-level classes (the first class wins). Top-level
    functions are not members: those with a docstring are rewritten from it (rewrite.py); those without one are
    left to the fix rounds (a fresh request for them was tried here and changed what a loop costs everywhere)."""
    tree = _parse(source)
    out: dict[str, str] = {}
    for node in tree.body if tree else []:
        if isinstance(node, ast.ClassDef):
            for name in _funcs(node.body):
                out.setdefault(name, node.name)
    return out


def exercised_names(test: str, message: str, candidates: Iterable[str], test_paths: Iterable[str]) -> list[str]:
    """The candidate names a failing test exercises, best first: the one its name is about (`test_list_urls_x` →
    `list_urls`, the longest match), the frames of its traceback outside the test files, the calls on its failing
    (`>`) lines."""
    names = set(candidates) - {"__init__"}
    rest = test.split("[", 1)[0].removeprefix("test_")
    by_name = sorted((n for n in names if rest == n or rest.startswith(n + "_")), key=len, reverse=True)[:1]
    skip = set(test_paths)
    frames = [m["name"] for m in _FRAME.finditer(message) if m["path"] not in skip and m["name"] in names]
    calls = [c for ln in message.splitlines() if ln.startswith(">") for c in _CALL.findall(ln) if c in names]
    return [n for n in dict.fromkeys(by_name + frames + calls) if not n.startswith("__")]


def skeleton(source: str, cls: str, target: str) -> str:
    """The module's imports and class `cls` reduced to its class line, class-level statements, `__init__` in full
    and the other methods' signatures (bodies `...`); `target`'s signature is marked."""
    tree = _parse(source)
    node = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls), None) if tree else None
    if tree is None or node is None:
        return ""
    lines = source.splitlines()
    imports = [ast.get_source_segment(source, n) or "" for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    out = imports + ([""] if imports else []) + lines[_first(node) - 1:node.body[0].lineno - 1]
    for item in node.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out.append("")
            if item.name == "__init__":
                out += lines[_first(item) - 1:item.end_lineno]
                continue
            stub = copy.deepcopy(item)
            doc = ast.get_docstring(item)
            stub.body = ([ast.Expr(ast.Constant(doc))] if doc else []) + [ast.Expr(ast.Constant(...))]
            text = textwrap.indent(ast.unparse(stub), " " * item.col_offset)
            out.append(text + ("  # <- write this one" if item.name == target else ""))
        else:
            out += lines[item.lineno - 1:item.end_lineno]
    return "\n".join(out) + "\n"


def signatures(source: str, plain: bool = False) -> str:
    """The signatures of the public top-level functions and of every top-level class's public methods (what a test
    may call); `plain`: without decorated methods (properties, setters: how to store a value is the writer's choice)."""
    tree = _parse(source)
    out: list[str] = []
    for node in tree.body if tree else []:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
            stub = copy.deepcopy(node)
            stub.body = [ast.Expr(ast.Constant(...))]
            out.append(ast.unparse(stub))
        elif isinstance(node, ast.ClassDef):
            out.append(f"class {node.name}:")
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
                        item.name == "__init__" or not item.name.startswith("_")) and not (plain and item.decorator_list):
                    stub = copy.deepcopy(item)
                    stub.body = [ast.Expr(ast.Constant(...))]
                    out.append(textwrap.indent(ast.unparse(stub), "    "))
    return "\n".join(out) + "\n" if out else ""


def spec_lines(task: str, name: str) -> str:
    """The lines of the task's text that mention `name` (its own bullet, usually)."""
    hits = [ln.strip() for ln in task.splitlines() if re.search(rf"\b{re.escape(name)}\b", ln)]
    return "\n".join(hits)


def splice(source: str, cls: str | None, name: str, reply_code: str) -> str | None:
    """`source` with function `name` (a method of `cls`, or top-level when `cls` is None) replaced by the reply's
    function of that name (found in a class or at top level, at any indentation), re-indented to the old one. A
    reply without decorators keeps the old ones; new methods of the reply's class that the function calls as
    `self.x` are added after it, new `self.x = ...` lines of the reply's `__init__` join the end of the old
    `__init__`, new top-level functions go before the class (or the function) and missing imports after the module's.
    None when the reply has no such function with a body, or the result would not parse."""
    old, new = _parse(source), _parse(reply_code)
    if old is None or new is None:
        return None
    owner = next((n for n in old.body if isinstance(n, ast.ClassDef) and n.name == cls), None) if cls else None
    if cls and owner is None:
        return None
    body = owner.body if owner else old.body
    target = _funcs(body).get(name)
    got_cls = next((n for n in new.body if isinstance(n, ast.ClassDef) and name in _funcs(n.body)), None)
    if cls is None and name in _funcs(new.body):  # a test function: the top-level one
        got_cls = None
    got = _funcs(got_cls.body).get(name) if got_cls else _funcs(new.body).get(name)
    if target is None or got is None:
        return None
    reply_lines = reply_code.splitlines()

    def block(node: ast.AST, indent: int) -> list[str]:
        seg = textwrap.dedent("\n".join(reply_lines[_first(node) - 1:node.end_lineno]))  # type: ignore[attr-defined]
        return textwrap.indent(seg, " " * indent).splitlines()

    indent = target.col_offset
    text = block(got, indent)
    if name in empty_functions("\n".join(block(got, 0))):
        return None
    lines = source.splitlines()
    start, end = _first(target), target.end_lineno or target.lineno
    if not got.decorator_list:
        text = lines[start - 1:target.lineno - 1] + text
    edits: list[tuple[int, int, list[str]]] = []  # (from, to) 0-based line slices of `source`, replacement
    have = set(_funcs(body))
    if got_cls is not None and owner is not None:
        used = set(re.findall(r"\bself\.(\w+)\(", "\n".join(text)))
        for k, n in _funcs(got_cls.body).items():
            if k in used and k not in have:
                text += [""] + block(n, indent)
        init, new_init = _funcs(body).get("__init__"), _funcs(got_cls.body).get("__init__")
        if init is not None and new_init is not None and name != "__init__":
            extra = _new_attributes(init, new_init, reply_lines, (init.body[-1].col_offset))
            if extra:
                at = init.end_lineno or init.lineno
                edits.append((at, at, extra))
    edits.append((start - 1, end, text))
    top = {n.name for n in old.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    helpers = [ln for k, n in _funcs(new.body).items() if k != name and k not in top for ln in block(n, 0) + ["", ""]]
    if helpers:
        at = _first(owner or target) - 1
        edits.append((at, at, helpers))
    have_imports = {ast.get_source_segment(source, n) for n in old.body if isinstance(n, (ast.Import, ast.ImportFrom))}
    imports = [s for n in new.body if isinstance(n, (ast.Import, ast.ImportFrom))
               if (s := ast.get_source_segment(reply_code, n)) and s not in have_imports
               and not s.startswith("from __future__")]
    if imports:
        at = import_line(old)
        edits.append((at, at, imports))
    for a, b, repl in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        lines[a:b] = repl
    out = re.sub(r"\n{4,}", "\n\n\n", "\n".join(lines)).rstrip("\n") + "\n"
    return out if _parse(out) is not None else None


def _new_attributes(init: ast.FunctionDef | ast.AsyncFunctionDef, new_init: ast.FunctionDef | ast.AsyncFunctionDef,
                    reply_lines: list[str], indent: int) -> list[str]:
    """The reply `__init__`'s top-level `self.x = ...` statements for attributes the old `__init__` never sets."""
    def assigned(fn: ast.AST) -> set[str]:
        return {t.attr for n in ast.walk(fn) if isinstance(n, (ast.Assign, ast.AnnAssign))
                for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
                if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self"}
    old = assigned(init)
    out: list[str] = []
    for st in new_init.body:
        if isinstance(st, (ast.Assign, ast.AnnAssign)) and assigned(st) and not assigned(st) & old:
            seg = textwrap.dedent("\n".join(reply_lines[st.lineno - 1:st.end_lineno]))
            out += textwrap.indent(seg, " " * indent).splitlines()
    return out


def rewrite_method(model: Model, source: str, cls: str, name: str, task: str, max_tokens: int) -> str | None:
    """`source` with method `cls.name` rewritten by a fresh request that shows the task's text and the class
    skeleton, not the old body; None when the reply gives no usable method."""
    shape = skeleton(source, cls, name)
    if not shape:
        return None
    prompt = prompts.render("method", task=task.strip(), skeleton=shape.rstrip(), cls=cls, method=name,
                            spec=spec_lines(task, name) or "(see the task above)")
    return splice(source, cls, name, _ask(model, prompt, max_tokens))


def rewrite_test(model: Model, test_source: str, name: str, code: str, about: list[str], task: str,
                 max_tokens: int) -> str | None:
    """`test_source` with test function `name` rewritten by a fresh request that shows the task's text, the classes'
    public signatures in `code` and the test module's imports and fixtures, not the old test; None when the reply
    gives no usable test."""
    tree = _parse(test_source)
    if tree is None or name not in _funcs(tree.body):
        return None
    lines = test_source.splitlines()
    head = [ln for n in tree.body if not (isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name.startswith("test"))
            for ln in lines[_first(n) - 1:n.end_lineno] + ([""] if isinstance(n, (ast.FunctionDef, ast.ClassDef)) else [])]
    methods_ = ", ".join(f"`{m}`" for m in about) or f"what `{name}` is named after"
    spec = "\n".join(s for m in about if (s := spec_lines(task, m))) or "(see the task above)"
    prompt = prompts.render("test_rewrite", task=task.strip(), signatures=signatures(code).rstrip(),
                            head="\n".join(head).strip(), test=name, methods=methods_, spec=spec)
    new = splice(test_source, None, name, _ask(model, prompt, max_tokens))
    fn = _funcs(_parse(new).body).get(name) if new else None  # type: ignore[union-attr]
    if new is None or fn is None or not re.search(r"\bassert\b|pytest\.raises", ast.get_source_segment(new, fn) or ""):
        return None  # a test that checks nothing is no rewrite
    return new


def code_fault(message: str, test_paths: Iterable[str]) -> bool:
    """Whether a test failed on a crash inside the code (its last traceback location is outside the test files and
    the error is no failed expectation): the code must change, not the test."""
    if re.search(r"^E\s+(?:AssertionError\b|assert\b)|DID NOT RAISE", message, re.M):
        return False
    places = re.findall(r"^(\S+\.py):\d+:", message, re.M)
    return bool(places) and places[-1] not in set(test_paths)


def _ask(model: Model, prompt: str, max_tokens: int) -> str:
    """The code of the reply to one fresh request ('' when it stopped at max_tokens)."""
    try:
        out = model.complete([{"role": "user", "content": prompt}], temperature=0.0, max_tokens=max_tokens)
    except TruncatedOutput:
        return ""
    return extract_code(out.text or "")


def rewrite_class(model: Model, source: str, cls: str, task: str, max_tokens: int) -> str | None:
    """`source` with class `cls` rewritten whole by a fresh request that shows the task's text and the class's
    method signatures, not its bodies: methods rewritten one by one keep a data layout that cannot hold what the task
    asks (seen: links stored as (url, expiry) pairs, so no owner for `list_urls`), or each invent their own. None
    when the reply gives no usable class."""
    tree = _parse(source)
    node = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls), None) if tree else None
    if node is None:
        return None
    shape = signatures(ast.get_source_segment(source, node) or "", plain=True)
    prompt = prompts.render("class", task=task.strip(), cls=cls, signatures=shape.rstrip())
    named = {k for k in _funcs(node.body) if re.search(rf"\b{re.escape(k)}\(", task)}  # the calls the task names
    return splice_class(source, cls, _ask(model, prompt, max_tokens), named)


def splice_class(source: str, cls: str, reply_code: str, required: set[str] | None = None) -> str | None:
    """`source` with class `cls` replaced by the reply's class of that name; the reply's missing imports go after
    the module's, its new top-level functions and constants before the class, and the old methods it calls
    (`self.x(...)`) without defining them stay at its end. None when the reply has no such class,
    lacks one of the `required` methods (default: the old class's public ones), has a method without a body, or the
    result would not parse."""
    old, new = _parse(source), _parse(reply_code)
    if old is None or new is None:
        return None
    target = next((n for n in old.body if isinstance(n, ast.ClassDef) and n.name == cls), None)
    got = next((n for n in new.body if isinstance(n, ast.ClassDef) and n.name == cls), None)
    if target is None or got is None:
        return None
    need = {k for k in _funcs(target.body) if not k.startswith("_")} if required is None else required
    segment = "\n".join(reply_code.splitlines()[_first(got) - 1:got.end_lineno])
    if not need <= set(_funcs(got.body)) or empty_functions(segment):
        return None
    defined = {t.id for n in old.body for t in _targets(n)} | {
        n.name for n in old.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    extra = [ast.get_source_segment(reply_code, n) or "" for n in new.body
             if (isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n is not got
                 and n.name not in defined)
             or (isinstance(n, (ast.Assign, ast.AnnAssign)) and not {t.id for t in _targets(n)} & defined)]
    have_imports = {ast.get_source_segment(source, n) for n in old.body if isinstance(n, (ast.Import, ast.ImportFrom))}
    imports = [s for n in new.body if isinstance(n, (ast.Import, ast.ImportFrom))
               if (s := ast.get_source_segment(reply_code, n)) and s not in have_imports
               and not s.startswith("from __future__")]
    lines = source.splitlines()
    have = set(_funcs(got.body)) | {t.id for n in got.body for t in _targets(n)}
    kept = [ln for k, n in _funcs(target.body).items()  # old methods the new class calls but lacks
            if k not in have and re.search(rf"\bself\.{re.escape(k)}\(", segment)
            for ln in [""] + lines[_first(n) - 1:n.end_lineno]]
    block = [ln for e in extra for ln in e.splitlines() + ["", ""]] + segment.splitlines() + kept
    lines[_first(target) - 1:target.end_lineno] = block
    at = import_line(old)
    if at >= _first(target):  # imports below the class: the splice moved them
        at += len(block) - ((target.end_lineno or target.lineno) - _first(target) + 1)
    lines[at:at] = imports
    out = re.sub(r"\n{4,}", "\n\n\n", "\n".join(lines)).rstrip("\n") + "\n"
    return out if _parse(out) is not None else None


def _targets(node: ast.stmt) -> list[ast.Name]:
    """The plain names a module-level assignment binds."""
    if isinstance(node, ast.Assign):
        return [t for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target]
    return []
