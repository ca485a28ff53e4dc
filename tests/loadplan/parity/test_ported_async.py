"""The ported strawberry-django scenarios on an async session (its tests run
each query with a sync and an async client): the same answers and statement
counts as on a sync session, in both modes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from loadplan.testing import count_queries
from tests.async_databases import async_engine_of
from tests.databases import IsolatedDatabase
from tests.loadplan.parity.ported_data import populate
from tests.loadplan.parity.test_ported import CASES, JSON, ORM, ROWS, run


@pytest.fixture(scope="module")
def databases(
    dialect: str, make_database: Callable[[str], IsolatedDatabase]
) -> Iterator[list[IsolatedDatabase]]:
    """The small and the large data set of ``test_ported``."""
    made = []
    for size in (1, 4):
        database = make_database(dialect)
        populate(database.engine(), size)
        made.append(database)
    yield made
    for database in made:
        database.close_sync()


@pytest.mark.parametrize(
    ("query", "variables", "statements"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
async def test_case(
    databases: list[IsolatedDatabase],
    query: str,
    variables: dict[str, Any] | None,
    statements: int | tuple[int, int],
) -> None:
    counts = statements if isinstance(statements, tuple) else (statements, statements)
    for database in databases:
        expected, _ = run(database.engines[0], query, ORM, variables)
        async_engine = async_engine_of(database)
        try:
            for schema, count in ((ORM, counts[0]), (ROWS, counts[1]), (JSON, None)):
                async with AsyncSession(async_engine) as session:
                    with count_queries(async_engine) as log:
                        result = await schema.execute(
                            query, variable_values=variables, context_value={"session": session}
                        )
                assert result.errors is None, result.errors
                assert json.dumps(result.data) == json.dumps(expected)
                if count is not None:
                    log.assert_count(count)
        finally:
            await async_engine.dispose()
            database.engines.remove(async_engine)
