"""Async engines on the isolated test databases, and the ``async_engine`` fixture.

Kept apart from ``tests.databases`` because SQLAlchemy's asyncio extension
needs greenlet, which only ``loadplan[asyncio]`` brings: the suite's
SQLAlchemy-only run (``nox -s wheel-core``) loads neither this module nor the
tests that use it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from tests.databases import IsolatedDatabase, enable_sqlite_foreign_keys


def async_engine_of(database: IsolatedDatabase, **options: Any) -> AsyncEngine:
    """An async engine on ``database``, disposed of by :func:`close`."""
    engine = create_async_engine(
        database.async_url, connect_args=dict(database.connect_args), **options
    )
    if database.dialect == "sqlite":
        event.listen(engine.sync_engine, "connect", enable_sqlite_foreign_keys)
    database.engines.append(engine)
    return engine


async def close(database: IsolatedDatabase) -> None:
    """Dispose of every engine of ``database`` (async ones on this loop), then drop it."""
    for engine in database.engines:
        if isinstance(engine, AsyncEngine):
            await engine.dispose()
    database.close_sync()


@pytest.fixture
async def async_engine(
    dialect: str, make_database: Callable[[str], IsolatedDatabase]
) -> AsyncIterator[AsyncEngine]:
    database = make_database(dialect)
    yield async_engine_of(database)
    await close(database)
