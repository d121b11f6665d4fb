"""Long-form text mode's parts with a scripted model (the only fake): outline → instructions, length targets, the
glossary, the consistency check, the chapter writer's revise loop and continuation, re-planning, assembly."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from synthloop.agents.build.text import (
    ChapterWriter,
    Outline,
    assemble,
    count_words,
    document_check,
    length_problem,
    merge_glossary,
    outline_instructions,
    outline_schema,
    relevant_entries,
    repeated_paragraphs,
    retry_instructions,
)
from synthloop.agents.scripted import ScriptedModel
from synthloop.memory.filestore import DiskFileStore
from synthloop.memory.registry import InstructionRegistry

OUTLINE = Outline.model_validate({"title": "Guide to Sourdough", "chapters": [
    {"id": "starter", "title": "The Starter", "brief": "Feeding the starter.", "words": 120},
    {"id": "bake", "title": "Baking Day", "brief": "Shaping and baking.", "words": 150, "depends_on": ["starter"]},
    {"id": "extra", "title": "Extras", "brief": "Odds and ends.", "words": 20000, "depends_on": ["nope"]},
]})


def words(n: int, word: str = "dough") -> str:
    return " ".join([word] * n)


def store_with_outline(tmp_path, limit=10):
    store = DiskFileStore(tmp_path / "ws")
    items, doc, notes = outline_instructions(OUTLINE, limit=limit)
    store.write("outline.json", json.dumps(doc))
    return store, items, doc, notes


def test_outline_becomes_instructions_with_files_targets_and_checked_deps(tmp_path):
    store, items, doc, notes = store_with_outline(tmp_path)
    assert [(i.id, i.files, i.deps) for i in items] == [
        ("starter", ["chapters/01-starter.md", "notes/starter.json"], []),
        ("bake", ["chapters/02-bake.md", "notes/bake.json"], ["starter"]),
        ("extra", ["chapters/03-extra.md", "notes/extra.json"], [])]
    assert doc["chapters"][2]["words"] == 5000 and "clamped" in notes[0] and "dropped dependency" in notes[1]
    assert '"The Starter" (~120 words)' in items[0].text
    assert len(outline_instructions(OUTLINE, limit=2)[0]) == 2
    bounded = outline_schema(2)  # the count is in the JSON schema, for grammar-constrained endpoints
    assert bounded.model_json_schema()["properties"]["chapters"]["maxItems"] == 2
    with pytest.raises(ValidationError):
        bounded.model_validate(OUTLINE.model_dump())


def test_word_count_and_length_bounds():
    assert count_words("# Title\n\nIt's a well-known fact: 42 loaves, *baked* daily.") == 9
    assert length_problem(80, 100) == "" and length_problem(150, 100) == ""
    assert "at least 80" in length_problem(79, 100) and "at most 150" in length_problem(151, 100)


def test_repeated_paragraphs_are_found_and_fed_back(tmp_path):
    para = "Green tea is brewed at about eighty degrees for two minutes."
    text = f"# T\n\n{para}\n\n## Again\n\n{para}\n\nShort line.\n\nShort line.\n\n{para.upper()}\n"
    assert repeated_paragraphs(text) == 2 and repeated_paragraphs("# T\n\n" + para) == 0
    store, items, *_ = store_with_outline(tmp_path)
    looping = "# The Starter\n\n" + "\n\n".join([words(40)] * 3)  # 120 words, within bounds, but looping
    w, model, events = _writer(store, [looping, "# The Starter\n\n" + words(125),
                                       json.dumps({"summary": "S.", "entries": []})])
    assert w.run(items[0], [])["status"] == "done"
    assert "REPETITION: 2 paragraph(s)" in model.calls[1]["messages"][-1]["content"]
    assert [d["repeated"] for k, d in events if k == "chapter_check"] == [2, 0]


def test_checker_and_notes_failures_are_recorded_not_fatal(tmp_path):
    store, items, *_ = store_with_outline(tmp_path)
    store.write("notes/starter.json", json.dumps({"summary": "s", "entries": [
        {"term": "Levain", "kind": "term", "definition": "mature starter"}]}))
    draft = "# Baking Day\n\nThe Levain goes in first. Then bake. " + words(140)
    w, model, events = _writer(store, [draft, "not json", "still not json",       # verdict fails twice
                                       {"content": '{"summary": "lo', "finish_reason": "length"}])  # notes cut off
    out = w.run(items[1], [])
    assert out["status"] == "done" and out["checks"]["unchecked"].startswith("InvalidOutput")
    assert [k for k, _ in events] == ["chapter_check", "notes_failed"] and "TruncatedOutput" in events[1][1]["error"]
    assert json.loads(store.read("notes/bake.json"))["summary"] == "The Levain goes in first. Then bake."


def test_glossary_merges_terms_keeps_first_definition_and_variants():
    notes = {"a": {"entries": [{"term": "Levain", "kind": "term", "definition": "the mature starter"}]},
             "b": {"entries": [{"term": "levain ", "kind": "term", "definition": "a pre-ferment"},
                               {"term": "Hydration", "kind": "fact", "definition": "75 percent"}]}}
    g = merge_glossary(notes)
    assert [(e["term"], e["chapters"], e["variants"]) for e in g] == [
        ("Hydration", ["b"], []), ("Levain", ["a", "b"], ["a pre-ferment"])]
    assert [e["term"] for e in merge_glossary(notes, exclude="b")] == ["Levain"]
    assert [e["term"] for e in relevant_entries(g, "Use the levain early.")] == ["Levain"]
    assert relevant_entries(g, "levains") == []


def _writer(store, replies, **kw):
    model = ScriptedModel(replies)
    events = []
    w = ChapterWriter(model, store, "Write a guide to sourdough.", max_fix_rounds=kw.get("rounds", 2),
                      temperature=0.2, max_tokens=200, emit=lambda kind, **d: events.append((kind, d)))
    return w, model, events


def test_chapter_writer_revises_for_length_and_consistency_then_writes_notes(tmp_path):
    store, items, doc, _ = store_with_outline(tmp_path)
    store.write("notes/starter.json", json.dumps({"summary": "Starter basics.", "entries": [
        {"term": "Levain", "kind": "term", "definition": "the mature starter, fed 1:1:1"}]}))
    short = "# Baking Day\n\n" + words(40)
    inconsistent = "# Baking Day\n\nThe Levain is fed 1:5:5. " + words(140)
    good = "```markdown\n# Baking Day\n\nFeed the Levain 1:1:1. " + words(140) + "\n```"
    replies = [
        short,                                                  # draft: too short; no glossary term used → no check call
        inconsistent,                                           # revision 1
        json.dumps({"consistent": False, "issues": [{"term": "Levain", "problem": "ratio 1:5:5 vs 1:1:1"}]}),
        good,                                                   # revision 2
        json.dumps({"consistent": True, "issues": []}),
        json.dumps({"summary": "How to bake.", "entries": [
            {"term": "Bake temperature", "kind": "fact", "definition": "250 C"}]}),
    ]
    w, model, events = _writer(store, replies)
    out = w.run(items[1], [("starter", "Starter basics.")])
    assert out["status"] == "done" and out["fix_rounds"] == 2 and model.remaining == 0
    text = store.read("chapters/02-bake.md")
    assert text.startswith("# Baking Day\n") and "```" not in text and count_words(text) >= 120
    # the prompts carried the outline, the previous summary, the glossary and the problems
    first = model.calls[0]["messages"][1]["content"]
    assert "Starter basics." in first and "Levain (term): the mature starter" in first and "between 120 and 225" in first
    assert "LENGTH: the chapter has" in model.calls[1]["messages"][-1]["content"]
    assert "CONSISTENCY: Levain: ratio 1:5:5 vs 1:1:1" in model.calls[3]["messages"][-1]["content"]
    assert "# Glossary\n- Levain" in model.calls[2]["messages"][0]["content"]
    notes = json.loads(store.read("notes/bake.json"))
    assert notes["summary"] == "How to bake." and notes["entries"][0]["term"] == "Bake temperature"
    assert [d["issues"] for k, d in events if k == "chapter_check"] == [0, 1, 0]


def test_chapter_writer_continues_cut_off_replies_and_fails_after_rounds(tmp_path):
    store, items, *_ = store_with_outline(tmp_path)
    part1 = {"content": "# The Starter\n\n" + words(70), "finish_reason": "length"}
    part2 = " " + words(70, "flour")
    w, model, _ = _writer(store, [part1, part2, json.dumps({"summary": "S.", "entries": []})])
    out = w.run(items[0], [])
    assert out["status"] == "done"
    assert "Continue the chapter exactly where it stopped" in model.calls[1]["messages"][-1]["content"]
    assert count_words(store.read("chapters/01-starter.md")) == 142

    store2, items2, *_ = store_with_outline(tmp_path / "b")
    w, model, _ = _writer(store2, ["# The Starter\n\nshort", "# The Starter\n\nstill short"], rounds=1)
    out = w.run(items2[0], [])
    assert out["status"] == "failed" and "LENGTH" in out["reason"] and not store2.exists("chapters/01-starter.md")


def test_retry_instructions_and_document_check_and_assembly(tmp_path):
    store, items, doc, _ = store_with_outline(tmp_path)
    reg = InstructionRegistry(tmp_path / "registry.json")
    reg.add(items)
    reg.set_status("starter", "done", "ok")
    reg.set_status("bake", "failed", "failed: checks still failing: LENGTH")
    reg.set_status("extra", "failed", "failed: not run")
    retries = retry_instructions(reg, 1)
    assert [(r.id, r.files[0], r.origin) for r in retries] == [("r1-bake", "chapters/02-bake.md", "replan-1"),
                                                               ("r1-extra", "chapters/03-extra.md", "replan-1")]
    assert retries[0].deps == ["starter"] and "(Previous attempt failed: checks still failing: LENGTH)" in retries[0].text
    reg.add(retries)
    reg.set_status("r1-bake", "failed", "failed: again")
    assert [r.id for r in retry_instructions(reg, 2)] == ["r2-bake"]  # r1-extra is still pending

    store.write("chapters/01-starter.md", "# The Starter\n\n## Feeding\n" + words(120) + "\n```\n# not a heading\n```\n")
    store.write("notes/starter.json", json.dumps({"summary": "s", "entries": [
        {"term": "Levain", "kind": "term", "definition": "mature starter"}]}))
    rep = document_check(store)
    assert not rep.ok and rep.passed == 1 and rep.failed == 2 and "bake: missing" in rep.feedback()
    res = assemble(store)
    book = store.read("book.md")
    assert book.startswith("# Guide to Sourdough\n") and "1. [The Starter](#the-starter)" in book
    assert "\n## The Starter\n" in book and "\n### Feeding\n" in book and "\n# not a heading\n" in book
    assert "- **Levain** — mature starter" in book
    assert res["missing"] == ["bake", "extra"] and res["chapters"] == {"starter": count_words(
        store.read("chapters/01-starter.md"))}
    assert json.loads(store.read("glossary.json"))[0]["term"] == "Levain" and "**Levain**" in store.read("glossary.md")


@pytest.mark.parametrize("bad", ["", "   "])
def test_outline_drops_untitled_chapters(bad):
    o = Outline.model_validate({"title": "T", "chapters": [{"id": "a", "title": bad, "brief": "b", "words": 200}]})
    items, doc, notes = outline_instructions(o, limit=5)
    assert items == [] and "no title" in notes[0]


# -- end to end through the control unit (scripted model) ------------------------------------------------
class TextDirector:
    """Routes the text mode's model calls by what they ask for (parallel chapters consume replies concurrently)."""

    def __init__(self, outline: dict, drafts: dict[str, list], verdicts: list[str], notes: dict[str, dict]):
        import threading

        self.outline, self.drafts, self.verdicts, self.notes = outline, drafts, verdicts, notes
        self.asked: list[str] = []
        self.prompts: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    def __call__(self, messages):
        import re

        text = "\n".join(str(m.get("content") or "") for m in messages)
        with self._lock:
            if "You are the editor planning" in text:
                self.asked.append("plan")
                return json.dumps(self.outline)
            if "You are the consistency checker" in text:
                self.asked.append("check")
                return self.verdicts.pop(0)
            m = re.search(r'Here is a finished chapter \("([^"]+)"\)', text)
            if m:
                self.asked.append("notes")
                return json.dumps(self.notes[m.group(1)])
            m = re.search(r"# Your chapter \(([^)]+)\)", text)
            assert m, text[:300]
            cid = m.group(1)
            self.asked.append(cid)
            self.prompts.setdefault(cid, []).append(str(messages[-1]["content"]))
            return self.drafts[cid].pop(0)


