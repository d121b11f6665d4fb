"""Repository map: files, top-level symbols (via ast) and an import graph (networkx), rendered within a budget.

A sub-agent extending an existing repository sees this map instead of every file, and reads what it needs.
"""

from __future__ import annotations

import ast
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

IGNORED_DIRS = frozenset({"__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache", ".git", ".hg", ".svn",
                          ".venv", "venv", ".tox", "node_modules", ".eggs"})
TOP_LEVEL_IGNORED = frozenset({"build", "dist"})  # build outputs, only at the root (a package may be named build)
MAX_PARSE_BYTES = 500_000
_WORD = re.compile(r"[A-Za-z][a-z0-9]*|[0-9]+")


@dataclass
class Symbol:
    """A top-level definition: class, function or module-level name."""

    name: str
    kind: str  # class | def | async def | var
    line: int
    signature: str
    doc: str = ""
    methods: list[str] = field(default_factory=list)


@dataclass
class FileInfo:
    path: str
    lines: int
    is_text: bool = True
    module: str | None = None  # dotted module name (Python files)
    symbols: list[Symbol] = field(default_factory=list)
    imports: list[str] = field(default_factory=list)  # repository files this one imports
    error: str = ""  # why the file could not be parsed


def _words(text: str) -> set[str]:
    """Lower-case word pieces, splitting snake_case, camelCase, paths and dots."""
    return {w.lower() for w in _WORD.findall(text) if len(w) > 1}


def _walk(root: Path) -> list[str]:
    out: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        top = os.path.samefile(dirpath, root)
        dirnames[:] = sorted(d for d in dirnames if d not in IGNORED_DIRS and not d.endswith(".egg-info")
                             and not (top and d in TOP_LEVEL_IGNORED) and not os.path.islink(os.path.join(dirpath, d)))
        for f in filenames:
            full = os.path.join(dirpath, f)
            if os.path.isfile(full) and not os.path.islink(full):
                out.append(os.path.relpath(full, root).replace(os.sep, "/"))
    return sorted(out)


def module_name(root: Path, rel: str) -> str:
    """The dotted name Python would import `rel` under: the path from the first ancestor that is not a package."""
    parts = rel[:-3].split("/")
    d = len(parts) - 1  # number of directories above the file
    start = d
    while start > 0 and (root / "/".join(parts[:start]) / "__init__.py").is_file():
        start -= 1
    mod = parts[start:]
    if mod[-1] == "__init__":
        mod = mod[:-1]
    return ".".join(mod)


def _signature(node: ast.AST) -> str:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        args = ast.unparse(node.args)
        ret = f" -> {ast.unparse(node.returns)}" if node.returns is not None else ""
        kw = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
        return f"{kw} {node.name}({args}){ret}"
    if isinstance(node, ast.ClassDef):
        bases = ", ".join(ast.unparse(b) for b in node.bases)
        return f"class {node.name}({bases})" if bases else f"class {node.name}"
    return ""


def _symbols(tree: ast.Module) -> list[Symbol]:
    out: list[Symbol] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            doc = (ast.get_docstring(node) or "").strip().splitlines()
            kind = {ast.ClassDef: "class", ast.FunctionDef: "def", ast.AsyncFunctionDef: "async def"}[type(node)]
            methods = [n.name for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                       and (not n.name.startswith("_") or n.name == "__init__")] if isinstance(node, ast.ClassDef) else []
            out.append(Symbol(node.name, kind, node.lineno, _signature(node), doc[0][:100] if doc else "", methods))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Name) and (t.id.isupper() or not t.id.startswith("_")):
                    out.append(Symbol(t.id, "var", node.lineno, t.id))
    return out


def _statements(body: list[ast.stmt]):
    """Every statement, nested ones included (function bodies, if/try/with/loops), without descending into
    expressions: imports are statements, and this is ~10× fewer nodes than ast.walk."""
    stack = list(reversed(body))
    while stack:
        node = stack.pop()
        yield node
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            child = getattr(node, name, None)
            if isinstance(child, list):
                stack.extend(reversed([c for c in child if isinstance(c, (ast.stmt, ast.excepthandler,
                                                                           ast.match_case))]))


