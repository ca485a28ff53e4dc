"""Children are selected by their parents' keys: one parameter on PostgreSQL and SQLite."""

from __future__ import annotations

import enum
import sqlite3

import pytest
from sqlalchemy import Engine, Integer, String, column, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

import loadplan
from loadplan import Selection
from loadplan.execution.parent_keys import ParentKeysIn, _IntegerArrayText
from loadplan.testing import count_queries
from tests.loadplan.models import Entity


def test_integer_parent_keys_travel_as_one_parameter(large: Engine, dialect: str) -> None:
    plan = loadplan.plan(Entity, Selection.of("name", "tasks.name"))
    texts = []
    for parents in (3, 30):
        with Session(large) as session, count_queries(large) as log:
            rows = plan.fetch(
                session, select(Entity).order_by(Entity.id).limit(parents), mode="rows"
            ).items
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
    elif dialect == "sqlite" and sqlite3.sqlite_version_info >= (3, 38):
        # As a JSON array's text, read by json_each (built in since 3.38).
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
    recent = sqlite.dialect()
    recent.server_version_info = (3, 45, 0)
    text_keys = ParentKeysIn(column("code", String(10)))
    assert str(text_keys.compile(dialect=recent)) == "code IN (__[POSTCOMPILE_lp_parent_keys])"
    integer_keys = ParentKeysIn(column("id", Integer))
    assert str(integer_keys.compile(dialect=recent)) == ("id IN (SELECT value \nFROM json_each(?))")
    old = sqlite.dialect()
    old.server_version_info = (3, 37, 2)
    assert str(integer_keys.compile(dialect=old)) == "id IN (__[POSTCOMPILE_lp_parent_keys])"


@pytest.mark.parametrize(("opening", "closing"), [("{", "}"), ("[", "]")])
def test_key_text_is_made_of_numbers(opening: str, closing: str) -> None:
    """Whatever int subclass a key arrives as (a bool, an IntEnum)."""
    text = _IntegerArrayText(opening, closing)
    keys = [True, 2, Level.THREE]
    assert text.process_bind_param(keys, sqlite.dialect()) == f"{opening}1,2,3{closing}"


class Level(enum.IntEnum):
    THREE = 3
