"""ARC tasks as prompt text, prompt files, and parsing grids/code out of model replies."""

from __future__ import annotations

import ast
import json
import re
from functools import cache
from pathlib import Path

from ..grid import ArcTask, Grid, as_grid

PROMPTS = Path(__file__).resolve().parent.parent / "prompts"


@cache
def prompt(name: str) -> str:
    """The text of src/synthloop/arc/prompts/<name>.md."""
    return (PROMPTS / f"{name}.md").read_text()


def grid_text(g: Grid) -> str:
    """Rows of space-separated digits (compact: prompt tokens are the main cost on CPU)."""
    return "\n".join(" ".join(str(int(v)) for v in row) for row in g)


def task_text(task: ArcTask) -> str:
    parts = []
    for i, (x, y) in enumerate(task.train, 1):
        parts.append(f"Example {i} input ({x.shape[0]}x{x.shape[1]}):\n{grid_text(x)}\n"
                     f"Example {i} output ({y.shape[0]}x{y.shape[1]}):\n{grid_text(y)}")
    return "\n\n".join(parts)


def messages(name: str, **fields: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": prompt("system").strip()},
            {"role": "user", "content": prompt(name).format(**fields).strip()}]


_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[ \t]*\n(.*?)(?:```|\Z)", re.S)


def extract_code(reply: str, entry: str = "transform") -> str | None:
    """The code that defines `entry`: the last fenced block defining it, else the unfenced tail from its `def`.

    Returns None when no syntactically valid definition is found (a failed candidate, never a crash).
    """
    blocks = [body for lang, body in _FENCE.findall(reply or "") if lang.lower() in ("", "python", "py", "python3")]
    candidates = [b for b in blocks if f"def {entry}" in b]
    if not candidates and f"def {entry}" in (reply or ""):
        start = reply.rfind("\n", 0, reply.index(f"def {entry}")) + 1
        candidates = [reply[start:]]
    for code in reversed(candidates):
        code = code.strip("\n")
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        if any(isinstance(n, ast.FunctionDef) and n.name == entry for n in tree.body):
            return code if "import numpy as np" in code else "import numpy as np\n" + code
    return None


def parse_grid(reply: str) -> Grid | None:
    """A JSON list of lists if the reply has one, else the last block of digit rows (equal length), or None."""
    for m in reversed(re.findall(r"\[\s*\[[\d\s,\[\]]*\]\s*\]", reply or "")):
        try:
            return as_grid(json.loads(m))
        except (ValueError, TypeError):
            continue
    best: list[list[int]] = []
    current: list[list[int]] = []
    for line in (reply or "").splitlines() + [""]:
        cells = re.findall(r"\d", line) if re.fullmatch(r"[\s\d,\[\]|]*\d[\s\d,\[\]|]*", line) else []
        if cells and (not current or len(cells) == len(current[0])):
            current.append([int(c) for c in cells])
        else:
            if current:
                best = current
            current = [[int(c) for c in cells]] if cells else []
    try:
        return as_grid(best) if best else None
    except ValueError:
        return None
