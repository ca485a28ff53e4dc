"""Soft-deleted rows vanish from every ORM read unless asked for, on every dialect."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, joinedload, selectinload

from loadplan.testing import count_queries
from shotline.models import (
    INCLUDE_DELETED,
    Asset,
    AssetType,
    Base,
    Entity,
    Project,
    Shot,
    Task,
)
from tests.async_databases import async_engine_of, close
from tests.databases import IsolatedDatabase
from tests.shotline.conftest import Production


@pytest.fixture
def tasks(session: Session, production: Production) -> tuple[int, int]:
    """The asset's live modeling task and soft-deleted rigging task, as ids.

    The session is emptied so that every test reads from the database.
    """
    live = production.task(production.asset, production.modeling)
    deleted = production.task(production.asset, production.rigging)
    session.add_all([live, deleted])
    session.flush()
    deleted.soft_delete()
    session.flush()
    session.expunge_all()
    return live.id, deleted.id


def test_select_leaves_deleted_rows_out(session: Session, tasks: tuple[int, int]) -> None:
    live, _ = tasks
    assert [t.id for t in session.scalars(select(Task))] == [live]


def test_a_statement_run_again_is_filtered_by_the_same_statement(
    session: Session, tasks: tuple[int, int]
) -> None:
    """A statement executed twice (loadplan keeps its batched statements)
    reuses its filtered form, and still reads the rows as they are now."""
    live, _ = tasks
    statement = select(Task.id).order_by(Task.id)
    sent = []

    def record(state: ORMExecuteState) -> None:
        sent.append(state.statement)

    event.listen(session, "do_orm_execute", record)
    try:
        first = session.scalars(statement).all()
        session.get_one(Task, live).soft_delete()
        session.flush()
        second = session.scalars(statement).all()
    finally:
        event.remove(session, "do_orm_execute", record)

    assert (first, second) == ([live], [])
    # The listener above runs after Shotline's, which replaced the statement.
    assert sent[0] is not statement
    assert sent[0] is sent[-1]


def test_selectinload_leaves_deleted_rows_out(session: Session, tasks: tuple[int, int]) -> None:
    live, _ = tasks
    asset = session.scalars(select(Asset).options(selectinload(Asset.tasks))).one()
    assert [t.id for t in asset.tasks] == [live]


def test_joinedload_leaves_deleted_rows_out(session: Session, tasks: tuple[int, int]) -> None:
    live, _ = tasks
    asset = session.scalars(select(Asset).options(joinedload(Asset.tasks))).unique().one()
    assert [t.id for t in asset.tasks] == [live]


def test_lazy_load_leaves_deleted_rows_out(session: Session, tasks: tuple[int, int]) -> None:
    live, _ = tasks
    asset = session.scalars(select(Entity).where(Entity.kind == "asset")).one()
    assert [t.id for t in asset.tasks] == [live]


def test_counts_and_aggregates_leave_deleted_rows_out(
    session: Session, tasks: tuple[int, int]
) -> None:
    assert session.scalar(select(func.count(Task.id))) == 1
    assert session.scalar(select(func.count()).select_from(Task)) == 1
    asset_id = session.scalars(select(Asset.id)).one()
    assert session.execute(select(Task.entity_id, func.count()).group_by(Task.entity_id)).all() == [
        (asset_id, 1)
    ]
    # Correlated subqueries too: the shape of computed fields such as task counts.
    task_count = select(func.count(Task.id)).where(Task.entity_id == Asset.id).scalar_subquery()
    assert session.execute(select(Asset.id, task_count)).all() == [(asset_id, 1)]


def test_the_filter_is_added_once_per_statement(session: Session, tasks: tuple[int, int]) -> None:
    with count_queries(session) as log:
        session.scalars(select(Asset).options(selectinload(Asset.tasks))).one()
    assert len(log) == 2
    assert [sql.lower().count("deleted_at is null") for sql in log.sql] == [1, 1]


def test_a_deleted_entity_hides_from_joins_and_typed_lists(
    session: Session, production: Production, tasks: tuple[int, int]
) -> None:
    shot = session.get_one(Shot, production.shot.id)
    animation = Task(
        project_id=shot.project_id,
        entity_id=shot.id,
        task_type_id=production.animation.id,
        task_status_id=production.todo.id,
    )
    session.add(animation)
    shot.soft_delete()
    session.flush()
    session.expunge_all()

    project = session.get_one(Project, production.project.id)
    assert project.shots == []
    assert project.sequences[0].shots == []
    # The shot's task itself is live, but reached through its deleted shot it is not.
    assert session.get(Task, animation.id) is not None
    assert (
        session.scalars(select(Task).join(Task.entity).where(Task.id == animation.id)).all() == []
    )


def test_include_deleted_shows_them_in_the_statement_and_its_loads(
    session: Session, tasks: tuple[int, int]
) -> None:
    everything = {INCLUDE_DELETED: True}
    assert sorted(
        t.id for t in session.scalars(select(Task), execution_options=everything)
    ) == sorted(tasks)
    assert len(session.scalars(select(Task).execution_options(**everything)).all()) == 2
    asset = session.scalars(select(Asset).execution_options(**everything)).one()
    assert sorted(t.id for t in asset.tasks) == sorted(tasks)
    assert session.scalar(select(func.count(Task.id)).execution_options(**everything)) == 2


def test_get_finds_a_deleted_row_only_when_asked(session: Session, tasks: tuple[int, int]) -> None:
    _, deleted = tasks
    assert session.get(Task, deleted) is None
    task = session.get_one(Task, deleted, execution_options={INCLUDE_DELETED: True})
    assert task.is_deleted


def test_a_deleted_row_can_be_refreshed_and_restored(
    session: Session, tasks: tuple[int, int]
) -> None:
    _, deleted = tasks
    task = session.get_one(Task, deleted, execution_options={INCLUDE_DELETED: True})
    session.expire(task)
    assert task.is_deleted  # the refresh is not filtered, so the row is still found
    task.restore()
    session.flush()
    session.expunge_all()
    assert len(session.scalars(select(Task)).all()) == 2


@pytest.fixture
async def async_session(
    dialect: str, make_database: Callable[[str], IsolatedDatabase]
) -> AsyncIterator[AsyncSession]:
    database = make_database(dialect)
    engine = async_engine_of(database)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    async with AsyncSession(engine) as session:
        yield session
    await close(database)


async def test_async_sessions_are_filtered_too(async_session: AsyncSession) -> None:
    project = Project(name="Paper Moon", code="PPM")
    prop = AssetType(name="Prop")
    lamp, kettle = (Asset(project=project, name=n, asset_type=prop) for n in ("Lamp", "Kettle"))
    async_session.add_all([lamp, kettle])
    await async_session.flush()
    kettle.soft_delete()
    await async_session.commit()

    assert [a.name for a in await async_session.scalars(select(Asset))] == ["Lamp"]
    assert await async_session.scalar(select(func.count(Entity.id))) == 1
