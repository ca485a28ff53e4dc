"""The migrations build exactly the models' schema, on every dialect; engines and
sessions are configured as the application expects."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import DateTime, Engine, inspect, select, text

from loadplan.testing import count_queries
from shotline.db import alembic_config, make_engine, session_factory, upgrade
from shotline.models import Base, Department, Person
from shotline.sqltypes import UTCDateTime
from tests.databases import IsolatedDatabase


def schema_differences(engine: Engine) -> list[Any]:
    """What autogenerate would write to turn the database into the models' schema."""
    with engine.connect() as connection:
        return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))


def test_upgrade_creates_exactly_the_models_schema(engine: Engine) -> None:
    upgrade(engine)

    # Types, nullability, server defaults, comments, indexes (partial ones
    # included), unique and foreign key constraints: no dialect noise to ignore.
    assert schema_differences(engine) == []
    assert set(inspect(engine).get_table_names()) == {*Base.metadata.tables, "alembic_version"}

    # The comparison is not vacuous: an index the models lack is seen.
    with engine.begin() as connection:
        connection.execute(text("CREATE INDEX ix_person_last_name ON person (last_name)"))
    assert [diff[0] for diff in schema_differences(engine)] == ["remove_index"]


def test_timestamps_keep_their_zone_or_precision(engine: Engine) -> None:
    """Autogenerate compares neither DATETIME precision nor time zones: check them here."""
    upgrade(engine)
    inspector = inspect(engine)
    timestamps = {
        (table, column["name"]): column["type"]
        for table in inspector.get_table_names()
        for column in inspector.get_columns(table)
        if isinstance(column["type"], DateTime)
    }

    assert set(timestamps) == {
        (table.name, column.name)
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, UTCDateTime)
    }
    if engine.dialect.name == "mysql":
        assert {getattr(type_, "fsp", None) for type_ in timestamps.values()} == {6}
    if engine.dialect.name == "postgresql":
        assert all(getattr(type_, "timezone", False) for type_ in timestamps.values())


def test_upgrade_twice_is_a_no_op_and_downgrade_removes_everything(engine: Engine) -> None:
    upgrade(engine)
    upgrade(engine)
    with engine.connect() as connection:
        head = ScriptDirectory.from_config(alembic_config(connection)).get_current_head()
        assert MigrationContext.configure(connection).get_current_revision() == head == "0010"

    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    assert inspect(engine).get_table_names() == ["alembic_version"]


def test_upgrade_from_a_url_configures_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shotline.db'}"
    upgrade(url)

    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert schema_differences(engine) == []
    engine.dispose()


def test_timestamps_come_back_in_utc_and_postgresql_sessions_run_in_it(
    db: IsolatedDatabase,
) -> None:
    engine = make_engine(db.url, connect_args=dict(db.connect_args))
    upgrade(engine)
    paris = dt.timezone(dt.timedelta(hours=2))
    with session_factory(engine)() as session:
        session.add(
            Person(
                first_name="A",
                last_name="B",
                email="a@b.c",
                created_at=dt.datetime(2025, 3, 3, 9, 0, tzinfo=paris),
            )
        )
        session.commit()
    with session_factory(engine)() as session:
        created = session.scalars(select(Person.created_at)).one()
        zone = (
            session.execute(text("SHOW TimeZone")).scalar() if db.dialect == "postgresql" else None
        )
    assert created == dt.datetime(2025, 3, 3, 7, 0, tzinfo=dt.UTC)
    assert created.tzinfo is dt.UTC
    assert zone == ("UTC" if db.dialect == "postgresql" else None)
    engine.dispose()


def test_postgresql_sessions_compile_no_statement_just_in_time(db: IsolatedDatabase) -> None:
    if db.dialect != "postgresql":
        pytest.skip("a PostgreSQL setting")
    engine = make_engine(db.url, connect_args=dict(db.connect_args))
    with engine.connect() as connection:
        settings = connection.execute(
            text("SELECT current_setting('jit'), current_setting('TimeZone')")
        ).one()
    assert tuple(settings) == ("off", "UTC")
    engine.dispose()


def test_sessions_keep_objects_readable_after_commit() -> None:
    engine = make_engine("sqlite://")
    upgrade(engine)
    with session_factory(engine)() as session:
        department = Department(name="Lighting", color="#F1C40F")
        session.add(department)
        session.commit()
        with count_queries(engine) as log:
            assert (department.id, department.name) == (1, "Lighting")
        assert len(log) == 0
    engine.dispose()


