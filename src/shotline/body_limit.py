"""A bound on the size of request bodies, enforced while they are read.

Without one, a 10 MB JSON body was read, parsed and validated whole (on the
event loop, before any endpoint ran) by anyone, signed in or not. The
:class:`BodySizeLimit` middleware answers 413 with a JSON body:

- at once when ``Content-Length`` announces more than the route's limit,
  before a byte of the body is read;
- as soon as the bytes read pass the limit otherwise (a chunked body, or a
  client that lied about its length): reading stops there.

The limit is ``Settings.max_body_bytes`` unless a route has its own: a route
that takes larger bodies (file uploads, which should stream to disk rather
than be read into memory) is given one by a :class:`RouteLimit`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shotline.errors import error_body

__all__ = ["BodySizeLimit", "BodyTooLarge", "RouteLimit"]


@dataclass(frozen=True)
class RouteLimit:
    """``max_bytes`` for the requests whose path matches ``path`` (a regular
    expression, matched from the start) and whose method is in ``methods``."""

    path: str
    max_bytes: int
    methods: frozenset[str] = frozenset({"POST", "PUT", "PATCH"})

    def matches(self, method: str, path: str) -> bool:
        return method in self.methods and re.match(self.path, path) is not None


class BodyTooLarge(HTTPException):
    """413: raised by the body's reader, answered by the exception handlers
    (or by :class:`BodySizeLimit` itself when nothing else did)."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(
            status_code=413, detail=f"the request body is larger than {max_bytes} bytes"
        )
        self.max_bytes = max_bytes


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class BodySizeLimit:
    def __init__(self, app: ASGIApp, *, max_bytes: int, routes: Sequence[RouteLimit] = ()) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.routes = tuple(routes)

    def limit(self, scope: Scope) -> int:
        method, path = scope["method"], scope["path"]
        return next((r.max_bytes for r in self.routes if r.matches(method, path)), self.max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope)
        length = _content_length(scope)
        if length is not None and length > limit:
            await self._refuse(limit, scope, receive, send)
            return
        read = 0
        started = False

        async def bounded_receive() -> Message:
            nonlocal read
            message = await receive()
            if message["type"] == "http.request":
                read += len(message.get("body", b""))
                if read > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, bounded_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(limit, scope, receive, send)

    @staticmethod
    async def _refuse(limit: int, scope: Scope, receive: Receive, send: Send) -> None:
        error = BodyTooLarge(limit)
        # The connection is closed: the rest of the body is never read.
        response = JSONResponse(
            error_body(413, error.detail), status_code=413, headers={"Connection": "close"}
        )
        await response(scope, receive, send)
