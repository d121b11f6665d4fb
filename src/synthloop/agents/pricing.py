"""Dollar cost of model calls from the config's [prices] table ($ per million tokens: [prompt, completion])."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping

log = logging.getLogger(__name__)


class PriceTable:
    """Looks up a model's price by exact name, else by the longest listed name it starts with
    (so "gpt-4o-mini-2024-07-18" uses "gpt-4o-mini"). Unknown models cost 0, with one warning per model."""

    def __init__(self, prices: Mapping[str, tuple[float, float] | list[float]] | None = None):
        self.prices = {k: (float(v[0]), float(v[1])) for k, v in (prices or {}).items()}
        self._warned: set[str] = set()
        self._lock = threading.Lock()

    def lookup(self, model: str) -> tuple[float, float] | None:
        """($/1M prompt, $/1M completion) for this model, or None if the table does not know it."""
        if model in self.prices:
            return self.prices[model]
        prefixes = [k for k in self.prices if model.startswith(k)]
        return self.prices[max(prefixes, key=len)] if prefixes else None

    def cost(self, model: str, prompt_tokens: int, completion_tokens: int) -> float:
        """Dollars for one call; 0.0 (and one logged warning) for a model missing from the table."""
        price = self.lookup(model)
        if price is None:
            with self._lock:
                first = model not in self._warned
                self._warned.add(model)
            if first:
                log.warning("no price for model %r in the [prices] table: counting its calls as $0 "
                            "(add \"%s\" = [prompt, completion] in $ per million tokens)", model, model)
            return 0.0
        return (prompt_tokens * price[0] + completion_tokens * price[1]) / 1_000_000