def _imported_names(tree: ast.Module, module: str, is_package: bool) -> list[str]:
    """Candidate dotted names each import statement may refer to (most specific first per statement)."""
    names: list[str] = []
    package = module if is_package else module.rpartition(".")[0]
    for node in _statements(tree.body):
        if isinstance(node, ast.Import):
            names.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".") if package else []
                up = node.level - 1
                if up > len(base_parts):
                    continue
                base = ".".join(base_parts[: len(base_parts) - up] if up else base_parts)
                base = ".".join(p for p in (base, node.module or "") if p)
            else:
                base = node.module or ""
            for a in node.names:
                if a.name != "*" and base:
                    names.append(f"{base}.{a.name}")
                elif a.name != "*":
                    names.append(a.name)
            if base:
                names.append(base)
    return names


def pagerank(g: nx.DiGraph, damping: float = 0.85, iterations: int = 50, tol: float = 1e-9) -> dict[str, float]:
    """PageRank by power iteration (pure Python: networkx's own needs scipy, slow to import); dangling nodes
    spread their rank evenly."""
    nodes = list(g.nodes)
    n = len(nodes)
    if n == 0:
        return {}
    rank = dict.fromkeys(nodes, 1.0 / n)
    out_deg = {v: g.out_degree(v) for v in nodes}
    for _ in range(iterations):
        dangling = damping * sum(rank[v] for v in nodes if out_deg[v] == 0) / n
        new = dict.fromkeys(nodes, (1.0 - damping) / n + dangling)
        for v in nodes:
            if out_deg[v]:
                share = damping * rank[v] / out_deg[v]
                for w in g.successors(v):
                    new[w] += share
        done = sum(abs(new[v] - rank[v]) for v in nodes) < tol
        rank = new
        if done:
            break
    return rank


