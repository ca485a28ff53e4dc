"""Fixtures of the CRUD API tests, on every dialect.

Migrating and building data are the slow parts, so the whole package shares
one migrated database per dialect holding a small production
(``support.build_production``); a test that changed anything gets the
database put back to that production afterwards, so tests run in any order.
A lazy load that a plan did not foresee fails the test: in the server
thread, ``UnplannedLoadWarning`` is turned into an error.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from loadplan import UnplannedLoadWarning
from shotline.app import create_app
from shotline.db import upgrade
from shotline.settings import MODE_HEADER
from tests.databases import IsolatedDatabase
from tests.shotline.signin import bearer

# Its assertions (exact error bodies, unchanged database) explain their failures.
pytest.register_assert_rewrite("tests.shotline.crud.support")

from tests.shotline.crud.support import (  # noqa: E402
    Production,
    Snapshot,
    build_production,
    restore,
    snapshot,
)


@pytest.fixture(scope="package")
def crud_engine(dialect: str, make_database: Callable[[str], IsolatedDatabase]) -> Iterator[Engine]:
    database = make_database(dialect)
    engine = database.engine()
    upgrade(engine)
    yield engine
    database.close_sync()


@pytest.fixture(scope="package")
def production(crud_engine: Engine) -> tuple[Production, Snapshot, dict[str, str]]:
    """The production, its rows, and the headers of its admin's token (a
    row of the snapshot too, so that restoring keeps it)."""
    built = build_production(crud_engine)
    headers = bearer(crud_engine, built.admin)
    return built, snapshot(crud_engine), headers


@pytest.fixture(scope="module")
def client(
    crud_engine: Engine, production: tuple[Production, Snapshot, dict[str, str]], mode: str
) -> Iterator[TestClient]:
    """A client signed in as the production's admin, asking for ``mode``."""
    headers = {**production[2], MODE_HEADER: mode}
    with TestClient(create_app(crud_engine), headers=headers) as test_client:
        yield test_client


@pytest.fixture
def prod(
    crud_engine: Engine, production: tuple[Production, Snapshot, dict[str, str]]
) -> Iterator[Production]:
    built, rows, _ = production
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnplannedLoadWarning)
        try:
            yield built
        finally:
            if snapshot(crud_engine) != rows:
                restore(crud_engine, rows)
