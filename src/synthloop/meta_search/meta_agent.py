"""The meta agent: shows the archive to a model, gets a new design (thought / name / parents / code), has it
reflect on it, and asks it to debug a design that failed. Prompts live in meta_search/prompts/*.md."""

from __future__ import annotations

import inspect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field, field_validator

from ..agents.model import InvalidOutput, Message
from ..agents.structured import complete_json
from .archive import DesignRecord, selection_key
from .domains.base import prompt_text

CHARS_PER_TOKEN = 3.0  # conservative for code-heavy prompts
_FENCE = re.compile(r"^\s*```[A-Za-z0-9_-]*\s*\n(.*?)\n?```\s*$", re.DOTALL)


class Proposal(BaseModel):
    """What the meta agent returns."""

    thought: str
    name: str
    parents: list[str] = Field(default_factory=list)
    code: str

    @field_validator("code")
    @classmethod
    def _unfence(cls, v: str) -> str:
        m = _FENCE.match(v)
        return m.group(1) if m else v

    @field_validator("name")
    @classmethod
    def _short_name(cls, v: str) -> str:
        v = " ".join(v.split())
        return v[:80] or "unnamed design"

    @field_validator("parents", mode="before")
    @classmethod
    def _parents_list(cls, v: Any) -> Any:
        if isinstance(v, str):
            return [p.strip() for p in v.split(",") if p.strip()]
        return v or []


def fill(template: str, **values: Any) -> str:
    """Replace {key} placeholders (plain replacement, so braces in code examples are left alone)."""
    for k, v in values.items():
        template = template.replace("{" + k + "}", str(v))
    return template


def _fitness(rec: DesignRecord) -> str:
    r = rec.result
    if r is None:
        return "not evaluated"
    extra = f"; failed on {len(r.errors)} of {len(r.item_ids)} tasks" if r.errors else ""
    return f"{r.fitness}{extra}"


def _full(rec: DesignRecord) -> str:
    return (f"## {rec.name} (generation {rec.generation})\nFitness: {_fitness(rec)}\nThought: {rec.thought}\n"
            f"Code:\n```python\n{rec.code.rstrip()}\n```")


def _summary(rec: DesignRecord, thought_chars: int) -> str:
    thought = " ".join(rec.thought.split())
    if len(thought) > thought_chars:
        thought = thought[: max(0, thought_chars - 1)] + "…"
    idea = f" — idea: {thought}" if thought_chars > 0 else ""
    return f"- {rec.name} (generation {rec.generation}): {_fitness(rec)}{idea}"


def render_archive(records: Sequence[DesignRecord], max_chars: int, full_code_top: int = 3) -> str:
    """The archive for the prompt, in generation order. Everything in full when it fits in max_chars; otherwise
    full code only for the best `full_code_top` (fewer if needed) and one line (name, idea, fitness) for the
    rest, shortening ideas and finally leaving out the weakest summaries."""
    recs = [r for r in records if r.final]
    failed = [r for r in recs if r.result is not None and r.result.all_failed]
    shown = [r for r in recs if r not in failed]
    tail = ""
    if failed:
        tail = "\n\nDesigns that failed on every task (avoid their mistakes):\n" + "\n".join(
            f"- {r.name}: {next(iter(r.result.errors.values()), '')[:200]}" for r in failed if r.result)
    text = "\n\n".join(_full(r) for r in shown) + tail
    if len(text) <= max_chars:
        return text
    ranked = sorted(shown, key=selection_key, reverse=True)
    for top in range(min(full_code_top, len(ranked)), -1, -1):
        best = {r.id for r in ranked[:top]}
        for thought_chars in (300, 120, 0):
            parts = [_full(r) if r.id in best else _summary(r, thought_chars) for r in shown]
            text = ("The archive is long: full code is shown for the best designs only.\n\n"
                    + "\n\n".join(parts) + tail)
            if len(text) <= max_chars:
                return text
    # still too long: keep the best summaries that fit, in generation order
    keep: list[DesignRecord] = []
    used = len(tail) + 200
    for r in ranked:
        line = _summary(r, 0)
        if used + len(line) + 1 > max_chars:
            break
        keep.append(r)
        used += len(line) + 1
    order = {r.id: i for i, r in enumerate(shown)}
    keep.sort(key=lambda r: order[r.id])
    omitted = len(shown) - len(keep)
    return (f"The archive is long: one line per design; {omitted} weaker design(s) left out.\n"
            + "\n".join(_summary(r, 0) for r in keep) + tail)[: max(0, max_chars)]


@dataclass
class MetaAgent:
    """Proposes and debugs designs with a model (a MeteredModel: budget, cache, accounting)."""

    model: Any
    domain_description: str
    max_calls: int = 40
    timeout_s: float = 30.0
    temperature: float = 0.8
    max_tokens: int = 4096
    tries: int = 3

    def _framework(self) -> str:
        return fill(prompt_text("framework_api.md"), max_calls=self.max_calls, timeout_s=f"{self.timeout_s:g}")

    def archive_budget(self) -> int:
        """Characters left for the archive in the proposal prompt."""
        fixed = len(self._framework()) + len(self.domain_description) + len(prompt_text("meta_propose.md")) + 600
        tokens_left = self.model.context_size - self.max_tokens - int(fixed / CHARS_PER_TOKEN)
        return max(500, int(tokens_left * CHARS_PER_TOKEN))

    def proposal_prompt(self, records: Sequence[DesignRecord]) -> list[Message]:
        archive = render_archive(records, self.archive_budget())
        user = fill(prompt_text("meta_propose.md"), framework=self._framework(), domain=self.domain_description,
                    archive=archive)
        return [{"role": "system", "content": prompt_text("meta_system.md")}, {"role": "user", "content": user}]

    def _ask(self, messages: list[Message]) -> Proposal:
        """complete_json with its repair round; a reply still invalid is asked again as a fresh sample, up to
        `tries` times. A reply cut at max_tokens is not retried (it would most likely be cut again)."""
        indexed = "sample_index" in inspect.signature(self.model.complete).parameters
        for attempt in range(self.tries):
            kw: dict[str, Any] = {"sample_index": attempt} if attempt and indexed else {}
            try:
                return complete_json(self.model, messages, Proposal, temperature=self.temperature,
                                     max_tokens=self.max_tokens, **kw)
            except InvalidOutput:
                if attempt == self.tries - 1:
                    raise
        raise AssertionError("unreachable")

    def propose(self, records: Sequence[DesignRecord], reflections: int) -> tuple[Proposal, list[Message]]:
        """A new design after `reflections` self-reflection rounds; also the conversation (for debugging)."""
        messages = self.proposal_prompt(records)
        proposal = self._ask(messages)
        for _ in range(reflections):
            messages = [*messages, {"role": "assistant", "content": proposal.model_dump_json()},
                        {"role": "user", "content": fill(prompt_text("meta_reflect.md"), max_calls=self.max_calls)}]
            proposal = self._ask(messages)
        return proposal, messages

    def debug(self, conversation: list[Message], proposal: Proposal, problem: str) -> Proposal:
        """A corrected design, given what went wrong when it ran."""
        messages = [*conversation, {"role": "assistant", "content": proposal.model_dump_json()},
                    {"role": "user", "content": fill(prompt_text("meta_debug.md"), name=proposal.name,
                                                     problem=problem)}]
        return self._ask(messages)
