"""Without a valid token nothing answers, but the health check, the login and
the documentation (and the GraphiQL page): every route of the app is tried."""

from __future__ import annotations

import re

import pytest
from starlette.websockets import WebSocketDisconnect

from tests.refusals import refusal
from tests.shotline.auth.conftest import World
from tests.shotline.auth.test_matrix import route_table

PUBLIC = {
    ("GET", "/healthz"),
    ("POST", "/api/auth/login"),
    ("POST", "/api/auth/session"),
    ("GET", "/graphql"),  # the GraphiQL page; a GET with a query needs a token
}
CHALLENGE = 'Bearer realm="shotline"'
INVALID = (
    'Bearer realm="shotline", error="invalid_token", '
    'error_description="invalid, expired or revoked token"'
)


def _urls(world: World) -> list[tuple[str, str]]:
    routes = route_table(world.app)
    assert len(routes) > 75
    return sorted((method, re.sub(r"\{[^}]+\}", "1", path)) for method, path in routes - PUBLIC)


@pytest.mark.parametrize(
    ("headers", "challenge", "detail"),
    [
        ({}, CHALLENGE, "not authenticated"),
        ({"Authorization": "Basic YWRtaW46YWRtaW4="}, CHALLENGE, "not authenticated"),
        ({"Authorization": "Bearer shl_not-a-token"}, INVALID, "invalid, expired or revoked token"),
    ],
    ids=["no token", "other scheme", "unknown token"],
)
def test_every_route_needs_a_token(
    world: World, headers: dict[str, str], challenge: str, detail: str
) -> None:
    answers = {}
    for method, url in [
        *_urls(world),
        ("GET", "/api/no-such-route"),
        ("GET", "/graphql?query={projects{id}}"),
    ]:
        # Nothing is written before a 401: no transaction to roll back.
        answer = world.client.request(method, url, json={"name": "x"}, headers=headers)
        answers[(method, url)] = (
            answer.status_code,
            answer.headers.get("www-authenticate"),
            answer.json()["detail"] == refusal("unauthenticated", detail)["detail"],
        )
    assert set(answers.values()) == {(401, challenge, True)}


def test_graphql_says_unauthenticated(world: World) -> None:
    answer = world.call(None, "POST", "/graphql", {"query": "{ projects { id } }"})
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == CHALLENGE
    assert answer.json() == {
        "data": None,
        "errors": [{"message": "not authenticated", "extensions": {"code": "UNAUTHENTICATED"}}],
        **refusal("unauthenticated", "not authenticated"),
    }


def test_a_malformed_body_is_refused_for_the_token_first(world: World) -> None:
    answer = world.client.post(
        "/api/departments", content=b'{"name": ', headers={"content-type": "application/json"}
    )
    assert answer.status_code == 401


def test_public_routes_answer_without_a_token(world: World) -> None:
    client = world.client
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/openapi.json").status_code == 200
    assert client.get("/docs").status_code == 200
    assert client.get("/redoc").status_code == 200
    assert client.get("/docs/oauth2-redirect").status_code == 200
    assert "graphiql" in client.get("/graphql", headers={"Accept": "text/html"}).text.lower()
    refused = world.call(None, "POST", "/api/auth/login", {"email": "x@y.z", "password": "p"})
    assert refused.status_code == 401


def test_the_openapi_document_declares_the_bearer_scheme(world: World) -> None:
    spec = world.client.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A session token from POST /api/auth/login, or a personal API token "
        "(POST /api/me/tokens).",
    }
    operations = [
        (method.upper(), path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
    ]
    own = {"/api/auth/logout", "/api/me/password", "/api/me/tokens", "/api/me/tokens/{token_id}"}
    # One's own notifications, and watching a task one sees (else 404).
    own |= {
        "/api/notifications/read",
        "/api/notifications/{event_id}/read",
        "/api/tasks/{task_id}/watch",
    }
    for method, path, operation in operations:
        # GraphiQL's page is public; a query sent by GET needs a token all the same.
        if (method, path) in PUBLIC or (method, path) == ("GET", "/graphql"):
            assert "security" not in operation, path
            continue
        assert operation["security"] == [{"bearer": []}], (method, path)
        assert "401" in operation["responses"], (method, path)
        if method != "GET" and path not in own:
            assert "403" in operation["responses"], (method, path)


@pytest.mark.parametrize(
    ("path", "who"),
    [("/graphql", None), ("/api/events/stream", "admin"), ("/docs", "admin")],
    ids=["GraphQL without a token", "REST", "a page"],
)
def test_websockets_are_refused(world: World, path: str, who: str | None) -> None:
    """A WebSocket is a GraphQL subscription with a token, or nothing: no
    operation may bypass its token (the events tests check the subscriptions)."""
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        world.client.websocket_connect(
            path,
            subprotocols=["graphql-transport-ws"],
            headers=world.headers[who] if who else {},
        ),
    ):
        pass
    assert refused.value.code == 1008
