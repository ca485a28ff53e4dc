"""Fixtures of the reliability suite: the real application over a small
production, on every dialect, with the settings spelled out so that
``SHOTLINE_*`` variables cannot change what the tests expect."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from shotline.graphql.schema import ShotlineSchema
from tests.databases import IsolatedDatabase
from tests.shotline.graphql.conftest import SETTINGS, Api, Stock
from tests.shotline.graphql.production import migrated_production
from tests.shotline.signin import bearer

LIMITS = SETTINGS
"""The defaults of every limit, as the GraphQL suite spells them."""


@pytest.fixture(scope="module")
def stock(dialect: str, make_database: Callable[[str], IsolatedDatabase]) -> Iterator[Stock]:
    """A production of size 2 for one module: tests that write change rows
    no other test of the module reads."""
    database = make_database(dialect)
    engine = database.engine()
    ids = migrated_production(engine, 2)
    yield Stock(engine, ids, bearer(engine, ids.people["Ada"]))
    database.close_sync()


@pytest.fixture(scope="module")
def engine(stock: Stock) -> Engine:
    return stock.engine


@pytest.fixture(scope="module")
def api(stock: Stock) -> Api:
    """The GraphQL endpoint, as the production's admin, with :data:`LIMITS`."""
    return stock.api("rows")


def graphql_schema(app: FastAPI) -> ShotlineSchema:
    """The schema serving an application's ``/graphql``."""
    for route in app.routes:
        schema = getattr(getattr(route, "original_router", None), "schema", None)
        if isinstance(schema, ShotlineSchema):
            return schema
    raise LookupError("no GraphQL route")
