"""The spliced JSON mode answers random GraphQL queries with the bytes of
the ORM mode: the queries of ``test_property``, their responses written by
orjson, on two data sizes and every dialect. (Apart from ``test_property``:
splicing needs orjson, the fastapi extra's.)"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import orjson
from hypothesis import HealthCheck, given, note, settings
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from loadplan.testing import count_queries
from tests.loadplan.parity.schema import make_schema
from tests.loadplan.parity.test_property import queries

ORM = make_schema()
SPLICED = make_schema(rows=True, mode_header="mode", splice=True)


def run(engine: Engine, query: str, schema: Any) -> tuple[bytes, int, str | None]:
    """orjson's bytes of the answer, its statement count and the modes that ran."""
    response = SimpleNamespace(headers={})
    with Session(engine) as session, count_queries(engine) as log:
        context = {"session": session, "response": response}
        result = schema.execute_sync(query, context_value=context)
    assert result.errors is None, result.errors
    return orjson.dumps(result.data), log.count, response.headers.get("mode")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=queries())
def test_spliced_answers_are_the_bytes_of_the_orm_mode(
    small: Engine, large: Engine, query: str
) -> None:
    note(query)
    for engine in (small, large):
        orm, orm_count, _ = run(engine, query, ORM)
        spliced, count, ran = run(engine, query, SPLICED)
        assert spliced == orm
        assert count == (1 if ran == "json" else orm_count)