def test_text_run_end_to_end(cfg, new_run):
    from synthloop.agents.build_run import run_build

    outline = {"title": "Widgets Explained", "chapters": [
        {"id": "basics", "title": "Basics", "brief": "What a Widget is.", "words": 100},
        {"id": "advanced", "title": "Advanced Use", "brief": "Tuning widgets.", "words": 100, "depends_on": ["basics"]},
        {"id": "extra", "title": "Extras", "brief": "Odds and ends.", "words": 100},
    ]}
    drafts = {
        "basics": ["# Basics\n\nA Widget is a gear with 12 teeth. " + words(100)],
        "advanced": ["# Advanced Use\n\nEvery Widget has 9 teeth. " + words(100),
                     "# Advanced Use\n\nEvery Widget has 12 teeth. " + words(100)],
        "extra": ["# Extras\n\ntoo short"] * 3 + ["# Extras\n\n" + words(110) + "\n(Previous attempt failed: echo)"],
    }
    verdicts = [json.dumps({"consistent": False, "issues": [{"term": "Widget", "problem": "9 teeth, not 12"}]}),
                json.dumps({"consistent": True, "issues": []})]
    notes = {"Basics": {"summary": "Defines the Widget.", "entries": [
                 {"term": "Widget", "kind": "name", "definition": "a gear with 12 teeth"}]},
             "Advanced Use": {"summary": "Tuning.", "entries": []},
             "Extras": {"summary": "Extras.", "entries": [{"term": "Sprocket", "kind": "term", "definition": "x"}]}}
    director = TextDirector(outline, drafts, verdicts, notes)
    run = new_run()
    summary = run_build(cfg, run, "Write a short guide to widgets.", model=ScriptedModel([director] * 40),
                        kind="text")
    reg = InstructionRegistry.load(run.path / "registry.json")
    assert [(i.id, i.status) for i in reg.all()] == [("basics", "done"), ("advanced", "done"), ("extra", "failed"),
                                                      ("r1-extra", "done")]
    assert all(not d for d in director.drafts.values()) and not director.verdicts
    # the dependant chapter saw the first chapter's summary and glossary, and got the consistency problem back
    assert "Defines the Widget." in director.prompts["advanced"][0]
    assert "Widget (name): a gear with 12 teeth" in director.prompts["advanced"][0]
    assert "CONSISTENCY: Widget: 9 teeth, not 12" in director.prompts["advanced"][1]
    assert "Previous attempt failed" in director.prompts["extra"][-1]
    ws = run.path / "workspace"
    assert sorted(p.name for p in (ws / "chapters").iterdir()) == ["01-basics.md", "02-advanced.md", "03-extra.md"]
    assert "Previous attempt" not in (ws / "chapters" / "03-extra.md").read_text()  # an echoed retry note is dropped
    book = (ws / "book.md").read_text()
    assert book.startswith("# Widgets Explained\n") and "## Advanced Use" in book and "**Widget** — a gear" in book
    gloss = json.loads((ws / "glossary.json").read_text())
    assert [e["term"] for e in gloss] == ["Sprocket", "Widget"] and (ws / "glossary.md").exists()
    t = summary["text"]
    assert t["missing"] == [] and t["words"] == sum(t["chapters"].values()) and t["chapters"]["advanced"] >= 100
    assert summary["tests_ok"] and summary["tests_passed"] == 3


