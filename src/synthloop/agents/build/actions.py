"""Sub-agent actions, and reading them from plain text for endpoints (or small models) without native tool calls.

The text protocol is one JSON object per reply, {"tool": NAME, "args": {...}}. File content may instead follow the
object in a fenced code block ({"tool": "write_file", "args": {"path": "a.py"}} then ```python ...```), because small
models escape code inside JSON strings badly; a reply whose JSON is broken but that names write_file, a path and
carries a fenced block is read the same way."""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from typing import Any

FENCE = re.compile(r"```([\w.+-]*)[ \t]*\n(.*?)\n?```", re.S)
CONTENT_TOOLS = {"write_file": "content"}


@dataclass
class Action:
    name: str
    args: dict[str, Any]
    call_id: str | None = None
    error: str | None = None  # the arguments could not be parsed

    @property
    def signature(self) -> str:
        return self.name + ":" + json.dumps(self.args, sort_keys=True)[:2000]


def parse_text_action(text: str) -> Action | None:
    """The action in a reply (bare JSON, fenced JSON, or JSON followed by a fenced content block); None if none."""
    if not text or not text.strip():
        return None
    found = _first_json_object(text)
    if found is None:
        return _salvage_write(text)
    data, end = found
    name = data.get("tool") or data.get("name") or data.get("action")
    if not isinstance(name, str):
        return _salvage_write(text)
    if "args" in data or "arguments" in data:
        args = data.get("args", data.get("arguments"))
    else:  # small models often flatten: {"name": "write_file", "path": ..., "content": ...}
        args = {k: v for k, v in data.items() if k not in ("tool", "name", "action")}
    if isinstance(args, str):
        try:
            args = json.loads(args)
        except json.JSONDecodeError:
            return Action(name, {}, None, "args must be a JSON object")
    if not isinstance(args, dict):
        return Action(name, {}, None, "args must be a JSON object")
    key = CONTENT_TOOLS.get(name)
    if key and not isinstance(args.get(key), str):
        block = _code_block(text[end:])
        if block is not None:
            args = {**args, key: block}
    return Action(name, args)


def _first_json_object(text: str) -> tuple[dict[str, Any], int] | None:
    """The first JSON object in the text (inside a ```json fence or bare) and where it ends."""
    decoder = json.JSONDecoder(strict=False)  # raw newlines inside strings are common and harmless
    for m in FENCE.finditer(text):
        if m.group(1).lower() in ("json", ""):
            try:
                value = decoder.decode(m.group(2).strip())
            except json.JSONDecodeError:
                continue
            if isinstance(value, dict):
                return value, m.end()
    for m in re.finditer(r"\{", text):
        try:
            value, end = decoder.raw_decode(text, m.start())
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            return value, end
    return _python_literal(text)


def _python_literal(text: str) -> tuple[dict[str, Any], int] | None:
    """Small models often write the object as a Python literal ("content": \"\"\"...\"\"\"): read it safely."""
    starts = [m.start() for m in re.finditer(r"\{", text)][:3]
    ends = [m.end() for m in re.finditer(r"\}", text)][-40:]
    for a in starts:
        for b in reversed(ends):
            if b <= a:
                break
            src = text[a:b]
            for cand in (src, re.sub(r"\btrue\b", "True", re.sub(r"\bfalse\b", "False", src))):
                try:
                    value = ast.literal_eval(cand)
                except (ValueError, SyntaxError, MemoryError, RecursionError):
                    continue
                if isinstance(value, dict):
                    return value, b
    return None


def _code_block(text: str) -> str | None:
    """The first fenced block that is not JSON, with a trailing newline."""
    for m in FENCE.finditer(text):
        if m.group(1).lower() != "json":
            return m.group(2).rstrip("\n") + "\n"
    return None


def _salvage_write(text: str) -> Action | None:
    """Broken JSON that still says write_file and a path, with the content in a fenced block after it, or in a
    triple-quoted string that itself contains triple-quoted docstrings (the last triple quote ends it)."""
    if not re.search(r'"(?:tool|name|action)"\s*:\s*"write_file"', text):
        return None
    path = re.search(r'"path"\s*:\s*"([^"\n]+)"', text)
    if not path:
        return None
    quoted = re.search(r'"content"\s*:\s*"""', text)
    if quoted:
        end = text.rfind('"""')
        if end > quoted.end():
            return Action("write_file", {"path": path.group(1), "content": text[quoted.end():end].lstrip("\n")})
    block = _code_block(text[path.end():])
    if block is None:
        return None
    return Action("write_file", {"path": path.group(1), "content": block})
