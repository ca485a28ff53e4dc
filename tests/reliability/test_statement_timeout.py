"""A statement cannot hold a request for longer than the statement time
limit (PostgreSQL and MariaDB): the request is answered 503 naming the
limit, over REST and GraphQL alike."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text

from shotline.app import create_app
from shotline.db import make_engine
from shotline.errors import TIMED_OUT
from shotline.models import Person, Task
from tests.databases import IsolatedDatabase
from tests.refusals import refusal
from tests.reliability.conftest import LIMITS
from tests.shotline.graphql.production import Production, migrated_production
from tests.shotline.signin import bearer


@pytest.fixture(scope="module")
def limited(
    dialect: str, make_database: Callable[[str], IsolatedDatabase]
) -> Iterator[tuple[Engine, Production]]:
    if dialect == "sqlite":
        pytest.skip("SQLite has no statement time limit")
    database = make_database(dialect)
    ids = migrated_production(database.engine(), 1)
    engine = make_engine(
        database.url, connect_args=dict(database.connect_args), statement_timeout=1
    )
    yield engine, ids
    engine.dispose()
    database.close_sync()


def test_a_statement_past_the_limit_is_a_503_naming_it(limited: tuple[Engine, Production]) -> None:
    engine, ids = limited
    client = TestClient(create_app(engine, LIMITS), headers=bearer(engine, ids.people["Ada"]))
    leo, task = ids.people["Leo"], ids.tasks["SQ010/SH0010/anim"]
    with engine.connect() as holder:
        holder.execute(text("SELECT 1"))
        holder.execute(select(Person.id).where(Person.id == leo).with_for_update())
        holder.execute(select(Task.id).where(Task.id == task).with_for_update())
        answer = client.patch(f"/api/people/{leo}", json={"last_name": "Held"})
        assert (answer.status_code, answer.json()) == (503, refusal("timeout", TIMED_OUT))
        query = 'mutation ($t: ID!) { addComment(taskId: $t, comment: {text: "hi"}) { id } }'
        body = client.post("/graphql", json={"query": query, "variables": {"t": task}}).json()
        assert [(e["message"], e["extensions"]) for e in body["errors"]] == [
            (TIMED_OUT, {"code": "STATEMENT_TIMEOUT"})
        ]
        holder.rollback()
