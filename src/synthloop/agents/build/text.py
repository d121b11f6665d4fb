"""Long-form text with the build control unit: chapters are instructions; instead of tests, each chapter is
checked for length (words against its target) and for consistency with a glossary of the names, terms and facts
earlier chapters established (a structured model call). Output: one Markdown file per chapter plus book.md.

File store layout: outline.json (title + chapter specs), chapters/NN-<id>.md, notes/<id>.json (per-chapter summary
and glossary entries; one file per chapter so chapters written in parallel never conflict), glossary.json and
glossary.md (merged from the notes by the control unit), book.md (assembled)."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field, create_model

from ...memory.filestore import DiskFileStore
from ...memory.registry import Instruction, InstructionRegistry
from ..model import InvalidOutput, TruncatedOutput
from . import prompts
from .checks import CheckReport
from .schema import _slug

MIN_WORDS, MAX_WORDS = 100, 5000
LOW, HIGH = 0.8, 1.5  # accepted length: LOW·target ≤ words ≤ HIGH·target
MAX_ENTRIES = 12
MAX_GLOSSARY_CHARS = 6000
_RETRY = re.compile(r"^r\d+-")
_ECHO = re.compile(r"^\(Previous attempt failed:.*$", re.M)
_WORDS = re.compile(r"[A-Za-z0-9À-ÿ]+(?:['’-][A-Za-z0-9À-ÿ]+)*")


# -- schemas ----------------------------------------------------------------------------------------------
class ChapterSpec(BaseModel):
    id: str = Field(description="short unique id")
    title: str
    brief: str = Field(description="what the chapter covers")
    words: int = Field(description="target length in words")
    depends_on: list[str] = Field(default_factory=list)


class Outline(BaseModel):
    title: str
    chapters: list[ChapterSpec]


def outline_schema(max_chapters: int) -> type[Outline]:
    """Outline with the chapter count bounded in the JSON schema itself, so a grammar-constrained endpoint
    (llama.cpp json_schema) cannot run past it (small models ignore counts given only in words)."""
    return create_model("Outline", __base__=Outline,
                        chapters=(list[ChapterSpec], Field(min_length=1, max_length=max_chapters)))


class GlossaryEntry(BaseModel):
    term: str = Field(max_length=80)
    kind: Literal["name", "term", "fact"] = "term"
    definition: str = Field(max_length=400)


class ChapterNotes(BaseModel):  # bounds in the schema keep a looping small model from running to max_tokens
    summary: str = Field(max_length=800)
    entries: list[GlossaryEntry] = Field(default_factory=list, max_length=MAX_ENTRIES)


class ConsistencyIssue(BaseModel):
    term: str
    problem: str


class ConsistencyVerdict(BaseModel):
    consistent: bool
    issues: list[ConsistencyIssue] = Field(default_factory=list)


# -- outline → instructions -------------------------------------------------------------------------------
def count_words(text: str) -> int:
    """Words of a Markdown text (markup and punctuation are not words)."""
    return len(_WORDS.findall(text))


def length_bounds(target: int) -> tuple[int, int]:
    return math.floor(target * LOW), math.ceil(target * HIGH)


def length_problem(words: int, target: int) -> str:
    lo, hi = length_bounds(target)
    if words < lo:
        return f"LENGTH: the chapter has {words} words; it needs at least {lo} (target {target}). Expand it."
    if words > hi:
        return f"LENGTH: the chapter has {words} words; it may have at most {hi} (target {target}). Tighten it."
    return ""


def outline_instructions(outline: Outline, *, limit: int) -> tuple[list[Instruction], dict[str, Any], list[str]]:
    """Chapters as instructions (each owns chapters/NN-<id>.md and notes/<id>.json); also the outline document
    to store as outline.json, and notes on what was changed (clamped lengths, dropped dependencies)."""
    notes: list[str] = []
    chapters = outline.chapters
    if len(chapters) > limit:
        notes.append(f"outline had {len(chapters)} chapters; kept the first {limit}")
        chapters = chapters[:limit]
    items: list[Instruction] = []
    specs: list[dict[str, Any]] = []
    ids: dict[str, str] = {}
    for n, ch in enumerate(chapters, 1):
        if not ch.title.strip():
            notes.append(f"dropped chapter {ch.id!r}: no title")
            continue
        iid = _slug(ch.id, n)
        while iid in ids.values():
            iid += f"-{n}"
        words = min(MAX_WORDS, max(MIN_WORDS, int(ch.words)))
        if words != ch.words:
            notes.append(f"chapter {iid}: target {ch.words} words clamped to {words}")
        deps = []
        for d in ch.depends_on:
            if d in ids:
                deps.append(ids[d])
            else:
                notes.append(f"chapter {iid}: dropped dependency {d!r} (unknown or not an earlier chapter)")
        ids[ch.id] = iid
        path = f"chapters/{len(items) + 1:02d}-{iid}.md"
        items.append(Instruction(iid, f"Write chapter {len(items) + 1}, \"{ch.title.strip()}\" (~{words} words): "
                                      f"{ch.brief.strip()}", files=[path, f"notes/{iid}.json"], deps=deps))
        specs.append({"id": iid, "title": ch.title.strip(), "brief": ch.brief.strip(), "words": words, "file": path})
    return items, {"title": outline.title.strip() or "Untitled", "chapters": specs}, notes


def plan_messages(task: str, *, max_chapters: int) -> list[dict[str, str]]:
    return [{"role": "system", "content": prompts.render("text_plan", max_chapters=max_chapters,
                                                         min_words=MIN_WORDS, max_words=MAX_WORDS)},
            {"role": "user", "content": "# Request\n" + task}]


def load_outline(store: DiskFileStore) -> dict[str, Any]:
    return json.loads(store.read("outline.json"))


def chapter_spec(outline: dict[str, Any], path: str) -> dict[str, Any]:
    for ch in outline["chapters"]:
        if ch["file"] == path:
            return ch
    raise KeyError(f"no chapter {path} in the outline")


# -- glossary ---------------------------------------------------------------------------------------------
def notes_of(store: DiskFileStore) -> dict[str, dict[str, Any]]:
    """chapter id → its notes (summary, entries), for every chapter written so far, in outline order."""
    outline = load_outline(store)
    out: dict[str, dict[str, Any]] = {}
    for ch in outline["chapters"]:
        p = f"notes/{ch['id']}.json"
        if store.exists(p):
            out[ch["id"]] = json.loads(store.read(p))
    return out


def merge_glossary(notes: dict[str, dict[str, Any]], exclude: str | None = None) -> list[dict[str, Any]]:
    """One entry per term (case-insensitive), first definition wins; later chapters that use the term are listed,
    and a differing definition is kept as a variant for the reader to see."""
    merged: dict[str, dict[str, Any]] = {}
    for cid, n in notes.items():
        if cid == exclude:
            continue
        for e in n.get("entries", []):
            key = " ".join(str(e.get("term", "")).lower().split())
            if not key:
                continue
            if key not in merged:
                merged[key] = {"term": e["term"].strip(), "kind": e.get("kind", "term"),
                               "definition": e.get("definition", "").strip(), "chapters": [cid], "variants": []}
                continue
            m = merged[key]
            if cid not in m["chapters"]:
                m["chapters"].append(cid)
            d = e.get("definition", "").strip()
            if d and d != m["definition"] and d not in m["variants"]:
                m["variants"].append(d)
    return sorted(merged.values(), key=lambda x: x["term"].lower())


def glossary_text(entries: list[dict[str, Any]], max_chars: int = MAX_GLOSSARY_CHARS) -> str:
    lines, used = [], 0
    for e in entries:
        line = f"- {e['term']} ({e['kind']}): {e['definition']}"
        if used + len(line) > max_chars:
            lines.append(f"- ... ({len(entries) - len(lines)} more)")
            break
        lines.append(line)
        used += len(line) + 1
    return "\n".join(lines) or "(empty)"


def write_glossary(store: DiskFileStore) -> list[dict[str, Any]]:
    """Merge every chapter's notes into glossary.json and glossary.md."""
    outline = load_outline(store)
    titles = {c["id"]: c["title"] for c in outline["chapters"]}
    entries = merge_glossary(notes_of(store))
    store.write("glossary.json", json.dumps(entries, indent=2, ensure_ascii=False))
    md = [f"# Glossary — {outline['title']}", ""]
    for e in entries:
        md.append(f"**{e['term']}** ({e['kind']}) — {e['definition']}  ")
        md.append(f"  *chapters: {', '.join(titles.get(c, c) for c in e['chapters'])}*")
        for v in e["variants"]:
            md.append(f"  *also described as:* {v}")
        md.append("")
    store.write("glossary.md", "\n".join(md).rstrip() + "\n")
    return entries


