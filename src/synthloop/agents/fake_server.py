"""A tiny OpenAI-compatible HTTP server on 127.0.0.1 for tests: scripted replies and scripted failures.

    with FakeOpenAIServer(["hello", {"status": 500}, {"tool_calls": [{"name": "f", "arguments": {}}]}]) as srv:
        OpenAIModel(srv.base_url, "fake-model", ...).complete(...)
        srv.requests  # the JSON bodies received, in order

A reply is consumed per choice (a request with n=3 takes three replies) and is one of:
- a string: the assistant's text;
- {"content"?, "tool_calls"?: [{"name", "arguments" (str or JSON data), "id"?}], "finish_reason"?}: one choice;
- {"status": 500 | 429 | 401 | ..., "body"?: {...}, "retry_after"?: seconds}: an HTTP error (the whole request);
- {"delay": seconds, ...}: wait, then serve the rest of the dict (just a delay → an empty reply);
- {"raw": "text", "status"?: 200, "content_type"?: ...}: send this body verbatim (garbage tests);
- a callable taking the request body (dict) and returning any of the above.
When the script runs out the server answers 400 "scripted replies exhausted", which clients do not retry.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FakeReply = str | dict[str, Any] | Callable[[dict[str, Any]], "str | dict[str, Any]"]


def _approx_tokens(text: str) -> int:
    return max(1, len(text) // 4) if text else 0


def _is_failure(reply: dict[str, Any]) -> bool:
    return "raw" in reply or ("status" in reply and int(reply["status"]) != 200)


class FakeOpenAIServer:
    """OpenAI-compatible /v1/chat/completions and /v1/models serving scripted replies in order."""

    def __init__(self, replies: Iterable[FakeReply] = (), model: str = "fake-model"):
        self.replies: list[FakeReply] = list(replies)
        self.model = model
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------------------
    def start(self) -> FakeOpenAIServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep test output quiet
                pass

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    server._send(self, 200, {"object": "list", "data": [
                        {"id": server.model, "object": "model", "created": 0, "owned_by": "fake"}]})
                else:
                    server._send(self, 404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    server._send(self, 404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
                    return
                try:
                    body = json.loads(raw or b"{}")
                except json.JSONDecodeError:
                    server._send(self, 400, {"error": {"message": "request body is not JSON", "type": "invalid"}})
                    return
                server._handle_chat(self, body)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02},
                                        name="fake-openai", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("FakeOpenAIServer is not started")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def remaining(self) -> int:
        with self._lock:
            return len(self.replies)

    def add(self, *replies: FakeReply) -> None:
        """Append more scripted replies."""
        with self._lock:
            self.replies.extend(replies)

    # -- serving ---------------------------------------------------------------------------------------
    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, payload: Any, *, raw: bytes | None = None,
              content_type: str = "application/json", headers: dict[str, str] | None = None) -> None:
        data = raw if raw is not None else json.dumps(payload).encode()
        try:
            handler.send_response(status)
            handler.send_header("content-type", content_type)
            handler.send_header("content-length", str(len(data)))
            for k, v in (headers or {}).items():
                handler.send_header(k, v)
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test); nothing to do

    def _next(self, body: dict[str, Any]) -> FakeReply | None:
        with self._lock:
            if not self.replies:
                return None
            reply = self.replies.pop(0)
        if callable(reply):
            reply = reply(body)
        return reply

    def _handle_chat(self, handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        with self._lock:
            self.requests.append(body)
            self.headers.append({k.lower(): v for k, v in handler.headers.items()})
        n = max(1, int(body.get("n") or 1))
        choices: list[dict[str, Any]] = []
        for i in range(n):
            reply = self._next(body)
            if reply is None:
                self._send(handler, 400, {"error": {"message": "fake server: scripted replies exhausted",
                                                    "type": "invalid_request_error"}})
                return
            if isinstance(reply, dict) and "delay" in reply:
                time.sleep(float(reply["delay"]))
                reply = {k: v for k, v in reply.items() if k != "delay"}
            if isinstance(reply, dict) and _is_failure(reply):
                if i:
                    raise ValueError("a failure reply must start a request, not be one of its n choices")
                self._fail(handler, reply)
                return
            choices.append(self._choice(i, reply))
        prompt = sum(_approx_tokens(m.get("content") if isinstance(m.get("content"), str)
                                    else json.dumps(m.get("content") or ""))
                     for m in body.get("messages", []))
        completion = sum(_approx_tokens((c["message"].get("content") or "")
                                        + json.dumps(c["message"].get("tool_calls") or ""))
                         for c in choices)
        self._send(handler, 200, {
            "id": f"chatcmpl-fake-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model") or self.model,
            "choices": choices,
            "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion},
        })

    def _fail(self, handler: BaseHTTPRequestHandler, reply: dict[str, Any]) -> None:
        status = int(reply.get("status", 200))
        if "raw" in reply:
            raw = reply["raw"]
            self._send(handler, status, None, raw=raw.encode() if isinstance(raw, str) else bytes(raw),
                       content_type=reply.get("content_type", "application/json"))
            return
        headers = {"retry-after": str(reply["retry_after"])} if "retry_after" in reply else None
        body = reply.get("body") or {"error": {"message": f"fake server: scripted HTTP {status}",
                                               "type": "server_error" if status >= 500 else "client_error",
                                               "code": status}}
        self._send(handler, status, body, headers=headers)

    @staticmethod
    def _choice(index: int, reply: str | dict[str, Any]) -> dict[str, Any]:
        if isinstance(reply, str):
            reply = {"content": reply}
        calls = [
            {"id": c.get("id", f"call_{index}_{j}"), "type": "function",
             "function": {"name": c["name"],
                          "arguments": c["arguments"] if isinstance(c["arguments"], str) else json.dumps(c["arguments"])}}
            for j, c in enumerate(reply.get("tool_calls") or [])
        ]
        message: dict[str, Any] = {"role": "assistant", "content": reply.get("content")}
        if calls:
            message["tool_calls"] = calls
        return {"index": index, "message": message,
                "finish_reason": reply.get("finish_reason", "tool_calls" if calls else "stop")}
