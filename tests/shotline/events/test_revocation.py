"""A stream or GraphQL socket opened with a token ends once the token is
revoked (by its owner, or by signing out), within the broker's check
interval: it does not keep delivering events to someone signed out."""

from __future__ import annotations

import json
import time

import httpx2
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from shotline.events.sockets import UNAUTHORIZED
from shotline.events.tokens import CHECK_SECONDS
from tests.shotline.auth.world import SH0010_ANIM
from tests.shotline.events.conftest import Live
from tests.shotline.events.live import StreamReader

BOUND = CHECK_SECONDS + 3
"""How long a revoked token's stream may stay open: a check interval, and
the time the check and the closing take on a busy machine."""


def _token(live: Live) -> tuple[int, dict[str, str]]:
    """A new API token of the vendor: its id and the headers signing in with it."""
    answer = live.call("vendor", "POST", "/api/me/tokens", {"name": "stream"})
    assert answer.status_code == 201, answer.text
    created = answer.json()
    return created["id"], {"Authorization": f"Bearer {created['token']}"}


def _revoke_by_owner(live: Live, token: int, _headers: dict[str, str]) -> None:
    answer = live.call("vendor", "DELETE", f"/api/me/tokens/{token}")
    assert answer.status_code == 204, answer.text


def _sign_out(live: Live, _token: int, headers: dict[str, str]) -> None:
    answer = httpx2.post(live.url + "/api/auth/logout", headers=headers)
    assert answer.status_code == 204, answer.text


REVOCATIONS = pytest.mark.parametrize(
    "revoke", [_revoke_by_owner, _sign_out], ids=["revoked", "signed out"]
)


@REVOCATIONS
def test_a_stream_ends_once_its_token_is_revoked(live: Live, revoke: object) -> None:
    token, headers = _token(live)
    reader = StreamReader(live.url, headers).start()
    try:
        answer = live.call("manager", "POST", f"/api/tasks/{SH0010_ANIM}/comments", {"text": "Hi"})
        assert answer.status_code == 201
        assert reader.take(1)[0].data["kind"] == "comment.created"
        revoked_at = time.monotonic()
        revoke(live, token, headers)  # type: ignore[operator]
        assert reader.ended(BOUND), "the stream is still open"
        assert time.monotonic() - revoked_at < BOUND
    finally:
        reader.close()


@REVOCATIONS
def test_a_graphql_socket_is_closed_once_its_token_is_revoked(live: Live, revoke: object) -> None:
    token, headers = _token(live)
    url = live.url.replace("http://", "ws://") + "/graphql"
    with connect(
        url,
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        additional_headers=headers,
    ) as socket:
        socket.send(json.dumps({"type": "connection_init"}))
        assert json.loads(socket.recv(timeout=10))["type"] == "connection_ack"
        query = "subscription { events { kind } }"
        socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
        revoked_at = time.monotonic()
        revoke(live, token, headers)  # type: ignore[operator]
        closed = _closing(socket)
        assert time.monotonic() - revoked_at < BOUND
        assert closed.rcvd is not None
        assert closed.rcvd.code == UNAUTHORIZED


def _closing(socket: ClientConnection) -> ConnectionClosed:
    """How the server closes the socket (within :data:`BOUND`)."""
    deadline = time.monotonic() + BOUND
    while True:
        try:
            socket.recv(timeout=max(deadline - time.monotonic(), 0.01))
        except ConnectionClosed as closed:
            return closed