@dataclass
class RepoMap:
    """Files, symbols and the import graph (edge importer → imported file) of one directory tree."""

    root: str
    files: dict[str, FileInfo]
    graph: nx.DiGraph

    # -- queries --------------------------------------------------------------------------------------
    @property
    def total_lines(self) -> int:
        return sum(f.lines for f in self.files.values() if f.is_text)

    def python_files(self) -> list[str]:
        return [p for p in self.files if p.endswith(".py")]

    def imports_of(self, path: str) -> list[str]:
        return sorted(self.graph.successors(path)) if path in self.graph else []

    def imported_by(self, path: str) -> list[str]:
        return sorted(self.graph.predecessors(path)) if path in self.graph else []

    def rank(self) -> dict[str, float]:
        """PageRank over the import graph: files many others import rank high."""
        return pagerank(self.graph)

    def relevant(self, query: str, k: int = 8) -> list[str]:
        """Files most related to `query`: word overlap with the path (3×), symbol names (2×) and docstrings (1×),
        the import graph's rank as a tie-breaker, then the import neighbours of the best matches."""
        q = _words(query)
        if not q:
            return []
        rank = self.rank()
        scored: list[tuple[float, str]] = []
        for p, info in self.files.items():
            s = 3.0 * len(q & _words(p))
            s += 2.0 * len(q & _words(" ".join(sym.name + " " + " ".join(sym.methods) for sym in info.symbols)))
            s += 1.0 * len(q & _words(" ".join(sym.doc for sym in info.symbols)))
            if s > 0:
                scored.append((s + rank.get(p, 0.0), p))
        scored.sort(key=lambda t: (-t[0], t[1]))
        best = [p for _, p in scored[:k]]
        out = list(best)
        for p in best[: max(1, k // 2)]:
            for nb in self.imports_of(p) + self.imported_by(p):
                if len(out) >= k:
                    break
                if nb not in out:
                    out.append(nb)
        return out[:k]

    # -- rendering ------------------------------------------------------------------------------------
    def _file_block(self, info: FileInfo, detail: bool) -> str:
        head = f"{info.path} ({info.lines} lines)" if info.is_text else f"{info.path} (binary)"
        if not detail:
            return head
        lines = [head + (f"  [unparsable: {info.error}]" if info.error else "")]
        for s in info.symbols:
            if s.kind == "var" or s.name.startswith("_"):
                continue
            text = f"  {s.signature}"
            if s.doc:
                text += f"  # {s.doc}"
            lines.append(text)
            if s.methods:
                lines.append("    methods: " + ", ".join(s.methods))
        consts = [s.name for s in info.symbols if s.kind == "var" and not s.name.startswith("_")]
        if consts:
            lines.append("  names: " + ", ".join(consts[:12]) + (" …" if len(consts) > 12 else ""))
        if info.imports:
            lines.append("  imports: " + ", ".join(info.imports))
        return "\n".join(lines)

    def render(self, max_chars: int = 6000, *, query: str = "", focus: list[str] | None = None) -> str:
        """Text for a prompt: focus files and those relevant to `query` first (with symbols), then the others by
        import rank; files that do not fit in detail are listed by path, and the rest counted."""
        rank = self.rank()
        first = [p for p in (focus or []) if p in self.files]
        first += [p for p in self.relevant(query) if p not in first] if query else []
        others = sorted((p for p in self.files if p not in first), key=lambda p: (-rank.get(p, 0.0), p))
        header = (f"Repository map: {len(self.files)} files, {self.total_lines} lines "
                  f"({len(self.python_files())} Python files). Symbols are top-level; read a file for details.")
        parts, used = [header], len(header) + 1
        detailed: set[str] = set()
        for p in first + [p for p in others if p.endswith(".py")]:
            block = self._file_block(self.files[p], detail=True)
            if used + len(block) + 1 > max_chars * 3 // 4:
                continue
            parts.append(block)
            used += len(block) + 1
            detailed.add(p)
        rest = [p for p in sorted(self.files) if p not in detailed]
        shown = 0
        for p in rest:
            line = self._file_block(self.files[p], detail=False)
            if used + len(line) + 40 > max_chars:
                break
            parts.append(line)
            used += len(line) + 1
            shown += 1
        if shown < len(rest):
            parts.append(f"... and {len(rest) - shown} more files (use list_files)")
        return "\n".join(parts)

    # -- persistence ----------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {"root": self.root, "files": {p: asdict(f) for p, f in self.files.items()},
                "edges": sorted([a, b] for a, b in self.graph.edges)}


def build_repo_map(root: str | Path, *, max_files: int = 20_000) -> RepoMap:
    """Scan `root` (skipping VCS, caches and virtualenvs): every file with its line count, Python files parsed with
    ast for top-level symbols and imports; imports that resolve to files of the tree become graph edges."""
    rootp = Path(root).resolve()
    if not rootp.is_dir():
        raise FileNotFoundError(f"not a directory: {root}")
    paths = _walk(rootp)
    if len(paths) > max_files:
        raise ValueError(f"{root}: {len(paths)} files is over the repository map's limit of {max_files}")
    files: dict[str, FileInfo] = {}
    trees: dict[str, ast.Module] = {}
    modules: dict[str, str] = {}
    for p in paths:
        data = (rootp / p).read_bytes()
        try:
            text = data.decode("utf-8")
            info = FileInfo(p, text.count("\n") + (1 if text and not text.endswith("\n") else 0))
        except UnicodeDecodeError:
            files[p] = FileInfo(p, 0, is_text=False)
            continue
        if p.endswith(".py"):
            info.module = module_name(rootp, p)
            if info.module:
                modules.setdefault(info.module, p)
            if len(data) > MAX_PARSE_BYTES:
                info.error = "too large to parse"
            else:
                try:
                    tree = ast.parse(text, filename=p)
                    trees[p] = tree
                    info.symbols = _symbols(tree)
                except (SyntaxError, ValueError, RecursionError) as e:
                    info.error = f"{type(e).__name__}: {getattr(e, 'msg', e)}"
        files[p] = info
    g = nx.DiGraph()
    g.add_nodes_from(p for p in files if p.endswith(".py"))
    for p, tree in trees.items():
        info = files[p]
        targets: list[str] = []
        for name in _imported_names(tree, info.module or "", p.endswith("__init__.py")):
            parts = name.split(".")
            for n in range(len(parts), 0, -1):  # the longest prefix that is a file of this tree
                target = modules.get(".".join(parts[:n]))
                if target is not None:
                    if target != p and target not in targets:
                        targets.append(target)
                    break
        info.imports = sorted(targets)
        for t in targets:
            g.add_edge(p, t)
    return RepoMap(str(rootp), files, g)
