"""A request id for every HTTP request, to find an internal error in the logs.

:class:`RequestIdMiddleware` gives each request a random id, answers it in
the ``X-Request-ID`` header and keeps it in a context variable that worker
threads inherit, so an error logged anywhere while the request runs can name
it (:func:`current_request_id`), and the error answered to the client carries
the same id: a client reporting a failure gives the line to look for.
"""

from __future__ import annotations

import secrets
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["REQUEST_ID_HEADER", "RequestIdMiddleware", "current_request_id"]

REQUEST_ID_HEADER = "X-Request-ID"

_current: ContextVar[str | None] = ContextVar("shotline_request_id", default=None)


def current_request_id() -> str:
    """The id of the request running now (``-`` outside of one)."""
    return _current.get() or "-"


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = secrets.token_hex(8)
        token = _current.set(request_id)
        # Also in the request's state, for the handler of internal errors,
        # which runs outside this middleware.
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            _current.reset(token)
