"""Meta-search domains. A domain is one module here exposing `make_domain(options, *, sandbox, workdir)`;
`synthloop meta search --domain NAME` finds it by its module name."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Any

from .base import Domain, Item

__all__ = ["Domain", "Item", "available", "make_domain"]

_NOT_DOMAINS = {"base", "sandbox"}


def available() -> list[str]:
    """Names of the domains shipped here."""
    here = str(Path(__file__).resolve().parent)
    return sorted(m.name for m in pkgutil.iter_modules([here]) if m.name not in _NOT_DOMAINS and not m.ispkg)


def make_domain(name: str, options: dict[str, Any] | None = None, *, sandbox: Any, workdir: Path) -> Domain:
    """Build domain `name` with its options; `workdir` is a scratch directory inside the run."""
    from ...errors import UserError

    if name not in available():
        raise UserError(f"unknown meta-search domain {name!r}; choose one of: {', '.join(available())}")
    module = importlib.import_module(f"{__name__}.{name}")
    return module.make_domain(dict(options or {}), sandbox=sandbox, workdir=workdir)
