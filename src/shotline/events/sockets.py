"""Closing a GraphQL socket whose token is revoked.

A WebSocket is authenticated once, when it opens (see
:class:`shotline.auth.AuthenticationMiddleware`), and then runs operations,
subscriptions or not, for as long as it stays open. This middleware, inside
the authentication one, has the process's broker follow the socket's token
(:meth:`shotline.events.broker.Broker.watch`): once the token is revoked or
expires, it closes the socket with graphql-transport-ws's code 4401
(``Unauthorized``) and tells the application the client went away, which
ends its subscriptions.
"""

from __future__ import annotations

import asyncio
from contextlib import suppress
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shotline.events.broker import Broker

__all__ = ["UNAUTHORIZED", "RevokedSocketMiddleware"]

UNAUTHORIZED = 4401
"""graphql-transport-ws's close code of a socket that is not (or no longer) authorized."""


class RevokedSocketMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        principal: Any = scope.get("state", {}).get("principal")
        token_id = getattr(principal, "token_id", None)
        if scope["type"] != "websocket" or token_id is None:
            await self.app(scope, receive, send)
            return
        broker: Broker = scope["app"].state.events
        watch = broker.watch(token_id)
        closed = False

        async def receiving() -> Message:
            nonlocal closed
            if closed:
                return {"type": "websocket.disconnect", "code": UNAUTHORIZED}
            received = asyncio.ensure_future(receive())
            revoked = asyncio.ensure_future(watch.revoked.wait())
            done, _ = await asyncio.wait({received, revoked}, return_when=asyncio.FIRST_COMPLETED)
            if received in done:
                revoked.cancel()
                return received.result()
            received.cancel()
            with suppress(asyncio.CancelledError):
                await received
            closed = True
            await send({"type": "websocket.close", "code": UNAUTHORIZED, "reason": "revoked"})
            return {"type": "websocket.disconnect", "code": UNAUTHORIZED}

        async def sending(message: Message) -> None:
            if not closed:
                await send(message)

        try:
            await self.app(scope, receiving, sending)
        finally:
            broker.unwatch(watch)
