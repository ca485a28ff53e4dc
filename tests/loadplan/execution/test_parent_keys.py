"""Children are selected by their parents' keys: one parameter on PostgreSQL and SQLite."""

from __future__ import annotations

from sqlalchemy import Engine, Integer, String, column, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

import loadplan
from loadplan import Selection
from loadplan.execution.parent_keys import ParentKeysIn
from loadplan.testing import count_queries
from tests.loadplan.models import Entity


def test_integer_parent_keys_travel_as_one_parameter(large: Engine, dialect: str) -> None:
    plan = loadplan.plan(Entity, Selection.of("name", "tasks.name"))
    texts = []
    for parents in (3, 30):
        with Session(large) as session, count_queries(large) as log:
            rows = plan.rows(session, select(Entity).order_by(Entity.id).limit(parents))
        assert len(rows) == parents
        assert {task["name"] for row in rows for task in row["tasks"]}
        texts.append(log.sql[1])
    keys = ",".join(str(r["id"]) for r in rows)
    if dialect == "postgresql":
        assert "WHERE task.entity_id = ANY (" in texts[0]
        assert texts[0] == texts[1]
        # Integer keys travel as the array's text, cast back by the server.
        assert "CAST(%(lp_parent_keys)s::VARCHAR AS INTEGER[])" in texts[0]
        assert log[1].params["lp_parent_keys"] == "{" + keys + "}"
    elif dialect == "sqlite":
        # As a JSON array's text, read by json_each.
        assert "WHERE task.entity_id IN (SELECT value \nFROM json_each(?))" in texts[0]
        assert texts[0] == texts[1]
        assert log[1].params == ("[" + keys + "]",)
    else:
        assert "WHERE task.entity_id IN (" in texts[0]
        assert texts[1].count(",") > texts[0].count(",")


def test_other_keys_travel_as_an_array_parameter_on_postgresql() -> None:
    # Text needs quoting inside an array literal: it stays a list parameter.
    condition = ParentKeysIn(column("code", String(10)))
    sql = str(condition.compile(dialect=postgresql.dialect()))
    assert sql == "code = ANY (%(lp_parent_keys)s::VARCHAR(10)[])"


def test_other_keys_and_older_sqlite_keep_in() -> None:
    text_keys = ParentKeysIn(column("code", String(10)))
    assert (
        str(text_keys.compile(dialect=sqlite.dialect()))
        == "code IN (__[POSTCOMPILE_lp_parent_keys])"
    )
    old = sqlite.dialect()
    old.server_version_info = (3, 37, 2)
    integer_keys = ParentKeysIn(column("id", Integer))
    assert str(integer_keys.compile(dialect=old)) == "id IN (__[POSTCOMPILE_lp_parent_keys])"
