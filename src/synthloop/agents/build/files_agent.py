"""The whole-file protocol of a sub-agent (build.tool_protocol = "files"), for small models.

Every reply carries complete files (see file_blocks.py); the control unit writes them through the same tools (so
ownership and the test-weakening guard apply), runs the syntax check and the test suite, and answers with the result.
Each round starts from a fresh brief that shows the current content of the instruction's files, so the context
stays bounded without summaries and the model never has to copy text exactly (no patches)."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from ..model import Message
from . import prompts
from .checks import is_test_file
from .file_blocks import FileReply, parse_file_reply, salvage_python, with_appends
from .method_rewrite import (
    MAX_PER_KIND,
    code_fault,
    exercised_names,
    members,
    rewrite_class,
    rewrite_method,
    rewrite_test,
)
from .rewrite import function_specs, rewrite_function
from .subagent import MAX_HINTS, Subagent, SubagentResult
from .tools import empty_functions


class FilesSubagent(Subagent):
    """Runs one instruction with whole-file replies instead of tool calls."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs["protocol"] = "json"  # no native tool specs are sent
        super().__init__(*args, **kwargs)
        self.asked: list[str] = []  # files the model asked to see (READ)
        self.rewritten: set[tuple[str, str]] = set()  # (path, function) rewritten from its docstring or the task
        self.failures: list[list[str]] = []  # the last failed check's [nodeid, message] pairs
        self.respecified: set[str] = set()  # methods rewritten from the task's text

    def _system(self) -> str:
        return prompts.render("files_system")

    def _round_messages(self, result: str, rnd: int) -> list[Message]:
        """The brief with the current files (owned, written, asked for, dependencies) and the last round's result."""
        b = self.brief
        b.relevant = list(dict.fromkeys(b.owned + sorted(self.tools.written) + self.asked + b.relevant))
        messages = self.fresh_messages()
        if result:
            messages[1]["content"] += "\n" + prompts.render("files_result", round=rnd, result=result)
            return messages
        messages[1]["content"] += "\n" + prompts.render("files_start", owned=", ".join(b.owned) or "its files")
        existing = [p for p in b.owned if self.tools.store.exists(p)]
        stubbed = [p for p in existing if p.endswith(".py") and empty_functions(self.tools.store.read(p))]
        if stubbed:  # signatures to implement: the whole file, not an APPEND after the stubs (a copied stub)
            messages[1]["content"] += prompts.render("files_start_stubbed", stubbed=", ".join(stubbed))
        if existing := [p for p in existing if p not in stubbed]:  # a small model copies a file it is shown: APPEND
            messages[1]["content"] += prompts.render("files_start_existing", existing=", ".join(existing))
        return messages

    def run(self) -> SubagentResult:
        res = SubagentResult(status="failed", summary="")
        result, temperature, failed_checks, seen = "", self.base_temperature, 0, set[str]()
        warned_stubs = warned_unchanged = warned_gap = False
        while res.steps < self.max_steps:
            messages = self._round_messages(result, res.steps)
            if self.tokens(messages) > self.budget:
                messages = self._round_messages(result[:2000], res.steps)
                if self.tokens(messages) > self.budget:
                    res.reason = "the instruction brief alone does not fit the context window"
                    return res
            out = self.model.complete(messages, temperature=temperature, max_tokens=self.max_tokens)
            res.steps += 1
            choice = out.choices[0]
            reply = parse_file_reply(choice.content or "", self._default_path())
            with_appends(reply, self._current)
            salvaged = self._salvage(reply)
            if not reply.files:
                if reply.reads:
                    result = self._reads(reply.reads)
                    continue
                res.hints += 1
                if res.hints > MAX_HINTS:
                    res.reason = "stuck: replies carried no files despite hints"
                    return res
                result = (self._truncated(reply) if choice.finish_reason == "length" or reply.truncated is not None
                          else prompts.render("files_format"))
                continue
            key = hashlib.sha256(repr((sorted(reply.files.items()), reply.reason)).encode()).hexdigest()
            # a reply sent before is not written again: it would undo what changed since (e.g. a rewrite)
            lines, changed = ([], False) if key in seen else self._write(reply)
            if key in seen or not changed:
                res.hints += 1
                self.emit("loop_detected", action="same_files", count=2, hint=res.hints)
                if rewritten := self._rewrite_stuck(res.feedback):  # a different approach: fresh requests
                    lines.append(rewritten)
                else:
                    lines.append("Your reply repeated files you had already written: nothing changed. Think about "
                                 "why the checks fail and try a different approach.")
                    temperature = min(1.0, temperature + 0.3)
                if not rewritten and res.hints > MAX_HINTS:
                    res.reason = "stuck: the same files were written again despite hints"
                    return res
            seen.add(key)
            if salvaged:
                lines.append(salvaged)
            elif reply.truncated is not None or choice.finish_reason == "length":
                result = "\n".join(lines + [self._truncated(reply)])
                continue
            if missing := self._missing_owned():
                self.emit("complete_refused", missing=missing)
                result = "\n".join(lines + [prompts.render("missing_files", files=", ".join(missing))])
                continue
            if not warned_unchanged and self.unchanged():  # once: "already done" is a possible answer
                warned_unchanged = True
                self.emit("complete_refused", reason="nothing changed")
                result = "\n".join(lines + [prompts.render("unchanged")])
                continue
            if gap := self.not_delivered():
                self.emit("complete_refused", **{gap[0]: gap[1]})
                if warned_gap and self.give_up(res, *gap):
                    return res
                warned_gap = True
                result = "\n".join(lines + [self._gap_prompt(*gap)])
                continue
            if not warned_stubs and (stubs := self._stubs()):  # once: a copied signature is not an implementation
                warned_stubs = True
                self.emit("stubs_refused", path=stubs[0], functions=stubs[1])
                result = "\n".join(lines + [prompts.render("files_stubs", path=stubs[0], functions=stubs[1])])
                continue  # same temperature: not a loop, and a small model's code gets worse when sampled hotter
            report = self.check()
            self.failures = report.failures
            res.checks = report.brief()
            self.emit("checks", **report.brief())
            if report.ok:
                res.status, res.fix_rounds = "done", failed_checks
                res.summary = reply.summary or self._auto_summary()
                return res
            failed_checks += 1
            res.fix_rounds, res.feedback = failed_checks, self.feedback(report, 2000)
            if self.out_of_fix_rounds(failed_checks, report):
                if (passed := self.review_tests(report)) is not None:
                    res.status, res.checks = "done", passed.brief()
                    res.summary = reply.summary or self._auto_summary()
                else:
                    res.reason = f"checks still failing after {failed_checks - 1} fix round(s)"
                return res
            lines.append(f"The checks failed (fix round {failed_checks} of {self.fix_rounds_allowed}):\n"
                         + self.feedback(report, self.tools.max_result_chars))
            result = "\n".join(lines)
        res.reason = f"step limit ({self.max_steps}) reached"
        return res

    def _stubs(self) -> tuple[str, str] | None:
        """(path, "f(), g()") for the first owned code file with functions that have no body."""
        for path in self.brief.owned:
            if path.endswith(".py") and not is_test_file(path) and self.tools.store.exists(path):
                empty = empty_functions(self.tools.store.read(path))
                if empty:
                    return path, ", ".join(f"{n}()" for n in empty[:6])
        return None

    def _rewrite_stuck(self, feedback: str) -> str:
        """When the model resubmits the same files: rewrite, each by a fresh request showing only its docstring,
        the owned functions that are stubs or named in the failing checks (at most 3, each once per instruction).
        Returns the note for the model ('' when nothing was rewritten)."""
        done: list[str] = []
        for path in self.brief.owned:
            if not path.endswith(".py") or is_test_file(path) or not self.tools.store.exists(path):
                continue
            text = self.tools.store.read(path)
            specs, stubs = function_specs(text), set(empty_functions(text))
            names = [n for n in specs if (n in stubs or re.search(rf"\b{re.escape(n)}\b", feedback))
                     and (path, n) not in self.rewritten][:3 - len(done)]
            for name in names:
                self.rewritten.add((path, name))
                new = rewrite_function(self.model, text, name, self.max_tokens)
                if new is None or new == text or self.tools.execute("write_file", {"path": path, "content": new}) \
                        .startswith("ERROR"):
                    continue
                text = new
                done.append(f"{name}() in {path}")
                self.emit("function_rewritten", path=path, function=name)
        notes = [prompts.render("files_rewritten", functions=", ".join(done))] if done else []
        if again := self._respecify(bool(done)):
            notes.append(prompts.render("files_respecified", functions=", ".join(again)))
        return "\n".join(notes)

    def _respecify(self, changed: bool) -> list[str]:
        """Rewrite from the task's text, each once per instruction: a class of which the failing tests exercise
        several methods, whole; else the methods they exercise, one by one (see
        method_rewrite.py); then, checked again when code was rewritten (`changed`: also by the
        docstring rewrite), the instruction's own tests that still fail on an expectation although every method
        they exercise was rewritten from the task's text.
        Returns what was rewritten, as "C.m() in path"."""
        store, tools = self.tools.store, self.tools
        code = [p for p in self.brief.owned if p.endswith(".py") and not is_test_file(p) and store.exists(p)]
        own_tests = [p for p in sorted(tools.written) if is_test_file(p) and p not in tools.protected and store.exists(p)]
        owner = {m: (p, c) for p in reversed(code) for m, c in members(store.read(p)).items()}
        task = (self.brief.task.strip() + "\n\nThis step: " + self.brief.instruction.strip())[:4000]
        done: list[str] = []
        targets = dict.fromkeys((owner[n][0], owner[n][1], n) for nodeid, msg in self.failures
                                for n in exercised_names(nodeid.partition("::")[2], msg, owner, own_tests))
        for path, cls in dict.fromkeys((p, c) for p, c, _ in targets):  # several failing methods: the class
            if sum(t[:2] == (path, cls) for t in targets) < 2 or (path, cls) in self.rewritten:
                continue
            self.rewritten.add((path, cls))
            text = store.read(path)
            new = rewrite_class(self.model, text, cls, task, self.max_tokens)
            if new is None or (new != text and tools.execute("write_file", {"path": path, "content": new})
                               .startswith("ERROR")):
                continue  # unusable: its methods are rewritten one by one below
            names = [m for m, c in members(new).items() if c == cls]
            self.rewritten |= {(path, f"{cls}.{m}") for m in names}
            self.respecified |= set(names)
            if new != text:
                done.append(f"class {cls} in {path}")
                self.emit("class_rewritten", path=path, cls=cls)
        for path, cls, name in [t for t in targets if (t[0], f"{t[1]}.{t[2]}") not in self.rewritten][:MAX_PER_KIND]:
            self.rewritten.add((path, f"{cls}.{name}"))
            text = store.read(path)
            new = rewrite_method(self.model, text, cls, name, task, self.max_tokens)
            if new == text:  # written from the task's text, it is what it was: confirmed, not changed
                self.respecified.add(name)
            elif new is not None and not tools.execute("write_file", {"path": path, "content": new}) \
                    .startswith("ERROR"):
                done.append(f"{cls}.{name}() in {path}")
                self.respecified.add(name)
                self.emit("method_rewritten", path=path, method=f"{cls}.{name}")
        failures = self.check().failures if done or changed else self.failures
        sources = "\n\n".join(store.read(p) for p in code)
        tests = [(path, name, msg) for nodeid, msg in failures
                 if (path := nodeid.partition("::")[0]) in own_tests
                 and (name := nodeid.partition("::")[2].split("[", 1)[0]) and "::" not in name
                 and not code_fault(msg, own_tests) and (path, name) not in self.rewritten]
        for path, name, msg in tests:
            about = exercised_names(name, msg, owner, own_tests)
            if not about or not set(about) <= self.respecified or len(done) >= 2 * MAX_PER_KIND:
                continue  # only a test that fails against methods written from the task's text
            self.rewritten.add((path, name))
            text = store.read(path)
            new = rewrite_test(self.model, text, name, sources, about, task, self.max_tokens)
            why = f"{name} rewritten from the task's text (the old test kept failing)"
            if new not in (None, text) and not tools.execute("write_file", {"path": path, "content": new, "reason": why}) \
                    .startswith("ERROR"):
                done.append(f"{name}() in {path}")
                self.emit("test_rewritten", path=path, test=name)
        return done

    def _gap_prompt(self, kind: str, names: list[str]) -> str:
        """The refusal for missing named work, pointing at the owned file where APPEND adds it."""
        want_test = kind == "untested"
        path = next((p for p in self.brief.owned if p.endswith(".py") and is_test_file(p) == want_test), "")
        return prompts.render(f"files_{kind}" if path else kind, path=path, names=", ".join(f"`{n}`" for n in names))

    def _current(self, path: str) -> str | None:
        return self.tools.store.read(path) if self.tools.store.exists(path) else None

    def _default_path(self) -> str | None:
        """An instruction that owns exactly one file gets an unnamed lone block written there."""
        return self.brief.owned[0] if len(self.brief.owned) == 1 else None

    def _write(self, reply: FileReply) -> tuple[list[str], bool]:
        """Write every named file through the tools; (result lines, whether any file's content changed)."""
        lines, changed = [], False
        for path, content in reply.files.items():
            before = self.tools.store.read(path) if self.tools.store.exists(path) else None
            args = {"path": path, "content": content} | ({"reason": reply.reason} if reply.reason else {})
            msg = self.tools.execute("write_file", args)
            ok = not msg.startswith("ERROR")
            self.emit("tool_call", tool="write_file", ok=ok)
            changed |= ok and before != content
            note = msg.split(" — ", 1)[1] if ok and " — " in msg else ""  # e.g. a function left without a body
            lines.append(f"{path}: {'written' + (' — ' + note if note else '') if ok else msg}")
        if reply.unnamed:
            lines.append(f"{reply.unnamed} code block(s) had no `FILE: path` line before them and were ignored.")
        return lines, changed

    def _reads(self, paths: list[str]) -> str:
        found = [p for p in paths if self.tools.store.exists(p)]
        self.asked = list(dict.fromkeys(self.asked + found))
        self.emit("tool_call", tool="read_file", ok=bool(found))
        missing = [p for p in paths if p not in found]
        text = "The files you asked for are shown above." if found else "None of the files you asked for exist."
        return text + (f" Not found: {', '.join(missing)}." if missing else "")

    def _salvage(self, reply: FileReply) -> str:
        """A cut-off test file joins the reply's files, cut back to its last whole lines that parse; returns the
        note for the model ('' when nothing was salvaged). Code files are never salvaged: a cut-off module would
        silently lose what followed the cut."""
        if not (reply.truncated and reply.truncated.endswith(".py") and is_test_file(reply.truncated)):
            return ""
        kept = salvage_python(reply.partial)
        if kept is None:
            return ""
        reply.files[reply.truncated] = kept
        self.emit("salvaged", path=reply.truncated, lines=len(kept.splitlines()))
        return (f"Your reply was cut off at the output limit in {reply.truncated}; it was written up to its last "
                f"complete lines ({len(kept.splitlines())} lines): check that it is what you meant. Keep files short: "
                "a few different test cases, no repeated lines.")

    def _truncated(self, reply: FileReply) -> str:
        where = f" in {reply.truncated}" if reply.truncated else ""
        return (f"Your reply was cut off at the output limit{where}; an unfinished file is never written. Reply with "
                "fewer files at a time (files already written are kept), and keep each file short: a few different "
                "test cases, no repeated lines.")

    def _auto_summary(self) -> str:
        written = sorted(self.tools.written)
        return f"Wrote {', '.join(written)}." if written else "(no files changed)"