def test_cli_build_run_kind_text(open_tmp):
    """The real command line in a subprocess, with the config's scripted preset."""
    import os
    import subprocess
    import sys

    outline = {"title": "Tea", "chapters": [
        {"id": "leaves", "title": "Leaves", "brief": "Kinds of tea leaves.", "words": 100},
        {"id": "brew", "title": "Brewing", "brief": "How to brew.", "words": 100, "depends_on": ["leaves"]}]}
    script = open_tmp / "script.json"
    script.write_text(json.dumps([
        json.dumps(outline),
        "# Leaves\n\nOolong is half-oxidised. " + words(100, "tea"),
        json.dumps({"summary": "Kinds of leaves.", "entries": [
            {"term": "Oolong", "kind": "term", "definition": "a half-oxidised tea"}]}),
        "# Brewing\n\nBrew Oolong at 90 C. " + words(100, "water"),
        json.dumps({"consistent": True, "issues": []}),
        json.dumps({"summary": "Brewing.", "entries": []}),
    ]))
    cfg_file = open_tmp / "cfg.toml"
    cfg_file.write_text(f'[model]\npreset = "scripted"\nscript = "{script}"\ncache = false\n[build]\nparallel = 1\n')
    cli = [sys.executable, "-c", "from synthloop.cli import main; main()", "-c", str(cfg_file),
           "--runs-dir", str(open_tmp / "runs")]
    env = {"COLUMNS": "250", "NO_COLOR": "1", "PATH": "/usr/bin:/bin",
           **{k: v for k, v in os.environ.items() if k in ("HOME", "PYTHONPATH")}}
    proc = subprocess.run([*cli, "build", "run", "--kind", "text", "Write a short guide to tea."],
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "words in 2 chapters" in proc.stdout and "glossary: 1 entries" in proc.stdout
    book = next((open_tmp / "runs").glob("*-build-*")) / "workspace" / "book.md"
    assert "## Brewing" in book.read_text()

    bad = subprocess.run([*cli, "build", "run", "--kind", "text", "--repo", str(open_tmp), "x"],
                         capture_output=True, text=True, timeout=120, env=env)
    assert bad.returncode != 0 and "cannot be combined with --kind text" in bad.stderr + bad.stdout
