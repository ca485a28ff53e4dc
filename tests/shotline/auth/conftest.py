"""Fixtures of the access tests: the studio of ``world.py``, built once per
dialect with a token per person, behind apps whose clients ask for an
execution mode (``mode``).

``World.call`` runs each request in a transaction that is rolled back
afterwards (the app's sessions join it through savepoints), so that every
request of the permission matrix sees the studio as built, whatever the
requests before it changed: a write allowed for the manager is still
possible for the admin after it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Session, sessionmaker

from loadplan.testing import QueryLog, count_queries
from shotline.app import create_app
from shotline.db import make_engine, upgrade
from shotline.settings import MODE_HEADER, Settings
from shotline.storage import LocalStore
from tests.databases import IsolatedDatabase
from tests.shotline.auth.world import PEOPLE, build
from tests.shotline.modes import plan_statements
from tests.shotline.signin import bearer

SETTINGS = Settings(server_timing=True, max_page_size=500, debug=False)


def _transactional_engine(database: IsolatedDatabase) -> Engine:
    """An engine whose transactions can hold savepoints on every dialect.

    pysqlite begins transactions lazily and would commit at the release of
    an outermost savepoint: the driver is put in autocommit mode and the
    engine emits ``BEGIN`` itself (SQLAlchemy's documented recipe).
    """
    if database.dialect != "sqlite":
        engine = make_engine(database.url, connect_args=dict(database.connect_args))
    else:
        engine = make_engine(database.url, connect_args={"check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _driver_autocommit(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin(connection: Any) -> None:
            connection.exec_driver_sql("BEGIN")

    database.engines.append(engine)
    return engine


@dataclass
class World:
    """The studio served by the app; ``headers[name]`` signs in as that person."""

    engine: Engine
    plain_engine: Engine
    app: FastAPI
    client: TestClient
    reader: TestClient
    headers: dict[str, dict[str, str]]

    connection: Connection | None = None

    @contextmanager
    def rolled_back(self) -> Iterator[Connection]:
        """Requests (and ``session()``) inside the block share one transaction,
        rolled back at its end."""
        assert self.connection is None, "rolled_back() blocks do not nest"
        default = self.app.state.sessions
        with self.engine.connect() as connection:
            transaction = connection.begin()
            self.connection = connection
            self.app.state.sessions = self.sessions()
            try:
                yield connection
            finally:
                self.app.state.sessions = default
                self.connection = None
                transaction.rollback()

    def sessions(self) -> sessionmaker[Session]:
        """Sessions joining the transaction of ``rolled_back()`` (savepoints)."""
        return sessionmaker(
            bind=self.connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )

    def call(
        self,
        who: str | None,
        method: str,
        url: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """A request by ``who`` (``None``: with ``headers`` only), rolled back
        afterwards (with the block's transaction, inside ``rolled_back()``)."""
        if self.connection is None:
            with self.rolled_back():
                return self.call(who, method, url, body, headers)
        sent = {**(self.headers[who] if who is not None else {}), **(headers or {})}
        if isinstance(body, bytes):  # a file, sent as it is
            return self.client.request(method, url, content=body, headers=sent)
        return self.client.request(method, url, json=body, headers=sent)

    def graphql(self, who: str, query: str, variables: dict[str, Any] | None = None) -> Any:
        response = self.call(who, "POST", "/graphql", {"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        return response.json()

    def counted(
        self, who: str, method: str, url: str, body: Any = None
    ) -> tuple[Response, QueryLog]:
        """A read by ``who`` on an app with plain sessions, with its statements
        (an answer of the JSON mode: the plan's, see :mod:`tests.shotline.modes`)."""

        def again(asked: str) -> tuple[Response, QueryLog]:
            headers = {**self.headers[who], MODE_HEADER: asked}
            with count_queries(self.plain_engine) as log:
                response = self.reader.request(method, url, json=body, headers=headers)
            return response, log

        with count_queries(self.plain_engine) as log:
            response = self.reader.request(method, url, json=body, headers=self.headers[who])
        return response, plan_statements(response, log, again)


@dataclass(frozen=True)
class Studio:
    """The studio's database, built once per dialect, and a token per person."""

    engine: Engine
    plain_engine: Engine
    headers: dict[str, dict[str, str]]
    settings: Settings


@pytest.fixture(scope="package")
def studio(
    dialect: str,
    make_database: Callable[[str], IsolatedDatabase],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Studio]:
    database = make_database(dialect)
    engine = _transactional_engine(database)
    upgrade(engine)
    previews = tmp_path_factory.mktemp("previews")
    build(engine, LocalStore(previews))
    headers = {name: bearer(engine, person) for name, person in PEOPLE.items()}
    settings = dataclasses.replace(SETTINGS, preview_dir=str(previews))
    yield Studio(engine, database.engine(), headers, settings)
    database.close_sync()


@pytest.fixture(scope="module")
def world(studio: Studio, mode: str) -> Iterator[World]:
    """The studio behind apps whose clients ask for ``mode``."""
    engine, plain = studio.engine, studio.plain_engine
    app = create_app(engine, studio.settings)
    asking = {MODE_HEADER: mode}
    with (
        TestClient(app, headers=asking) as client,
        TestClient(create_app(plain, studio.settings), headers=asking) as reader,
    ):
        yield World(engine, plain, app, client, reader, studio.headers)
