"""GraphQL's ``events`` subscription over graphql-transport-ws: the same
events as the REST stream, by the same rules, and a WebSocket only with a
token."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect

from tests.shotline.auth.world import ANCHOR_MOD, P1, SH0010_ANIM
from tests.shotline.events.conftest import Live

SUBSCRIBE = "subscription($project: ID) { events(projectId: $project) { kind taskId commentId } }"


def _socket_url(live: Live) -> str:
    return live.url.replace("http://", "ws://") + "/graphql"


@contextmanager
def subscribed(
    live: Live, who: str, variables: dict[str, Any] | None = None
) -> Iterator[ClientConnection]:
    """A socket subscribed to ``events``, already receiving: a first change
    (a comment on the vendor's shot, which everyone on LHK reads) is made
    until its event arrives, and left out."""
    with connect(
        _socket_url(live),
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        additional_headers=live.headers[who],
    ) as socket:
        socket.send(json.dumps({"type": "connection_init"}))
        assert json.loads(socket.recv(timeout=10))["type"] == "connection_ack"
        socket.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": SUBSCRIBE, "variables": variables or {}},
                }
            )
        )
        for _ in range(50):
            _comment(live, SH0010_ANIM, "Anyone there?")
            try:
                first = json.loads(socket.recv(timeout=0.2))
            except TimeoutError:
                continue
            assert first["type"] == "next", first
            _drain(socket)
            break
        else:
            pytest.fail("the subscription received nothing")
        yield socket


def _drain(socket: ClientConnection) -> None:
    while True:
        try:
            socket.recv(timeout=0.3)
        except TimeoutError:
            return


def _comment(live: Live, task: int, text: str) -> int:
    answer = live.call("manager", "POST", f"/api/tasks/{task}/comments", {"text": text})
    assert answer.status_code == 201, answer.text
    ident: int = answer.json()["id"]
    return ident


def _next(socket: ClientConnection) -> Any:
    message = json.loads(socket.recv(timeout=10))
    assert message["type"] == "next", message
    return message["payload"]["data"]["events"]


def test_a_subscriber_receives_the_events_it_may_read(live: Live) -> None:
    with subscribed(live, "vendor") as socket:
        hidden = _comment(live, ANCHOR_MOD, "Not the vendor's")
        shown = _comment(live, SH0010_ANIM, "The vendor's")
        assert _next(socket) == {
            "kind": "comment.created",
            "taskId": str(SH0010_ANIM),
            "commentId": str(shown),
        }
        assert hidden < shown
        with pytest.raises(TimeoutError):
            socket.recv(timeout=0.5)


def test_a_subscription_to_one_project(live: Live) -> None:
    with subscribed(live, "manager", {"project": str(P1)}) as socket:
        comment = _comment(live, ANCHOR_MOD, "On LHK")
        assert _next(socket)["commentId"] == str(comment)


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/graphql", {}),
        ("/graphql", {"Authorization": "Bearer shl_not_a_token"}),
        ("/api/events/stream", None),
        ("/graphql", {"Cookie": "shotline_session=x", "Origin": "http://elsewhere.example"}),
    ],
    ids=["no token", "bad token", "not GraphQL", "cookie from another site"],
)
def test_a_socket_without_a_good_token_is_closed(
    live: Live, path: str, headers: dict[str, str] | None
) -> None:
    sent = live.headers["admin"] if headers is None else headers
    url = live.url.replace("http://", "ws://") + path
    # Closed before it is accepted: the handshake is answered 403.
    with (
        pytest.raises(InvalidStatus) as refused,
        connect(url, subprotocols=["graphql-transport-ws"], additional_headers=sent),  # type: ignore[list-item]
    ):
        pass
    assert refused.value.response.status_code == 403
