"""Children are selected by their parents' keys: one array on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Engine, String, column, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

import loadplan
from loadplan import Selection
from loadplan.execution.parent_keys import ParentKeysIn
from loadplan.testing import count_queries
from tests.loadplan.models import Entity


def test_parent_keys_travel_as_one_array_on_postgresql(large: Engine, dialect: str) -> None:
    plan = loadplan.plan(Entity, Selection.of("name", "tasks.name"))
    texts = []
    for parents in (3, 30):
        with Session(large) as session, count_queries(large) as log:
            rows = plan.rows(session, select(Entity).order_by(Entity.id).limit(parents))
        assert len(rows) == parents
        texts.append(log.sql[1])
    if dialect == "postgresql":
        assert "WHERE task.entity_id = ANY (" in texts[0]
        assert texts[0] == texts[1]
        # Integer keys travel as the array's text, cast back by the server.
        assert "CAST(%(lp_parent_keys)s::VARCHAR AS INTEGER[])" in texts[0]
        assert log[1].params["lp_parent_keys"] == "{" + ",".join(str(r["id"]) for r in rows) + "}"
    else:
        assert "WHERE task.entity_id IN (" in texts[0]
        assert texts[1].count(",") > texts[0].count(",")


def test_other_keys_travel_as_an_array_parameter_on_postgresql() -> None:
    # Text needs quoting inside an array literal: it stays a list parameter.
    condition = ParentKeysIn(column("code", String(10)))
    sql = str(condition.compile(dialect=postgresql.dialect()))
    assert sql == "code = ANY (%(lp_parent_keys)s::VARCHAR(10)[])"
