"""The GraphQL endpoint as a service: a session per request, operations off
the event loop, GraphiQL, and errors that are logged when they are ours and
masked so that no internals reach clients."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from sqlalchemy import QueuePool
from sqlalchemy.orm import Session

from shotline.graphql import types
from tests.shotline.graphql.conftest import Api


def test_unexpected_errors_are_masked_and_logged(
    small: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_: Any) -> list[types.TaskTypeProgress]:
        raise RuntimeError("SELECT secret FROM somewhere")

    monkeypatch.setattr(types, "project_progress", broken)
    with caplog.at_level(logging.ERROR, logger="shotline.graphql"):
        response = small.http('{ project(id: "1") { code progress { total } } }')
    request_id = response.headers["x-request-id"]
    assert response.json() == {
        "data": {"project": None},
        "errors": [
            {
                "message": "Unexpected error.",
                "locations": [{"line": 1, "column": 27}],
                "path": ["project", "progress"],
                "extensions": {"code": "INTERNAL_SERVER_ERROR", "request_id": request_id},
            }
        ],
    }
    assert f"internal error in GraphQL request {request_id}" in caplog.text
    assert "SELECT secret FROM somewhere" in caplog.text


def test_client_mistakes_are_not_logged(small: Api, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="strawberry.execution"):
        small.post('{ project(id: "x") { id } }')
        small.post("{ projects { " + " ".join(f"a{i}: id" for i in range(31)) + " } }")
        small.post("{ projects { passwordHash } }")
    assert caplog.records == []


def test_the_session_is_closed_after_each_request(small: Api) -> None:
    small.post('{ project(id: "x") { id } }')
    small.data("{ projects { code } }")
    pool = small.engine.pool
    assert isinstance(pool, QueuePool)
    assert pool.checkedout() == 0


def test_graphiql_is_served(small: Api) -> None:
    response = small.client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


def test_operations_run_off_the_event_loop(small: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """Resolvers block on the database: they must not run on the event loop."""
    threads: list[str] = []

    def progress(_session: Session, _project_id: int, _who: Any) -> list[types.TaskTypeProgress]:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            threads.append("worker")
        else:
            threads.append("event loop")
        return []

    monkeypatch.setattr(types, "project_progress", progress)
    data, _ = small.data('{ project(id: "1") { progress { total } } }')
    assert data == {"project": {"progress": []}}
    assert threads == ["worker"]
