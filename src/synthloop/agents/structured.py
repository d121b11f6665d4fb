"""Structured output: a pydantic object from a model, via json_schema where supported, else json_object,
with validation and one repair round."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .model import InvalidOutput, Message, Model, TruncatedOutput

T = TypeVar("T", bound=BaseModel)
PROMPTS = Path(__file__).resolve().parent / "prompts"
_FENCE = re.compile(r"```[ \t]*(?:json|JSON|javascript)?[ \t]*\r?\n?(.*?)```", re.DOTALL)


@cache
def _prompt(name: str) -> str:
    return (PROMPTS / name).read_text().strip()


def extract_json(text: str | None) -> Any:
    """The JSON value in a reply: the whole text, else a fenced ``` block, else the first object/array that
    decodes (leading or trailing prose is ignored). ValueError if there is none."""
    if not text or not text.strip():
        raise ValueError("the reply is empty")
    stripped = text.strip()
    try:
        return json.loads(stripped)
    except json.JSONDecodeError:
        pass
    for block in _FENCE.findall(text):
        try:
            return json.loads(block.strip())
        except json.JSONDecodeError:
            continue
    decoder = json.JSONDecoder()
    for m in re.finditer(r"[{\[]", text):
        try:
            value, _ = decoder.raw_decode(text, m.start())
            return value
        except json.JSONDecodeError:
            continue
    raise ValueError(f"no JSON object found in the reply: {' '.join(stripped.split())[:80]!r}")


def response_format_for(schema: type[BaseModel], json_schema: bool) -> dict[str, Any]:
    """The response_format to send: a json_schema (named after the class) or plain json_object."""
    if not json_schema:
        return {"type": "json_object"}
    name = re.sub(r"[^A-Za-z0-9_-]", "_", schema.__name__)[:64] or "reply"
    return {"type": "json_schema", "json_schema": {"name": name, "schema": schema.model_json_schema(),
                                                   "strict": False}}


def _problem(err: Exception) -> str:
    if isinstance(err, ValidationError):
        parts = [f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}" for e in err.errors()[:3]]
        more = f" (+{err.error_count() - 3} more)" if err.error_count() > 3 else ""
        return "; ".join(parts) + more
    return " ".join(str(err).split())


def _parse(schema: type[T], content: str | None) -> T:
    return schema.model_validate(extract_json(content))


def complete_json(model: Model, messages: list[Message], schema: type[T], **kw: Any) -> T:
    """Ask for a JSON object matching `schema` and return it validated.

    Uses response_format json_schema where the model supports it, else json_object plus the schema in the
    prompt. An invalid reply gets one repair round (the validation error is sent back). Raises TruncatedOutput
    when a reply stops at max_tokens (never parsed) and InvalidOutput when the repaired reply is still wrong."""
    native = bool(getattr(model.capabilities, "json_schema", False))
    fmt = response_format_for(schema, native)
    convo = list(messages)
    if not native:
        hint = _prompt("json_reply.md").replace("{schema}", json.dumps(schema.model_json_schema(),
                                                                        separators=(",", ":")))
        if convo and convo[-1].get("role") == "user" and isinstance(convo[-1].get("content"), str):
            convo[-1] = {**convo[-1], "content": convo[-1]["content"] + "\n\n" + hint}
        else:
            convo.append({"role": "user", "content": hint})
    last_error = ""
    for round_ in range(2):
        out = model.complete(convo, response_format=fmt, **kw)
        choice = out.choices[0]
        if choice.finish_reason == "length":
            raise TruncatedOutput(f"the {schema.__name__} reply stopped at max_tokens "
                                  f"({out.usage.completion_tokens} tokens); raise model.max_tokens")
        try:
            return _parse(schema, choice.content)
        except (ValueError, ValidationError) as e:  # ValidationError is a ValueError; listed for clarity
            last_error = _problem(e)
        if round_ == 0:
            convo = [*convo, {"role": "assistant", "content": choice.content or ""},
                     {"role": "user", "content": _prompt("json_repair.md").replace("{error}", last_error)}]
    raise InvalidOutput(f"the reply is not a valid {schema.__name__} even after a repair round: {last_error}")
