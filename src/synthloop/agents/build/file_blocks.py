"""Reading a whole-file reply: files as fenced blocks, each named by a path line before it (or a `# path` first line
inside it), plus optional `READ path`, `SUMMARY: ...` and `REASON: ...` lines outside the blocks. A block named by
`APPEND: path` holds only new code for the end of an existing file.

Small models write whole files far more reliably than tool calls or patches; this is the reply format of the
`files` tool protocol."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

PATH = re.compile(r"^[\w.\-]+(?:/[\w.\-]+)*\.[A-Za-z0-9]{1,8}$")
_DECOR = re.compile(r"^(?:#+\s*|\*\*|`|-\s+)*(?:(?:file|path|filename)\s*[:=]\s*)?", re.I)
_APPEND = re.compile(r"^\s*(?:#+\s*|\*\*)?APPEND(?:\s+TO)?\s*:\s*(.+)$", re.I)
_READ = re.compile(r"^\s*READ:?\s+`?([\w.\-/]+)`?\s*$")
_SUMMARY = re.compile(r"^\s*SUMMARY:\s*(.+)$")
_REASON = re.compile(r"^\s*REASON:\s*(.+)$")
_MENTION = re.compile(r"(?<![\w/])((?:[\w\-]+/)*[\w\-]+\.(?:py|md|txt|toml|json|cfg|ini|yaml|yml|html|css|js))\b")
_PY_OPENER = re.compile(r"^\s*```+\s*(?:python3?|py)\s*$", re.I)
_FENCE = re.compile(r"^\s*```+\s*([\w.+\-]*)\s*(.*)$")


@dataclass
class FileReply:
    files: dict[str, str] = field(default_factory=dict)   # path -> whole content
    appends: dict[str, str] = field(default_factory=dict)  # path -> new code for the end of that file
    unnamed: int = 0                                        # blocks whose path could not be read
    truncated: str | None = None                            # a block left open at the end ("" if unnamed)
    partial: str = ""                                       # that block's text so far
    reads: list[str] = field(default_factory=list)
    summary: str = ""
    reason: str = ""


def path_of(line: str) -> str | None:
    """The path named by a header line like `FILE: a/b.py`, `### a/b.py`, `**a/b.py**`, `a/b.py:`."""
    text = _DECOR.sub("", line.strip()).strip().strip("*`'\":").strip()
    text = _DECOR.sub("", text).strip().strip("*`'\":").strip()
    if text.startswith("./"):
        text = text[2:]
    if PATH.match(text) and ".." not in text.split("/"):
        return text
    named = _MENTION.findall(line)  # "Here is the updated `src/app.py`:" names the file in a sentence
    return named[-1] if len(set(named)) == 1 and ".." not in named[-1].split("/") else None


def parse_file_reply(text: str, default_path: str | None = None) -> FileReply:
    """Split a reply into files. A block with no readable path goes to `default_path` when it is the reply's only
    block (an instruction that owns one file), else it is counted in `unnamed`."""
    out = FileReply()
    lines = (text or "").splitlines()
    blocks: list[tuple[str | None, str, bool]] = []  # (path, body, is an APPEND block)
    i, prev, closed_at = 0, "", -2
    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        if fence is not None and i == closed_at + 1 and not line.strip().strip("`") and _stray(lines[i + 1:i + 2]):
            i += 1  # a doubled closing fence
            continue
        if fence is None:
            for rx, attr in ((_SUMMARY, "summary"), (_REASON, "reason")):
                m = rx.match(line)
                if m:
                    setattr(out, attr, m.group(1).strip())
            m = _READ.match(line)
            if m:
                out.reads.append(m.group(1))
            if line.strip():
                prev = line
            i += 1
            continue
        append = _APPEND.match(prev) if prev else None
        path = path_of(append.group(1)) if append else path_of(fence.group(2)) or (path_of(prev) if prev else None)
        body: list[str] = []
        i += 1
        closed = reopened = False
        python = fence.group(1).lower() in ("python", "py", "python3") or (path or "").endswith(".py")
        while i < len(lines):
            if re.match(r"^\s*```+\s*$", lines[i]):
                closed = True
                break
            if python and body and _PY_OPENER.match(lines[i]):  # a new block opened before this one was closed
                closed = reopened = True
                break
            body.append(lines[i])
            i += 1
        closed_at = -2 if reopened else i
        i += 0 if reopened else 1
        if body and path is None:  # `# path.py` as the block's first line
            first = re.sub(r"^\s*(?:#|//)\s*", "", body[0]) if body[0].lstrip().startswith(("#", "//")) else ""
            path = path_of(first) if first else None
        prev = ""
        if reopened and (_APPEND.match(body[-1]) or path_of(body[-1])):  # its header line ended up in this block
            prev = body.pop()
        if not closed:
            if any(ln.strip() for ln in body):
                out.truncated, out.partial = path or "", "\n".join(body)
            break
        if not any(ln.strip() for ln in body):  # a stray empty block (e.g. a doubled closing fence)
            continue
        blocks.append((path, "\n".join(body).rstrip("\n") + "\n", append is not None))
    if len(blocks) == 1 and blocks[0][0] is None and default_path:
        blocks = [(default_path, blocks[0][1], False)]
    for path, body, appended in blocks:
        if path is None:
            out.unnamed += 1
        elif appended:
            out.appends[path] = out.appends.get(path, "") + body
        else:
            out.files[path] = body
    return out


def _stray(following: list[str]) -> bool:
    """A bare fence right after a closed block is a doubled close when nothing follows it but a header or a fence."""
    nxt = following[0] if following else ""
    return not nxt.strip() or bool(_FENCE.match(nxt) or _APPEND.match(nxt) or path_of(nxt))


def with_appends(reply: FileReply, read: Callable[[str], str | None]) -> None:
    """Turn the reply's APPEND blocks into whole files: the current content (`read(path)`, None if absent) plus the
    new code. A block that already repeats the whole file (a model that wrote it all anyway) replaces it."""
    for path, code in reply.appends.items():
        base = reply.files.get(path, read(path))
        if not base or not base.strip() or base.strip() in code:
            reply.files[path] = code
        else:
            reply.files[path] = base.rstrip("\n") + "\n\n\n" + code.strip("\n") + "\n"
    reply.appends.clear()


def salvage_python(partial: str, min_lines: int = 3) -> str | None:
    """A cut-off Python file cut back to its longest prefix of whole lines that parses (small models often run
    on repeating test lines until the output limit); None if no prefix of at least `min_lines` lines parses."""
    import ast

    lines = partial.splitlines()[:-1]  # the last line is unfinished
    for end in range(len(lines), min_lines - 1, -1):
        text = "\n".join(lines[:end]).rstrip() + "\n"
        if not text.strip():
            return None
        try:
            ast.parse(text)
        except SyntaxError:
            continue
        return text
    return None


def extract_code(text: str) -> str:
    """The first ```python block (or any fenced block) of a reply, else the whole reply."""
    m = re.search(r"```(?:python|py)?\s*\n(.*?)```", text or "", re.S)
    return (m.group(1) if m else text or "").strip() + "\n"
