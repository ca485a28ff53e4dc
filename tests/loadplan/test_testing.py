from __future__ import annotations

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, insert, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from loadplan.testing import assert_queries, count_queries
from tests.databases import IsolatedDatabase

metadata = MetaData()
widgets = Table(
    "widgets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(50), nullable=False),
)


@pytest.fixture
def widget_engine(engine: Engine) -> Engine:
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(widgets), [{"id": 1, "name": "bolt"}, {"id": 2, "name": "nut"}])
    return engine


def test_records_text_and_parameters(widget_engine: Engine) -> None:
    with widget_engine.connect() as conn, count_queries(widget_engine) as log:
        rows = conn.execute(select(widgets.c.name).where(widgets.c.id == 2)).all()
    assert rows == [("nut",)]
    assert log.count == 1
    assert "FROM widgets" in log[0].sql
    assert 2 in tuple(log[0].params.values() if isinstance(log[0].params, dict) else log[0].params)
    assert log[0].error is None
    assert log[0].duration is not None
    assert log[0].duration >= 0


def test_executemany_is_one_statement(widget_engine: Engine) -> None:
    with widget_engine.begin() as conn, count_queries(widget_engine) as log:
        conn.execute(insert(widgets), [{"id": 10 + i, "name": f"w{i}"} for i in range(5)])
    assert log.count == 1
    assert log[0].executemany


def test_failing_statement_is_recorded_with_its_error(widget_engine: Engine) -> None:
    with count_queries(widget_engine) as log, widget_engine.connect() as conn:
        with pytest.raises(DBAPIError):
            conn.execute(text("SELECT no_such_column FROM widgets"))
        conn.rollback()
        conn.execute(text("SELECT 1"))
    assert log.count == 2
    assert "no_such_column" in log[0].sql
    assert isinstance(log[0].error, Exception)
    assert log[1].error is None


def test_nested_blocks_each_see_their_own_statements(widget_engine: Engine) -> None:
    with widget_engine.connect() as conn, count_queries(widget_engine) as outer:
        conn.execute(text("SELECT 1"))
        with count_queries(widget_engine) as inner:
            conn.execute(text("SELECT 2"))
            conn.execute(text("SELECT 3"))
        conn.execute(text("SELECT 4"))
    assert [s.sql for s in inner] == ["SELECT 2", "SELECT 3"]
    assert [s.sql for s in outer] == ["SELECT 1", "SELECT 2", "SELECT 3", "SELECT 4"]


def test_other_engines_are_not_counted(widget_engine: Engine, db: IsolatedDatabase) -> None:
    other = db.engine()
    with count_queries(widget_engine) as mine, count_queries() as everything:
        with other.connect() as conn:
            conn.execute(text("SELECT 1"))
        with widget_engine.connect() as conn:
            conn.execute(text("SELECT 2"))
    assert mine.sql == ["SELECT 2"]
    assert everything.sql == ["SELECT 1", "SELECT 2"]


def test_session_opened_before_the_block_is_counted(widget_engine: Engine) -> None:
    with Session(widget_engine) as session:
        session.execute(select(widgets)).all()
        with count_queries(session) as log:
            session.execute(select(widgets.c.id)).all()
    assert log.count == 1


def test_assert_queries_lists_the_statements_on_failure(widget_engine: Engine) -> None:
    with (  # noqa: PT012
        pytest.raises(AssertionError) as failure,
        assert_queries(1, widget_engine),
        widget_engine.connect() as conn,
    ):
        conn.execute(select(widgets.c.name).where(widgets.c.id == 1))
        conn.execute(text("SELECT 42"))
    message = str(failure.value)
    assert message.startswith("expected 1 statement(s), got 2:\n1. SELECT")
    assert "\n2. SELECT 42\n" in message


def test_assert_queries_passes_on_the_exact_count(widget_engine: Engine) -> None:
    with assert_queries(2, widget_engine), widget_engine.connect() as conn:
        conn.execute(text("SELECT 1"))
        conn.execute(text("SELECT 2"))


async def test_async_engine_and_session(async_engine: AsyncEngine) -> None:
    async with async_engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
        await conn.execute(insert(widgets), [{"id": 1, "name": "bolt"}])
    async with AsyncSession(async_engine) as session:
        with count_queries(async_engine) as by_engine, count_queries(session) as by_session:
            names = (await session.execute(select(widgets.c.name))).scalars().all()
            with pytest.raises(DBAPIError):
                await session.execute(text("SELECT missing FROM widgets"))
    assert names == ["bolt"]
    assert by_engine.count == by_session.count == 2
    assert by_session[1].error is not None