def relevant_entries(entries: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """Glossary entries whose term occurs in `text` (case-insensitive, whole words)."""
    low = text.lower()
    return [e for e in entries if re.search(r"(?<![\w])" + re.escape(e["term"].lower()) + r"(?![\w])", low)]


# -- checks -----------------------------------------------------------------------------------------------
@dataclass
class ChapterCheck:
    words: int
    target: int
    length: str = ""  # problem text, empty when within bounds
    issues: list[dict[str, str]] = field(default_factory=list)
    checked_terms: int = 0
    repeated: int = 0  # paragraphs that occur more than once, word for word
    unchecked: str = ""  # why the consistency check could not be made (the model gave no valid verdict)

    @property
    def ok(self) -> bool:
        return not self.length and not self.issues and not self.repeated

    def problems(self) -> str:
        parts = [self.length] if self.length else []
        if self.repeated:
            parts.append(f"REPETITION: {self.repeated} paragraph(s) appear more than once word for word; "
                         "say each thing once.")
        parts += [f"CONSISTENCY: {i['term']}: {i['problem']}" for i in self.issues]
        return "\n".join(parts)


def repeated_paragraphs(text: str, min_words: int = 8) -> int:
    """How many paragraphs (of at least `min_words` words, headings excluded) repeat an earlier one verbatim —
    the typical failure of small models, which loop."""
    seen: set[str] = set()
    repeats = 0
    for para in re.split(r"\n\s*\n", text):
        key = " ".join(_WORDS.findall(para.lower()))
        if para.lstrip().startswith("#") or len(key.split()) < min_words:
            continue
        if key in seen:
            repeats += 1
        seen.add(key)
    return repeats


def check_chapter(model: Any, text: str, spec: dict[str, Any], glossary: list[dict[str, Any]], *,
                  temperature: float, max_tokens: int) -> ChapterCheck:
    """Length against the target, then (if the chapter uses glossary terms) the model's consistency verdict."""
    from ..structured import complete_json

    words = count_words(text)
    rep = ChapterCheck(words, spec["words"], length_problem(words, spec["words"]), repeated=repeated_paragraphs(text))
    used = relevant_entries(glossary, text)
    rep.checked_terms = len(used)
    if used:
        msg = prompts.render("text_check", glossary=glossary_text(used), chapter_title=spec["title"], chapter=text)
        try:
            verdict = complete_json(model, [{"role": "user", "content": msg}], ConsistencyVerdict,
                                    temperature=temperature, max_tokens=max_tokens)
        except (TruncatedOutput, InvalidOutput) as e:  # recorded, not blocking: the length checks still apply
            rep.unchecked = f"{type(e).__name__}: {e}"[:300]
            return rep
        rep.issues = [i.model_dump() for i in verdict.issues]
        if not verdict.consistent and not rep.issues:
            rep.issues = [{"term": "(unspecified)", "problem": "the checker found the chapter inconsistent"}]
    return rep


@dataclass
class TextReport(CheckReport):
    """Acceptance over the whole document: every chapter written and within its length bounds."""

    chapters: list[dict[str, Any]] = field(default_factory=list)  # {id, file, words, target, ok, problem}

    @property
    def ok(self) -> bool:
        return bool(self.chapters) and all(c["ok"] for c in self.chapters)

    def brief(self) -> dict[str, Any]:
        return {"ok": self.ok, "chapters": len(self.chapters), "passed": self.passed, "failed": self.failed,
                "words": sum(c["words"] for c in self.chapters)}

    def feedback(self, limit_chars: int = 4000) -> str:
        bad = [f"{c['id']}: {c['problem']}" for c in self.chapters if not c["ok"]]
        text = f"{self.passed} of {len(self.chapters)} chapters pass" + ("\n" + "\n".join(bad) if bad else "")
        return text[:limit_chars]


def document_check(store: DiskFileStore) -> TextReport:
    """Every chapter of the outline exists and is within its length bounds (consistency was checked per chapter)."""
    rep = TextReport(ran_tests=True)
    if not store.exists("outline.json"):
        return rep
    for ch in load_outline(store)["chapters"]:
        if store.exists(ch["file"]):
            words = count_words(store.read(ch["file"]))
            problem = length_problem(words, ch["words"])
        else:
            words, problem = 0, "missing"
        rep.chapters.append({"id": ch["id"], "file": ch["file"], "words": words, "target": ch["words"],
                             "ok": not problem, "problem": problem})
    rep.passed = sum(1 for c in rep.chapters if c["ok"])
    rep.failed = len(rep.chapters) - rep.passed
    rep.failures = [[c["file"], c["problem"]] for c in rep.chapters if not c["ok"]]
    return rep


# -- writing one chapter ----------------------------------------------------------------------------------
def _clean(text: str, title: str) -> str:
    """Strip a wrapping code fence and make sure the chapter starts with its heading."""
    t = text.strip()
    m = re.match(r"^```[a-zA-Z]*\n(.*?)\n?```$", t, re.S)
    if m:
        t = m.group(1).strip()
    t = _ECHO.sub("", t).strip()  # small models copy the retry note from their brief into the chapter
    if not t.startswith("# "):
        t = f"# {title}\n\n{t}"
    return t + "\n"


def _first_sentences(text: str, n: int = 2) -> str:
    """The opening sentences of a chapter's body (a fallback summary)."""
    body = " ".join(ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#"))
    return " ".join(re.split(r"(?<=[.!?])\s+", body)[:n])[:600]


@dataclass
class ChapterWriter:
    """Draft → check (length, consistency) → revise with the problems (≤ max_fix_rounds) → notes for the glossary.
    Long chapters that stop at max_tokens are continued in further calls."""

    model: Any
    store: DiskFileStore  # the instruction's scratch copy
    task: str
    max_fix_rounds: int
    temperature: float
    max_tokens: int
    emit: Callable[..., None] = lambda kind, **d: None
    steps: int = 0

    def _generate(self, messages: list[dict[str, Any]], words: int) -> str:
        parts: list[str] = []
        convo = list(messages)
        max_parts = max(2, math.ceil(words * 1.6 / max(1, self.max_tokens * 0.7)) + 1)
        for _ in range(max_parts):
            try:
                out = self.model.complete(convo, temperature=self.temperature, max_tokens=self.max_tokens)
                choice = out.choices[0]
                text, finish = choice.content or "", choice.finish_reason
            except TruncatedOutput:
                break
            self.steps += 1
            parts.append(text)
            if finish != "length" or count_words("".join(parts)) >= words * HIGH:  # long enough: no continuation
                break
            convo = [*convo, {"role": "assistant", "content": text},
                     {"role": "user", "content": prompts.render("text_continue")}]
        return "".join(parts)

    def run(self, it: Instruction, previous: list[tuple[str, str]]) -> dict[str, Any]:
        outline = load_outline(self.store)
        spec = chapter_spec(outline, it.files[0])
        notes = notes_of(self.store)
        glossary = merge_glossary(notes, exclude=spec["id"])
        lo, hi = length_bounds(spec["words"])
        outline_text = "\n".join(f"{n}. {c['title']} (~{c['words']} words): {c['brief']}"
                                 for n, c in enumerate(outline["chapters"], 1))
        prev = "\n".join(f"- {i}: {s}" for i, s in previous if s) or "(none yet)"
        retry = it.text.partition("\n(Previous attempt")[2]
        brief = spec["brief"] + ("\n(Previous attempt" + retry if retry else "")
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": prompts.render("text_system")},
            {"role": "user", "content": prompts.render(
                "text_chapter", book_title=outline["title"], task=self.task, outline=outline_text, previous=prev,
                glossary=glossary_text(glossary), chapter_id=spec["id"], chapter_title=spec["title"],
                brief=brief, words=spec["words"], min_words=lo, max_words=hi)}]
        text = _clean(self._generate(messages, spec["words"]), spec["title"])
        fix_rounds = 0
        while True:
            rep = check_chapter(self.model, text, spec, glossary, temperature=self.temperature,
                                max_tokens=self.max_tokens)
            self.steps += 1 if rep.checked_terms else 0
            self.emit("chapter_check", words=rep.words, target=rep.target, length=rep.length or "ok",
                      issues=len(rep.issues), repeated=rep.repeated, checked_terms=rep.checked_terms, round=fix_rounds,
                      **({"unchecked": rep.unchecked} if rep.unchecked else {}))
            if rep.ok or fix_rounds >= self.max_fix_rounds:
                break
            fix_rounds += 1
            messages = [*messages[:2], {"role": "assistant", "content": text},
                        {"role": "user", "content": prompts.render("text_revise", round=fix_rounds,
                                                                   max_rounds=self.max_fix_rounds,
                                                                   problems=rep.problems(),
                                                                   chapter_title=spec["title"])}]
            text = _clean(self._generate(messages, spec["words"]), spec["title"])
        checks = {"ok": rep.ok, "words": rep.words, "target": rep.target, "issues": rep.issues,
                  "repeated": rep.repeated, "unchecked": rep.unchecked}
        base = {"id": it.id, "steps": self.steps, "fix_rounds": fix_rounds, "restarts": 0, "hints": 0,
                "checks": checks, "test_changes": []}
        if not rep.ok:
            return base | {"status": "failed", "summary": "", "reason": f"checks still failing after {fix_rounds} "
                           f"revision(s): {rep.problems()[:300]}"}
        self.store.write(spec["file"], text)
        from ..structured import complete_json

        msg = prompts.render("text_notes", chapter_title=spec["title"], book_title=outline["title"], chapter=text,
                             max_entries=MAX_ENTRIES)
        try:
            chapter_notes = complete_json(self.model, [{"role": "user", "content": msg}], ChapterNotes,
                                          temperature=self.temperature, max_tokens=self.max_tokens)
        except (TruncatedOutput, InvalidOutput) as e:  # the chapter stands; its glossary entries are lost
            self.emit("notes_failed", error=f"{type(e).__name__}: {e}"[:300])
            chapter_notes = ChapterNotes(summary=_first_sentences(text))
        self.steps += 1
        data = {"chapter": spec["id"], "file": spec["file"], "words": rep.words,
                "summary": chapter_notes.summary.strip(),
                "entries": [e.model_dump() for e in chapter_notes.entries[:MAX_ENTRIES]]}
        self.store.write(f"notes/{spec['id']}.json", json.dumps(data, indent=2, ensure_ascii=False))
        return base | {"status": "done", "reason": "",
                       "summary": f"{data['summary']} ({rep.words} words)".strip()}


# -- re-planning and assembly -----------------------------------------------------------------------------
def retry_instructions(registry: InstructionRegistry, rnd: int) -> list[Instruction]:
    """Re-planning for text: every chapter whose latest instruction failed gets a retry (same files, the failure
    reason in its text); dependencies on failed chapters point at their retries."""
    latest: dict[str, Instruction] = {}
    for it in registry.all():
        if it.files:
            latest[it.files[0]] = it
    failed = [it for it in latest.values() if it.status == "failed"]
    retry_of = {it.id: f"r{rnd}-{_RETRY.sub('', it.id)}" for it in failed}
    out = []
    for it in failed:
        deps = [retry_of.get(d, d) for d in it.deps]
        reason = it.summary.replace("failed: ", "", 1)[:300]
        text = it.text.split("\n(Previous attempt")[0] + f"\n(Previous attempt failed: {reason})"
        out.append(Instruction(retry_of[it.id], text, files=list(it.files), deps=deps, origin=f"replan-{rnd}"))
    ids = {i.id for i in out}
    order = {it.id: n for n, it in enumerate(out)}
    out.sort(key=lambda i: max([order.get(d, -1) for d in i.deps if d in ids] + [-1]))  # retries after their deps
    return out


def _demote(text: str) -> str:
    """Chapter headings one level down inside the assembled book (outside code fences)."""
    out, fence = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fence = not fence
        out.append("#" + line if not fence and re.match(r"^#{1,5} ", line) else line)
    return "\n".join(out)


def _anchor(title: str) -> str:
    return re.sub(r"[^\w\- ]", "", title.lower()).strip().replace(" ", "-")


def assemble(store: DiskFileStore) -> dict[str, Any]:
    """Write glossary.json/md and book.md (title, contents, every written chapter in outline order, glossary).
    Returns per-chapter word counts."""
    outline = load_outline(store)
    entries = write_glossary(store)
    present = [c for c in outline["chapters"] if store.exists(c["file"])]
    parts = [f"# {outline['title']}", "", "## Contents", ""]
    parts += [f"{n}. [{c['title']}](#{_anchor(c['title'])})" for n, c in enumerate(present, 1)]
    words: dict[str, int] = {}
    for c in present:
        text = store.read(c["file"])
        words[c["id"]] = count_words(text)
        parts += ["", _demote(text.strip())]
    if entries:
        parts += ["", "## Glossary", ""] + [f"- **{e['term']}** — {e['definition']}" for e in entries]
    store.write("book.md", "\n".join(parts).rstrip() + "\n")
    missing = [c["id"] for c in outline["chapters"] if c not in present]
    return {"book": "book.md", "chapters": words, "words": sum(words.values()), "missing": missing,
            "glossary_entries": len(entries)}


# -- hooks the control unit calls in text mode (env: agents.build.env.BuildEnv) --------------------------
def plan_steps(env: Any) -> Any:
    """The outline from the planner model (structured call) as the control unit's Plan (chapter ids, files and
    checked dependencies carry over unchanged); writes outline.json (titles, briefs, word targets) to the workspace."""
    from ..structured import complete_json
    from .schema import Plan, PlanStep

    limit = env.cfg.build.max_instructions
    outline = complete_json(env.role("planner"), plan_messages(env.task(), max_chapters=limit), outline_schema(limit),
                            temperature=env.cfg.model.temperature, max_tokens=env.cfg.model.max_tokens)
    items, doc, notes = outline_instructions(outline, limit=env.cfg.build.max_instructions)
    if items:
        env.workspace.write("outline.json", json.dumps(doc, indent=2, ensure_ascii=False))
    if notes:
        env.emit("outline_notes", notes=notes)
    return Plan(steps=[PlanStep(id=i.id, instruction=i.text, files=i.files, depends_on=i.deps) for i in items])


def run_chapter(env: Any, it: Instruction, scratch: DiskFileStore) -> dict[str, Any]:
    """One chapter instruction on its scratch copy; the outcome dict the control unit expects."""
    with env.lock:
        before = [a for a in env.registry.all() if a.status == "done" and a.files
                  and (a.id in it.deps or a.files[0] < it.files[0])]
        previous = [(a.id, a.summary) for a in sorted(before, key=lambda a: a.files[0])]
    bcfg = env.cfg.build

    def emit(kind: str, **data: Any) -> None:
        env.emit(kind, instruction=it.id, **data)

    writer = ChapterWriter(env.role(f"writer:{it.id}"), scratch, env.task(), max_fix_rounds=bcfg.max_fix_rounds,
                           temperature=env.cfg.model.temperature, max_tokens=env.cfg.model.max_tokens, emit=emit)
    return writer.run(it, previous)
