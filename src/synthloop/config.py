"""Resolved configuration: configs/default.toml < user TOML (-c) < SYNTHLOOP_* env vars < CLI flags."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

DEFAULT_FILE = Path(__file__).resolve().parent / "configs" / "default.toml"
ENV_PREFIX = "SYNTHLOOP_"


class ConfigError(ValueError):
    """A configuration value is wrong; the message names the key and where it came from."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Preset(_Section):
    base_url: str = ""
    api_key_env: str = ""
    name: str = ""
    context_size: int = Field(8192, gt=0)
    json_schema: bool = True
    tools: bool = True
    n: bool = True
    # server-specific request fields sent with every call, e.g. llama.cpp's dry_multiplier / repeat_penalty or
    # vLLM's repetition_penalty (the openai SDK's extra_body); part of the response-cache key
    extra_body: dict[str, Any] = Field(default_factory=dict)


class ModelConfig(_Section):
    preset: Literal["openai", "vllm", "ollama", "llama.cpp", "local", "scripted"] = "local"
    name: str = ""
    base_url: str = ""
    api_key_env: str = ""
    temperature: float = Field(0.2, ge=0.0, le=2.0)
    max_tokens: int = Field(2048, gt=0)
    timeout_s: float = Field(120.0, gt=0)
    max_retries: int = Field(4, ge=0)
    retry_backoff_s: float = Field(1.0, ge=0)
    cache: bool = True
    cache_path: str = ""
    script: str = ""
    presets: dict[str, Preset] = Field(default_factory=dict)

    def endpoint(self) -> Preset:
        """The chosen preset with this section's overrides applied."""
        base = self.presets.get(self.preset, Preset())
        upd = {k: v for k, v in (("name", self.name), ("base_url", self.base_url),
                                 ("api_key_env", self.api_key_env)) if v}
        return base.model_copy(update=upd)


class LocalConfig(_Section):
    model: str = "qwen2.5-coder-1.5b"
    cache_dir: str = ""
    threads: int = Field(2, gt=0)
    context_size: int = Field(8192, gt=0)
    batch_size: int = Field(512, gt=0)
    startup_timeout_s: float = Field(120.0, gt=0)
    request_timeout_s: float = Field(900.0, gt=0)


class BudgetConfig(_Section):
    max_tokens: int = Field(0, ge=0)
    max_dollars: float = Field(0.0, ge=0)
    max_wall_s: float = Field(0.0, ge=0)


class SandboxConfig(_Section):
    backend: Literal["bwrap", "docker"] = "bwrap"
    python: str = "/usr/bin/python3"
    uid: int = Field(65534, gt=0)
    timeout_s: float = Field(30.0, gt=0)
    memory_mb: int = Field(1024, gt=0)
    max_processes: int = Field(64, gt=0)
    max_file_mb: int = Field(64, gt=0)
    max_open_files: int = Field(256, gt=0)
    docker_image: str = "synthloop-sandbox:latest"
    pool_workers: int = Field(2, gt=0)


class BuildConfig(_Section):
    max_instructions: int = Field(10, gt=0)
    max_fix_rounds: int = Field(4, ge=0)
    max_steps_per_instruction: int = Field(30, gt=0)
    parallel: int = Field(2, gt=0)
    test_timeout_s: float = Field(60.0, gt=0)
    run_timeout_s: float = Field(20.0, gt=0)
    allow_install: bool = False
    # auto = whole files for the embedded model, else native tool calls where the endpoint has them, else json
    tool_protocol: Literal["auto", "native", "json", "files"] = "auto"
    # before an instruction fails, ask the model whether its own tests failing on expectations are wrong
    review_failing_tests: bool = True
    # a failed instruction whose best work passes most of its own tests and breaks nothing else stays in the
    # workspace as "partial" so its dependants run (agents/build/partial.py); false: rolled back, dependants skipped
    keep_partial: bool = True


class ArcConfig(_Section):
    dataset: Literal["arcagi", "arcagi2"] = "arcagi"
    split: Literal["training", "evaluation"] = "training"
    proposer: Literal["symbolic", "llm", "both", "program", "direct"] = "symbolic"
    time_limit_s: float = Field(20.0, gt=0)
    cpu_limit_s: float = Field(2.5, ge=0)
    memory_mb: int = Field(2048, gt=0)
    workers: int = Field(1, gt=0)
    executor: Literal["local", "ray"] = "local"  # where eval tasks run: local processes/threads, or Ray
    ray_address: str = ""  # Ray cluster address for executor "ray"; empty = start a small local Ray instance
    n_hypotheses: int = Field(8, gt=0)
    k_filtered: int = Field(4, gt=0)
    m_programs: int = Field(2, gt=0)
    r_revisions: int = Field(2, ge=0)
    filter: Literal["llm", "interactive", "none"] = "llm"
    t_hypothesis: float = Field(1.0, ge=0.0, le=2.0)
    t_code: float = Field(0.7, ge=0.0, le=2.0)


