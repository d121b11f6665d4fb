"""The `Model` seam: what every model (OpenAI-compatible endpoint, scripted fake, replay) looks like."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

Message = dict[str, Any]  # OpenAI chat message: {"role": ..., "content": ..., "tool_calls"?: ..., "tool_call_id"?: ...}


class ModelError(RuntimeError):
    """The model endpoint failed in a way retries did not fix (or must not retry: 400/401)."""


class TruncatedOutput(ModelError):
    """The reply stopped at max_tokens (finish_reason == "length"); it is never parsed as complete."""


class InvalidOutput(ModelError):
    """The reply could not be parsed/validated (garbage JSON, wrong schema) even after a repair round."""


class BudgetExceeded(RuntimeError):
    """A run budget (tokens, dollars, wall time) is spent; the run stops cleanly and can be resumed."""


@dataclass(frozen=True)
class Capabilities:
    json_schema: bool = True
    tools: bool = True
    n: bool = True  # the endpoint accepts n>1; otherwise sample k times in parallel


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass
class ToolCall:
    id: str
    name: str
    arguments: str  # raw JSON text as the model wrote it


@dataclass
class Choice:
    content: str | None
    finish_reason: str = "stop"
    tool_calls: list[ToolCall] = field(default_factory=list)

    def to_message(self) -> Message:
        """The assistant message to append to the conversation."""
        msg: Message = {"role": "assistant", "content": self.content or ""}
        if self.tool_calls:
            msg["tool_calls"] = [
                {"id": t.id, "type": "function", "function": {"name": t.name, "arguments": t.arguments}}
                for t in self.tool_calls
            ]
        return msg


@dataclass
class Completion:
    choices: list[Choice]
    usage: Usage = field(default_factory=Usage)
    model: str = ""
    cost: float = 0.0
    latency_s: float = 0.0
    cached: bool = False

    @property
    def text(self) -> str:
        return (self.choices[0].content or "") if self.choices else ""

    @property
    def texts(self) -> list[str]:
        return [c.content or "" for c in self.choices]


@runtime_checkable
class Model(Protocol):
    """Anything that completes chat messages."""

    name: str
    capabilities: Capabilities
    context_size: int

    def complete(
        self,
        messages: list[Message],
        *,
        tools: list[dict[str, Any]] | None = None,
        response_format: dict[str, Any] | None = None,
        n: int = 1,
        temperature: float = 0.0,
        max_tokens: int | None = None,
    ) -> Completion: ...
