"""SQLite response cache: a rerun of the same call is answered from disk and costs nothing."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .model import Choice, Completion, Message, ToolCall, Usage


def cache_key(*, endpoint: str, model: str, messages: list[Message], tools: list[dict[str, Any]] | None,
              response_format: dict[str, Any] | None, n: int, temperature: float, max_tokens: int | None,
              sample_index: int = 0) -> str:
    """sha256 of the canonical JSON of everything that determines a reply."""
    blob = json.dumps({"endpoint": endpoint, "model": model, "messages": messages, "tools": tools,
                       "response_format": response_format, "n": n, "temperature": temperature,
                       "max_tokens": max_tokens, "sample_index": sample_index},
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def completion_to_json(c: Completion) -> str:
    return json.dumps(asdict(c), ensure_ascii=False)


def completion_from_json(text: str) -> Completion:
    d = json.loads(text)
    choices = [Choice(content=ch.get("content"), finish_reason=ch.get("finish_reason", "stop"),
                      tool_calls=[ToolCall(**t) for t in ch.get("tool_calls", [])]) for ch in d["choices"]]
    return Completion(choices=choices, usage=Usage(**d.get("usage", {})), model=d.get("model", ""),
                      cost=d.get("cost", 0.0), latency_s=d.get("latency_s", 0.0), cached=d.get("cached", False))


class ResponseCache:
    """Key → Completion in one SQLite file. Thread-safe (one connection, one lock); reopens after close()."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self.hits = 0
        self.misses = 0
        self._seen: dict[str, int] = {}

    def occurrence(self, key: str) -> int:
        """How many times this key was asked for before in this process (0 the first time).

        Sampling calls (temperature > 0) fold it into their key, so asking the same question twice gives two
        samples, while a rerun (a new process) replays the same sequence from the cache."""
        with self._lock:
            n = self._seen.get(key, 0)
            self._seen[key] = n + 1
            return n

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, completion TEXT NOT NULL, "
                         "created REAL NOT NULL)")
            conn.commit()
            self._conn = conn
        return self._conn

    def get(self, key: str) -> Completion | None:
        with self._lock:
            row = self._db().execute("SELECT completion FROM responses WHERE key = ?", (key,)).fetchone()
            if row is None:
                self.misses += 1
                return None
            self.hits += 1
        try:
            return completion_from_json(row[0])
        except (ValueError, KeyError, TypeError):
            return None  # a damaged entry is a miss; the fresh reply overwrites it

    def put(self, key: str, completion: Completion) -> None:
        with self._lock:
            db = self._db()
            db.execute("INSERT OR REPLACE INTO responses (key, completion, created) VALUES (?, ?, ?)",
                       (key, completion_to_json(completion), time.time()))
            db.commit()

    def __len__(self) -> int:
        with self._lock:
            return int(self._db().execute("SELECT COUNT(*) FROM responses").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> ResponseCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
