"""Fixtures of the GraphQL tests: productions of two sizes behind the real app.

The read-only productions are built once per dialect for the whole package
(session scope); tests that write get a production of their own per module.
Every request goes through ``TestClient(create_app(engine))``, as a browser's
would, and reports the statements it ran on the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from loadplan.testing import QueryLog, count_queries
from shotline.app import create_app
from shotline.settings import Settings
from tests.databases import IsolatedDatabase
from tests.shotline.graphql.production import Production, migrated_production
from tests.shotline.signin import bearer

SMALL = 2
LARGE = 12
SETTINGS = Settings(
    server_timing=True, max_page_size=500, graphql_max_depth=10, graphql_max_aliases=30
)
"""The defaults, spelled out so that ``SHOTLINE_*`` variables cannot change the tests."""


@dataclass
class Api:
    """A production, and the GraphQL endpoint of an app serving it."""

    engine: Engine
    ids: Production
    client: TestClient
    headers: dict[str, str]

    def post(self, query: str, variables: dict[str, Any] | None = None) -> tuple[Any, QueryLog]:
        """The JSON response to one operation, and the statements it ran."""
        with count_queries(self.engine) as log:
            response = self.client.post("/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        return response.json(), log

    def data(self, query: str, variables: dict[str, Any] | None = None) -> tuple[Any, QueryLog]:
        """``data`` of a response that must have no errors."""
        body, log = self.post(query, variables)
        assert "errors" not in body, body["errors"]
        return body["data"], log

    def with_settings(self, settings: Settings) -> Api:
        client = TestClient(create_app(self.engine, settings), headers=self.headers)
        return Api(self.engine, self.ids, client, self.headers)


def _api(
    dialect: str, make_database: Callable[[str], IsolatedDatabase], size: int
) -> Iterator[Api]:
    database = make_database(dialect)
    engine = database.engine()
    ids = migrated_production(engine, size)
    headers = bearer(engine, ids.people["Ada"])
    yield Api(engine, ids, TestClient(create_app(engine, SETTINGS), headers=headers), headers)
    database.close_sync()


@pytest.fixture(scope="session")
def small(dialect: str, make_database: Callable[[str], IsolatedDatabase]) -> Iterator[Api]:
    """The production of size 2: never written to."""
    yield from _api(dialect, make_database, SMALL)


@pytest.fixture(scope="session")
def large(dialect: str, make_database: Callable[[str], IsolatedDatabase]) -> Iterator[Api]:
    """The production of size 12: never written to."""
    yield from _api(dialect, make_database, LARGE)


@pytest.fixture(scope="module")
def writable(dialect: str, make_database: Callable[[str], IsolatedDatabase]) -> Iterator[Api]:
    """A production of size 2 for one module's writes: each test changes rows
    no other test reads."""
    yield from _api(dialect, make_database, SMALL)
