"""Fixtures of the GraphQL tests: productions of two sizes behind the real app.

The read-only productions are built once per dialect for the whole package
(session scope), and served in each execution mode (``mode``) per module;
tests that write get a production of their own per module and mode. Every
request goes through ``TestClient(create_app(engine))``, as a browser's
would, and reports the statements it ran on the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from loadplan.testing import QueryLog, count_queries
from shotline.app import create_app
from shotline.settings import MODE_HEADER, Settings
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
        """The JSON response to one operation, and the statements it ran; for
        an answer the JSON mode gave (in part), the statements of the row
        mode's answer, which must be the same bytes in no fewer statements,
        so that statement counts mean the plan's in every mode."""
        with count_queries(self.engine) as log:
            response = self.http(query, variables)
        assert response.status_code == 200, response.text
        if self.headers.get(MODE_HEADER) == "orm":
            assert response.headers.get(MODE_HEADER) in {None, "orm"}
        if "json" in response.headers.get(MODE_HEADER, "").split(","):
            with count_queries(self.engine) as rows_log:
                rows = self.http(query, variables, mode="rows")
            assert "json" not in rows.headers[MODE_HEADER]
            assert rows.content == response.content
            assert log.count <= rows_log.count
            log = rows_log
        return response.json(), log

    def http(
        self, query: str, variables: dict[str, Any] | None = None, mode: str | None = None
    ) -> Any:
        """The HTTP response to one operation (asking for ``mode``, if given)."""
        headers = {MODE_HEADER: mode} if mode is not None else None
        return self.client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )

    def data(self, query: str, variables: dict[str, Any] | None = None) -> tuple[Any, QueryLog]:
        """``data`` of a response that must have no errors."""
        body, log = self.post(query, variables)
        assert "errors" not in body, body["errors"]
        return body["data"], log

    def with_settings(self, settings: Settings) -> Api:
        client = TestClient(create_app(self.engine, settings), headers=self.headers)
        return Api(self.engine, self.ids, client, self.headers)


@pytest.fixture(scope="module", params=["rows", "orm", "json"])
def mode(request: pytest.FixtureRequest) -> str:
    """The execution mode a GraphQL client asks for: the row, ORM and JSON
    modes (a root field the JSON mode cannot answer runs as if no mode were
    asked)."""
    name: str = request.param
    return name


@dataclass(frozen=True)
class Stock:
    """A migrated production and its admin's token, for apps in either mode."""

    engine: Engine
    ids: Production
    token: dict[str, str]

    def api(self, mode: str) -> Api:
        headers = {**self.token, MODE_HEADER: mode}
        client = TestClient(create_app(self.engine, SETTINGS), headers=headers)
        return Api(self.engine, self.ids, client, headers)


@contextmanager
def _stock(
    dialect: str, make_database: Callable[[str], IsolatedDatabase], size: int
) -> Iterator[Stock]:
    database = make_database(dialect)
    engine = database.engine()
    ids = migrated_production(engine, size)
    yield Stock(engine, ids, bearer(engine, ids.people["Ada"]))
    database.close_sync()


@pytest.fixture(scope="session")
def small_stock(dialect: str, make_database: Callable[[str], IsolatedDatabase]) -> Iterator[Stock]:
    """The production of size 2: never written to."""
    with _stock(dialect, make_database, SMALL) as stock:
        yield stock


@pytest.fixture(scope="session")
def large_stock(dialect: str, make_database: Callable[[str], IsolatedDatabase]) -> Iterator[Stock]:
    """The production of size 12: never written to."""
    with _stock(dialect, make_database, LARGE) as stock:
        yield stock


@pytest.fixture(scope="module")
def small(small_stock: Stock, mode: str) -> Api:
    return small_stock.api(mode)


@pytest.fixture(scope="module")
def large(large_stock: Stock, mode: str) -> Api:
    return large_stock.api(mode)


@pytest.fixture(scope="module")
def writable(
    dialect: str, make_database: Callable[[str], IsolatedDatabase], mode: str
) -> Iterator[Api]:
    """A production of size 2 for one module's writes in one mode: each test
    changes rows no other test reads, once."""
    with _stock(dialect, make_database, SMALL) as stock:
        yield stock.api(mode)