class MetaConfig(_Section):
    domain: str = "arc"
    generations: int = Field(5, ge=0)
    debug_tries: int = Field(3, ge=0)
    reflections: int = Field(2, ge=0)
    repeats: int = Field(1, gt=0)
    bootstrap_samples: int = Field(2000, gt=0)
    executor: Literal["local", "ray"] = "local"  # where a design's items run: local threads, or Ray tasks
    ray_address: str = ""  # Ray cluster for executor "ray"; empty = a small local Ray instance


class Config(_Section):
    runs_dir: str = "runs"
    model: ModelConfig = Field(default_factory=ModelConfig)
    local: LocalConfig = Field(default_factory=LocalConfig)
    budget: BudgetConfig = Field(default_factory=BudgetConfig)
    prices: dict[str, tuple[float, float]] = Field(default_factory=dict)
    sandbox: SandboxConfig = Field(default_factory=SandboxConfig)
    build: BuildConfig = Field(default_factory=BuildConfig)
    arc: ArcConfig = Field(default_factory=ArcConfig)
    meta: MetaConfig = Field(default_factory=MetaConfig)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None


def _env_layer(environ: dict[str, str]) -> dict[str, Any]:
    """SYNTHLOOP_SECTION__KEY=value → {"section": {"key": value}} (values parsed as TOML scalars if possible)."""
    out: dict[str, Any] = {}
    for key, raw in environ.items():
        if not key.startswith(ENV_PREFIX):
            continue
        parts = [p.lower() for p in key[len(ENV_PREFIX):].split("__") if p]
        if not parts:
            continue
        try:
            value: Any = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw
        node = out
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = value
    return out


def _merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in top.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _has(layer: dict[str, Any], loc: tuple[Any, ...]) -> bool:
    node: Any = layer
    for part in loc:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def _set_dotted(layer: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    node = layer
    for p in parts[:-1]:
        node = node.setdefault(p, {})
    node[parts[-1]] = value


def load_config(
    user_file: str | Path | None = None,
    overrides: dict[str, Any] | None = None,
    environ: dict[str, str] | None = None,
) -> Config:
    """Resolve the config; `overrides` maps dotted keys ("arc.workers") to flag values (None = not given)."""
    flags: dict[str, Any] = {}
    for k, v in (overrides or {}).items():
        if v is not None:
            _set_dotted(flags, k, v)
    layers: list[tuple[str, dict[str, Any]]] = [(str(DEFAULT_FILE), _read_toml(DEFAULT_FILE))]
    if user_file:
        layers.append((str(user_file), _read_toml(Path(user_file))))
    layers.append(("environment (SYNTHLOOP_*)", _env_layer(dict(os.environ if environ is None else environ))))
    layers.append(("command-line flags", flags))
    merged: dict[str, Any] = {}
    for _, layer in layers:
        merged = _merge(merged, layer)
    try:
        return Config.model_validate(merged)
    except ValidationError as e:
        err = e.errors()[0]
        loc = tuple(p for p in err["loc"] if not isinstance(p, int))
        origin = next((name for name, layer in reversed(layers) if _has(layer, loc)), str(DEFAULT_FILE))
        key = ".".join(str(p) for p in err["loc"])
        raise ConfigError(f"bad config value {key!r} (from {origin}): {err['msg']}") from None


def to_toml(cfg: Config) -> str:
    """Render a resolved config as TOML (used for runs/<id>/config.toml and `config show`)."""
    data = cfg.model_dump(mode="json")
    lines: list[str] = []

    def scalar(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if isinstance(v, list | tuple):
            return "[" + ", ".join(scalar(x) for x in v) + "]"
        return repr(v)

    def key(k: str) -> str:
        return k if k.replace("_", "").replace("-", "").isalnum() else f'"{k}"'

    def emit(prefix: str, table: dict[str, Any]) -> None:
        plain = {k: v for k, v in table.items() if not isinstance(v, dict)}
        subs = {k: v for k, v in table.items() if isinstance(v, dict)}
        if prefix and plain:
            lines.append(f"\n[{prefix}]")
        lines.extend(f"{key(k)} = {scalar(v)}" for k, v in plain.items())
        for k, v in subs.items():
            sub = f"{prefix}.{key(k)}" if prefix else key(k)
            if v:
                emit(sub, v)
            else:
                lines.append(f"\n[{sub}]")

    emit("", data)
    return "\n".join(lines).lstrip("\n") + "\n"
