"""One instruction's sub-agent: a tool-calling loop (or a JSON action protocol) with context management,
loop detection and control-unit checks after mark_complete."""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ...errors import UserError
from ..model import Message, TruncatedOutput
from . import prompts, triage
from .actions import Action, parse_text_action
from .checks import (
    CheckReport,
    expected_value_hints,
    import_hints,
    is_test_file,
    missing_attribute_hints,
    missing_import_hints,
)
from .tools import ToolBox, openai_tools, tool_list_text

MAX_RESTARTS = 3
LOOP_WINDOW = 6
LOOP_REPEATS = 3
MAX_HINTS = 2
SAFETY_TOKENS = 256
# names an instruction asks to create: "add a function f", "implement the `g` function", "define class C"
_VERB = r"\b(?i:(?:add|create|write|implement|define)s?\s+(?:a\s+|an\s+|the\s+)?(?:new\s+)?)"
_ASKED = re.compile(_VERB + r"(?:(?i:function|method)\s+(?:`(\w+)`|(\w+)\()|(?i:class)\s+(?:`(\w+)`|([A-Z]\w*)))"
                    r"|" + _VERB + r"`(\w+)`\s+(?i:function|method|class)\b")


def approx_tokens(obj: Any) -> int:
    """chars/4, over message contents and tool-call arguments (no tokenizer)."""
    if isinstance(obj, str):
        return len(obj) // 4 + 1
    if isinstance(obj, dict):
        return sum(approx_tokens(v) for v in obj.values()) + 4
    if isinstance(obj, list):
        return sum(approx_tokens(v) for v in obj)
    return len(str(obj)) // 4 + 1 if obj is not None else 0


@dataclass
class Brief:
    """What the instruction needs to know; rebuilt from the file store on every (re)start."""

    task: str
    instruction_id: str
    instruction: str
    owned: list[str]
    foreign: list[str]
    dependencies: list[tuple[str, str, str]]  # (id, instruction, summary)
    relevant: list[str]  # files worth showing up front
    drafts: list[Any] = field(default_factory=list)  # drafts.Draft of owned files from failed instructions


def _defines(code: str, name: str) -> bool:
    """Whether `code` defines `name`: a def or class, or a binding (`name = ...`, `self.name: T = ...`)."""
    n = re.escape(name)
    return re.search(rf"^\s*(?:(?:async\s+def|def|class)\s+{n}\b|(?:self\.)?{n}\s*(?::[^=\n]+)?=[^=])", code,
                     re.M) is not None


@dataclass
class SubagentResult:
    status: str  # done | failed
    summary: str
    reason: str = ""
    steps: int = 0
    fix_rounds: int = 0
    restarts: int = 0
    hints: int = 0
    checks: dict[str, Any] = field(default_factory=dict)
    feedback: str = ""  # the last failed check's report


