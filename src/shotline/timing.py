"""``Server-Timing``: how many SQL statements a request ran, and for how long.

One pair of engine listeners feeds a per-request counter held in a context
variable; FastAPI runs sync endpoints in worker threads that inherit the
request's context, so statements from any thread land on the right request.
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event
from starlette.types import ASGIApp, Message, Receive, Scope, Send


@dataclass
class RequestStatements:
    count: int = 0
    seconds: float = 0.0
    started: dict[int, float] = field(default_factory=dict)

    def header(self) -> str:
        return f'db;dur={self.seconds * 1000:.2f};desc="{self.count} statements"'


_current: ContextVar[RequestStatements | None] = ContextVar("shotline_statements", default=None)


def _before(conn: Any, cursor: Any, statement: Any, params: Any, context: Any, many: Any) -> None:
    counter = _current.get()
    if counter is not None:
        counter.count += 1
        counter.started[id(context)] = time.perf_counter()


def _after(conn: Any, cursor: Any, statement: Any, params: Any, context: Any, many: Any) -> None:
    counter = _current.get()
    if counter is not None:
        started = counter.started.pop(id(context), None)
        if started is not None:
            counter.seconds += time.perf_counter() - started


def instrument(engine: Engine) -> None:
    """Count ``engine``'s statements for the request they run in."""
    if not event.contains(engine, "before_cursor_execute", _before):
        event.listen(engine, "before_cursor_execute", _before)
        event.listen(engine, "after_cursor_execute", _after)


class ServerTimingMiddleware:
    """Adds the ``Server-Timing`` header to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        counter = RequestStatements()
        token = _current.set(counter)

        async def send_with_timing(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                timing = counter.header()
                mode = dict(headers).get(b"x-loadplan-mode")
                if mode is not None:
                    # Which execution mode loadplan chose (rows or orm).
                    timing = f'mode;desc="{mode.decode()}", {timing}'
                headers.append((b"server-timing", timing.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_timing)
        finally:
            _current.reset(token)
