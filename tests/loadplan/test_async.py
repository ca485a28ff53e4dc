"""Plans apply identically to AsyncSession, and nothing lazy can happen there."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy import select
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

import loadplan
from loadplan import Arguments, Order, Selection
from loadplan.testing import count_queries
from tests.async_databases import async_engine_of, close
from tests.databases import IsolatedDatabase
from tests.loadplan.conftest import dump
from tests.loadplan.data import populate
from tests.loadplan.models import Entity, Project, Task


@pytest.fixture
async def database(
    dialect: str, make_database: Callable[[str], IsolatedDatabase]
) -> AsyncIterator[IsolatedDatabase]:
    database = make_database(dialect)
    populate(database.engine(), 3, every_parent_has_children=True)
    yield database
    await close(database)


@pytest.fixture
def populated(database: IsolatedDatabase) -> AsyncEngine:
    return async_engine_of(database)


SELECTION = Selection.of(
    "code",
    Selection(
        "entities",
        children=(
            Selection("name"),
            Selection("asset_type", type_condition="Asset"),
            Selection(
                "tasks",
                arguments=Arguments(order_by=(Order("id", descending=True),), limit=2),
                children=(
                    Selection("name"),
                    Selection("status", children=(Selection("short_name"),)),
                ),
            ),
            Selection("task_count", hints=loadplan.hint(annotate=loadplan.count("tasks"))),
        ),
    ),
    "memberships.person.name",
)


async def test_async_session_issues_the_planned_statements(
    populated: AsyncEngine, database: IsolatedDatabase
) -> None:
    plan = loadplan.plan(Project, SELECTION)
    async with AsyncSession(populated) as session:
        with count_queries(populated) as log:
            projects = (
                await session.scalars(plan.apply(select(Project).order_by(Project.id)))
            ).all()
        log.assert_count(plan.statement_count())
        assert plan.statement_count() == 4
        first = projects[0]
        assert [e.task_count for e in first.entities] == [3] * 6
        assert [t.name for t in first.entities[0].tasks] == ["task 3", "task 2"]
        assert loadplan.total_count(first.entities[0], "tasks") == 3
        data = [dump(p, SELECTION) for p in projects]

    with Session(database.engine()) as session:
        sync_projects = session.scalars(plan.apply(select(Project).order_by(Project.id))).all()
        assert [dump(p, SELECTION) for p in sync_projects] == data


async def test_unplanned_access_raises_under_async(populated: AsyncEngine) -> None:
    plan = loadplan.plan(Task, Selection.of("name"))
    async with AsyncSession(populated) as session:
        task = (await session.scalars(plan.apply(select(Task).order_by(Task.id)))).first()
        assert task is not None
        with pytest.raises(InvalidRequestError, match=r"Task\.entity"):
            _ = task.entity
        entity = (
            await session.scalars(loadplan.plan(Entity, Selection.of("name")).apply(select(Entity)))
        ).first()
        with pytest.raises(InvalidRequestError, match="description"):
            _ = entity.description