class Subagent:
    """Runs one instruction to completion on `tools.store` (its scratch copy of the workspace)."""

    def __init__(self, model: Any, tools: ToolBox, brief: Brief, check: Callable[[], CheckReport], *,
                 max_steps: int, max_fix_rounds: int, temperature: float, max_tokens: int,
                 emit: Callable[..., None], protocol: str = "auto", review_tests: bool = True):
        self.model, self.tools, self.brief, self.check = model, tools, brief, check
        self.review = review_tests  # before failing, ask which side is wrong for tests failing on expectations
        self.max_steps, self.max_fix_rounds = max_steps, max_fix_rounds
        self.best_passed: int | None = None  # most tests passing in any check so far ...
        self.best_files: dict[str, str] = {}  # ... and the written files as they were then (see restore_best)
        self.bonus_rounds = 0  # fix rounds earned by progress (see out_of_fix_rounds)
        self.base_temperature, self.max_tokens = temperature, max_tokens
        self.emit = emit
        native = bool(getattr(model.capabilities, "tools", True))
        self.use_tools = native if protocol == "auto" else protocol == "native" and native
        self.tool_specs = openai_tools() if self.use_tools else None
        ctx = int(getattr(model, "context_size", 8192) or 8192)
        self.budget = ctx - max_tokens - approx_tokens(self.tool_specs or []) - SAFETY_TOKENS
        if self.budget < 1000:
            raise UserError(f"the model's context size {ctx} is too small for model.max_tokens {max_tokens} plus the "
                            "tool specs: lower model.max_tokens or use a model with a larger context")
        self.tools.max_result_chars = max(1500, min(14000, self.budget * 4 // 5))
        self.start = tools.store.manifest()  # what the files were when the instruction began

    @property
    def fix_rounds_allowed(self) -> int:
        return self.max_fix_rounds + self.bonus_rounds

    def out_of_fix_rounds(self, failed_checks: int, report: CheckReport) -> bool:
        """Whether this failed check ends the instruction. A check in which more tests pass than in any before
        earns one more fix round (at most max_fix_rounds more in all): a model that is getting there may finish."""
        if self.best_passed is not None and report.passed > self.best_passed:
            self.bonus_rounds = min(self.bonus_rounds + 1, self.max_fix_rounds)
            self.emit("fix_round_earned", passed=report.passed, before=self.best_passed,
                      allowed=self.fix_rounds_allowed)
        if self.best_passed is None or report.passed > self.best_passed:
            store = self.tools.store
            self.best_files = {p: store.read(p) for p in sorted(self.tools.written) if store.exists(p)}
        self.best_passed = max(report.passed, self.best_passed or 0)
        return failed_checks > self.fix_rounds_allowed

    def restore_best(self) -> list[str]:
        """After a failed instruction: put back the files as they were at its best check (a late fix round can
        make things worse), so that its draft is its best work. Returns the paths restored."""
        store, back = self.tools.store, []
        for p, text in self.best_files.items():
            if not store.exists(p) or store.read(p) != text:
                store.write(p, text)
                back.append(p)
        return back

    def review_tests(self, report: CheckReport) -> CheckReport | None:
        """Before the instruction fails: the model reviews its own tests that fail on expectations (see
        `triage.review`). Returns the passing report, or None with the files as at the best check."""
        return triage.review(self, report) if self.review else None

    def feedback(self, report: CheckReport, limit_chars: int) -> str:
        """The check report, plus where a name that failed to import is really defined, and what the code returns
        where a test written here expects something else."""
        text = report.feedback(limit_chars)
        own_tests = {p for p in self.tools.written if is_test_file(p)}
        store = self.tools.store
        hints = (import_hints(text, store) + missing_import_hints(text, store) + missing_attribute_hints(text, store)
                 + expected_value_hints(text, own_tests))
        return text + ("\n\n" + "\n".join(hints) if hints else "")

    def unchanged(self) -> bool:
        """Whether the instruction has changed no file yet (finishing then is refused once)."""
        return self.tools.store.manifest() == self.start

    def _asked(self) -> list[str]:
        """Functions/classes the instruction names for creation ("add a function f", "the `g` class")."""
        return list(dict.fromkeys(next(g for g in m.groups() if g) for m in _ASKED.finditer(self.brief.instruction)))

    def undefined(self) -> list[str]:
        """Asked-for names that no .py file defines: a small model may claim work it never wrote. A name bound by
        assignment counts (the microblog's "the `clock` method" written as `self.clock = clock`)."""
        store = self.tools.store
        code = "\n".join(store.read(p) for p in store.list() if p.endswith(".py"))
        return [n for n in self._asked() if not _defines(code, n)]

    def untested(self) -> list[str]:
        """Asked-for names that the instruction's own test files never mention (copied old tests test nothing new)."""
        store = self.tools.store
        tests = [p for p in self.brief.owned if is_test_file(p) and store.exists(p)]
        text = "\n".join(store.read(p) for p in tests)
        return [n for n in self._asked() if tests and not re.search(rf"\b{re.escape(n)}\b", text)]

    def not_delivered(self) -> tuple[str, list[str]] | None:
        """("undefined" | "untested", names) when the instruction's named work is missing: finishing is refused."""
        for kind, names in (("undefined", self.undefined()), ("untested", self.untested())):
            if names:
                return kind, names
        return None

    def give_up(self, res: SubagentResult, kind: str, names: list[str]) -> bool:
        """A repeated finish without the named work counts as a hint; past MAX_HINTS the instruction fails (it is
        never done without it)."""
        res.hints += 1
        if res.hints <= MAX_HINTS:
            return False
        what = ", ".join(names)
        res.reason = (f"never defined {what}, which the instruction asks for" if kind == "undefined"
                      else f"its tests never call {what}, which the instruction asks for")
        return True

    # -- prompt ---------------------------------------------------------------------------------------
    def _system(self) -> str:
        text = prompts.render("system")
        if not self.use_tools:
            text += "\n" + prompts.render("json_actions", tool_list=tool_list_text())
        return text

    def fresh_messages(self, progress: str = "") -> list[Message]:
        """System prompt + the instruction brief with the current file list, dependency summaries and the
        relevant files that fit in about half of the context budget."""
        b, store = self.brief, self.tools.store
        files = store.list()
        deps = "\n".join(f"- {i}: {s or '(no summary)'}" for i, _, s in b.dependencies) or "(nothing yet)"
        foreign = (f"Files owned by instructions running in parallel (do not edit): {', '.join(b.foreign)}\n"
                   if b.foreign else "")
        base = prompts.render("instruction", task=b.task, instruction_id=b.instruction_id, instruction=b.instruction,
                              owned=", ".join(b.owned) or "(not declared: create what the instruction needs)",
                              foreign=foreign, dependencies=deps,
                              file_list="\n".join(files) or "(the project is empty)",
                              relevant="$relevant", progress="$progress")
        progress_text = f"# Progress so far (the conversation was restarted)\n{progress}\n" if progress else ""
        room = self.budget // 2 - approx_tokens(self._system()) - approx_tokens(base) - approx_tokens(progress_text)
        shown: list[str] = []
        for p in [p for p in b.relevant if p in files]:
            text = store.read(p)
            if approx_tokens(text) + 20 > room:
                continue
            room -= approx_tokens(text) + 20
            shown.append(f"## {p}\n```\n{text}\n```")
        relevant = ("# Current content of relevant files\n" + "\n".join(shown) + "\n") if shown else ""
        relevant += self._drafts_text(room)
        user = base.replace("$relevant", relevant).replace("$progress", progress_text)
        return [{"role": "system", "content": self._system()}, {"role": "user", "content": user}]

    def _drafts_text(self, room: int) -> str:
        """Drafts of the owned files from failed instructions, as far as they fit in `room` tokens."""
        shown = []
        for d in self.brief.drafts:
            text = f"## {d.path} (draft by failed instruction {d.instruction}: {d.why[:600]})\n```\n{d.text}\n```"
            if approx_tokens(text) > room:
                continue
            room -= approx_tokens(text)
            shown.append(text)
        return prompts.render("drafts", drafts="\n".join(shown)) if shown else ""

    def tokens(self, messages: list[Message]) -> int:
        return approx_tokens(messages)

    # -- model I/O ------------------------------------------------------------------------------------
    def _ask(self, messages: list[Message], temperature: float) -> tuple[Message, list[Action], str]:
        out = self.model.complete(messages, tools=self.tool_specs, temperature=temperature, max_tokens=self.max_tokens)
        choice = out.choices[0]
        if self.use_tools:
            actions = []
            for tc in choice.tool_calls:
                try:
                    args = json.loads(tc.arguments or "{}")
                    err = None if isinstance(args, dict) else "arguments must be a JSON object"
                except json.JSONDecodeError as e:
                    args, err = {}, f"arguments are not valid JSON ({e.msg}); was the reply cut off? write smaller pieces"
                actions.append(Action(tc.name, args if isinstance(args, dict) else {}, tc.id, err))
            if not actions and choice.content:  # some servers leave the call in the text (<tool_call>{...})
                action = parse_text_action(choice.content)
                if action is not None:  # an unknown name gets "unknown tool; tools: ..." back
                    actions.append(action)
            return choice.to_message(), actions, choice.finish_reason
        content = choice.content or ""
        msg: Message = {"role": "assistant", "content": content}
        action = parse_text_action(content)
        return msg, ([action] if action else []), choice.finish_reason

    def _result_message(self, action: Action, text: str) -> Message:
        if self.use_tools and action.call_id is not None:
            return {"role": "tool", "tool_call_id": action.call_id, "content": text}
        return {"role": "user", "content": f"Result of {action.name}:\n{text}"}

    def _summarise(self, messages: list[Message]) -> str:
        """Ask for a progress note from the system + brief + as many recent messages as fit."""
        head, tail = messages[:2], messages[2:]
        room = self.budget // 2 - self.tokens(head)
        keep: list[Message] = []
        for m in reversed(tail):
            t = approx_tokens(m)
            if t > room:
                break
            keep.insert(0, m)
            room -= t
        while keep and keep[0].get("role") == "tool":  # a tool result must follow its call
            keep.pop(0)
        convo = head + [_as_plain(m) for m in keep] + [{"role": "user", "content": prompts.render("summarise")}]
        try:
            out = self.model.complete(convo, temperature=self.base_temperature, max_tokens=min(400, self.max_tokens))
            note = (out.text or "").strip()
        except TruncatedOutput:
            note = ""
        written = ", ".join(sorted(self.tools.written)) or "none"
        return (note or "(no note)") + f"\nFiles written in this instruction so far: {written}."

    # -- the loop -------------------------------------------------------------------------------------
    def run(self) -> SubagentResult:
        res = SubagentResult(status="failed", summary="")
        messages = self.fresh_messages()
        if self.tokens(messages) > self.budget:
            res.reason = "the instruction brief alone does not fit the context window"
            return res
        temperature = self.base_temperature
        recent: deque[str] = deque(maxlen=LOOP_WINDOW)
        failed_checks = 0
        warned_missing = warned_unchanged = warned_gap = False
        while res.steps < self.max_steps:
            if self.tokens(messages) > self.budget:
                if res.restarts >= MAX_RESTARTS:
                    res.reason = f"context overflow after {MAX_RESTARTS} restarts"
                    return res
                note = self._summarise(messages)
                res.restarts += 1
                self.emit("context_restart", restart=res.restarts, tokens=self.tokens(messages), budget=self.budget)
                messages = self.fresh_messages(progress=note)
                recent.clear()
            try:
                msg, actions, finish = self._ask(messages, temperature)
            except TruncatedOutput:
                msg, actions, finish = {"role": "assistant", "content": ""}, [], "length"
            res.steps += 1
            messages.append(msg)
            if not actions:
                sig = "text:" + str(msg.get("content", ""))[:500]
                recent.append(sig)
                if finish == "length":
                    hint = ("Your reply was cut off at the output limit. Write smaller pieces: split big files, or use "
                            "patch_file for edits.")
                elif self.use_tools:
                    hint = "Act through the tools. When the instruction is done and tests pass, call mark_complete."
                else:
                    hint = 'Reply with exactly one JSON object: {"tool": "<name>", "args": {...}}.'
                messages.append({"role": "user", "content": hint})
                loop_hint = self._looping(recent, sig, res)
                if loop_hint:
                    messages.append({"role": "user", "content": loop_hint})
                    temperature = min(1.0, temperature + 0.3)
                if res.hints > MAX_HINTS:
                    res.reason = "stuck: repeated the same reply despite hints"
                    return res
                continue
            pending: list[str] = []  # hints go after all tool results of this turn (the API requires it)
            for action in actions:
                if action.error:
                    messages.append(self._result_message(action, f"ERROR: {action.error}"))
                    continue
                if action.name == "mark_complete" and not warned_missing and (missing := self._missing_owned()):
                    warned_missing = True  # once: a second mark_complete goes to the checks
                    self.emit("complete_refused", missing=missing)
                    messages.append(self._result_message(action, prompts.render(
                        "missing_files", files=", ".join(missing))))
                    continue
                if action.name == "mark_complete" and not warned_unchanged and self.unchanged():
                    warned_unchanged = True  # once: "already done" is a possible answer
                    self.emit("complete_refused", reason="nothing changed")
                    messages.append(self._result_message(action, prompts.render("unchanged")))
                    continue
                if action.name == "mark_complete" and (gap := self.not_delivered()):
                    self.emit("complete_refused", **{gap[0]: gap[1]})
                    if warned_gap and self.give_up(res, *gap):
                        self._answer_rest(messages, actions, action)
                        return res
                    warned_gap = True
                    messages.append(self._result_message(action, prompts.render(
                        gap[0], names=", ".join(f"`{n}`" for n in gap[1]))))
                    continue
                if action.name == "mark_complete":
                    report = self.check()
                    res.checks = report.brief()
                    self.emit("checks", **report.brief())
                    if report.ok:
                        res.status = "done"
                        res.summary = str(action.args.get("summary") or "").strip() or "(no summary given)"
                        res.fix_rounds = failed_checks
                        self._answer_rest(messages, actions, action)
                        return res
                    failed_checks += 1
                    res.fix_rounds, res.feedback = failed_checks, self.feedback(report, 2000)
                    if self.out_of_fix_rounds(failed_checks, report):
                        if (passed := self.review_tests(report)) is not None:
                            res.status, res.checks = "done", passed.brief()
                            res.summary = str(action.args.get("summary") or "").strip() or "(no summary given)"
                        else:
                            res.reason = f"checks still failing after {failed_checks - 1} fix round(s)"
                        self._answer_rest(messages, actions, action)
                        return res
                    messages.append(self._result_message(action, prompts.render(
                        "checks_failed", round=failed_checks, max_rounds=self.fix_rounds_allowed,
                        report=self.feedback(report, self.tools.max_result_chars))))
                    continue
                result = self.tools.execute(action.name, action.args)
                self.emit("tool_call", tool=action.name, ok=not result.startswith("ERROR"))
                messages.append(self._result_message(action, result))
                recent.append(action.signature)
                loop_hint = self._looping(recent, action.signature, res)
                if loop_hint:
                    pending.append(loop_hint)
                    temperature = min(1.0, temperature + 0.3)
            if res.hints > MAX_HINTS:
                res.reason = "stuck in a loop (the same action repeated despite hints)"
                return res
            messages.extend({"role": "user", "content": h} for h in pending)
        report = self.check()  # out of steps: the work still counts if the checks pass
        res.checks = report.brief()
        self.emit("checks", **report.brief())
        missing = self._missing_owned()
        if report.ok and not missing:
            res.status, res.summary = "done", "(step limit reached; checks pass)"
        elif report.ok:
            res.reason = f"step limit ({self.max_steps}) reached without writing {', '.join(missing)}"
        else:
            res.reason = f"step limit ({self.max_steps}) reached with failing checks"
        return res

    def _missing_owned(self) -> list[str]:
        """Files the instruction owns that do not exist yet (glob-like entries are not checked; a folder that a
        plan step owns counts as written once a file lies in it)."""
        store = self.tools.store
        missing = [p for p in self.brief.owned if not any(c in p for c in "*?[") and not store.exists(p)]
        if not missing:
            return missing
        present = store.list()
        return [p for p in missing if not any(q.startswith(p.rstrip("/") + "/") for q in present)]

    def _answer_rest(self, messages: list[Message], actions: list[Action], done: Action) -> None:
        """Every tool call needs a result message, also those after mark_complete."""
        for a in actions[actions.index(done):]:
            messages.append(self._result_message(a, "ok"))

    def _looping(self, recent: deque[str], sig: str, res: SubagentResult) -> str:
        """Same action LOOP_REPEATS times in the window → a hint to inject ('' if not looping); the caller
        also raises the temperature."""
        count = sum(1 for s in recent if s == sig)
        if count < LOOP_REPEATS:
            return ""
        res.hints += 1
        recent.clear()
        name = sig.split(":", 1)[0]
        self.emit("loop_detected", action=name, count=count, hint=res.hints)
        return prompts.render("loop_hint", count=count, action=name)


def _as_plain(m: Message) -> Message:
    """A message without tool-call structure (for the summary request, which sends no tools)."""
    if m.get("role") == "tool":
        return {"role": "user", "content": "Tool result:\n" + str(m.get("content", ""))}
    if m.get("tool_calls"):
        calls = "; ".join(f"{c['function']['name']}({c['function']['arguments'][:300]})" for c in m["tool_calls"])
        return {"role": "assistant", "content": (str(m.get("content") or "") + f"\n[called {calls}]").strip()}
    return m