def test_existing_comments_are_not_internal(engine: Engine) -> None:
    """0002 adds ``comment.internal``: comments written before it are public."""
    upgrade(engine, "0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO person (id, first_name, last_name, email, active, role, created_at) "
                "VALUES (1, 'A', 'B', 'a@b.c', :yes, 'artist', :now)"
            ),
            {"yes": True, "now": "2025-03-03 09:00:00"},
        )
        connection.execute(
            text(
                "INSERT INTO project (id, name, code, status, fps, created_at) "
                "VALUES (1, 'P', 'P', 'open', 24, :now)"
            ),
            {"now": "2025-03-03 09:00:00"},
        )
        connection.execute(
            text(
                "INSERT INTO task_type (id, name, short_name, color, for_entity) "
                "VALUES (1, 'T', 't', '#999999', 'asset')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO task_status (id, name, short_name, color, is_done, is_wip, is_retake) "
                "VALUES (1, 'S', 's', '#999999', :no, :no, :no)"
            ),
            {"no": False},
        )
        connection.execute(
            text(
                "INSERT INTO entity (id, kind, project_id, name, data, created_at, updated_at) "
                "VALUES (1, 'asset', 1, 'E', '{}', :now, :now)"
            ),
            {"now": "2025-03-03 09:00:00"},
        )
        connection.execute(
            text(
                "INSERT INTO task (id, project_id, entity_id, task_type_id, task_status_id, "
                "priority, created_at, updated_at) VALUES (1, 1, 1, 1, 1, 0, :now, :now)"
            ),
            {"now": "2025-03-03 09:00:00"},
        )
        connection.execute(
            text(
                "INSERT INTO comment (id, task_id, person_id, text, created_at) "
                "VALUES (1, 1, 1, 'hi', :now)"
            ),
            {"now": "2025-03-03 09:00:00"},
        )
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT internal FROM comment")).scalar() in (False, 0)
    assert schema_differences(engine) == []


def test_existing_statuses_keep_what_was_allowed(engine: Engine) -> None:
    """0006 adds the workflow rules: artists could set any status, clients none."""
    upgrade(engine, "0005")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO task_status (id, name, short_name, color, is_done, is_wip, is_retake) "
                "VALUES (1, 'Done', 'done', '#999999', :yes, :no, :no)"
            ),
            {"yes": True, "no": False},
        )
    upgrade(engine)
    with engine.connect() as connection:
        flags = connection.execute(
            text("SELECT is_artist_allowed, is_client_allowed FROM task_status")
        ).one()
    assert (bool(flags[0]), bool(flags[1])) == (True, False)


def test_entity_names_become_unique(engine: Engine) -> None:
    """0009 keys live entity names; duplicates written before it are renamed
    (the later ones, by id), deleted ones keep no key."""
    upgrade(engine, "0008")
    now = "2025-03-03 09:00:00"
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO project (id, name, code, status, fps, created_at) "
                "VALUES (1, 'P', 'P', 'open', 24, :now)"
            ),
            {"now": now},
        )
        connection.execute(text("INSERT INTO asset_type (id, name) VALUES (1, 'Prop')"))
        for ident, kind, name, deleted in [
            (1, "asset", "Lamp", None),
            (2, "asset", "LAMP", None),
            (3, "asset", "lamp", now),
            (4, "sequence", "SQ010", None),
            (5, "sequence", "SQ020", None),
            (6, "shot", "SH0010", None),
            (7, "shot", "SH0010", None),
            (8, "shot", "sh0010", None),
        ]:
            connection.execute(
                text(
                    "INSERT INTO entity (id, kind, project_id, name, data, created_at, "
                    "updated_at, deleted_at) VALUES (:id, :kind, 1, :name, '{}', :now, :now, "
                    ":deleted)"
                ),
                {"id": ident, "kind": kind, "name": name, "now": now, "deleted": deleted},
            )
        for ident in (1, 2, 3):
            connection.execute(
                text("INSERT INTO asset (id, asset_type_id) VALUES (:id, 1)"), {"id": ident}
            )
        for ident in (4, 5):
            connection.execute(text("INSERT INTO sequence (id) VALUES (:id)"), {"id": ident})
        for ident, sequence in [(6, 4), (7, 5), (8, 4)]:
            connection.execute(
                text(
                    "INSERT INTO shot (id, sequence_id, frame_in, frame_out) "
                    "VALUES (:id, :sequence, 1, 2)"
                ),
                {"id": ident, "sequence": sequence},
            )
    upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, name, name_key FROM entity ORDER BY id")).all()
    assert [tuple(row) for row in rows] == [
        (1, "Lamp", "asset::lamp"),
        (2, "LAMP (2)", "asset::lamp (2)"),
        (3, "lamp", None),
        (4, "SQ010", "sequence::sq010"),
        (5, "SQ020", "sequence::sq020"),
        (6, "SH0010", "shot:4:sh0010"),
        (7, "SH0010", "shot:5:sh0010"),
        (8, "sh0010 (8)", "shot:4:sh0010 (8)"),
    ]
    assert schema_differences(engine) == []
