"""Data sets and helpers shared by the loadplan tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, Select, select
from sqlalchemy.orm import Session

import loadplan
from loadplan.testing import QueryLog, count_queries
from tests.databases import IsolatedDatabase
from tests.loadplan.data import SIZES, populate


@pytest.fixture(scope="session", autouse=True)
def _strict_plans() -> None:
    loadplan.configure(strict="raise")


def _dataset(
    dialect: str, make_database: Callable[[str], IsolatedDatabase], size: int
) -> Iterator[IsolatedDatabase]:
    database = make_database(dialect)
    populate(database.engine(), size, every_parent_has_children=True)
    yield database
    database.close_sync()


@pytest.fixture(scope="module")
def small_database(
    dialect: str, make_database: Callable[[str], IsolatedDatabase]
) -> Iterator[IsolatedDatabase]:
    """2 projects x 6 entities, 3 tasks each, every level populated."""
    yield from _dataset(dialect, make_database, 3)


def execute_without_errors(
    engine: Engine, schema: Any, query: str, variables: dict[str, Any] | None = None
) -> tuple[dict[str, Any], QueryLog]:
    """Runs ``query`` on ``schema`` in a session of ``engine``, asserts that it
    answered without errors, and gives its data and the statements it ran."""
    with Session(engine) as session, count_queries(engine) as log:
        result = schema.execute_sync(
            query, variable_values=variables, context_value={"session": session}
        )
    assert result.errors is None, result.errors
    data: dict[str, Any] = result.data
    return data, log


@pytest.fixture(scope="module")
def small(small_database: IsolatedDatabase) -> Engine:
    engine = small_database.engines[0]
    assert isinstance(engine, Engine)
    return engine


@pytest.fixture(scope="module")
def large(dialect: str, make_database: Callable[[str], IsolatedDatabase]) -> Iterator[Engine]:
    """2 projects x 180 entities: 1,080 tasks, 2,160 comments."""
    for database in _dataset(dialect, make_database, 90):
        yield database.engines[0]  # type: ignore[misc]


def load(
    engine: Engine,
    cls: type[Any],
    selection: loadplan.Selection,
    stmt: Select[Any] | None = None,
    **options: Any,
) -> tuple[list[Any], QueryLog, loadplan.Plan]:
    """Run ``selection`` planned on ``stmt`` (default ``select(cls)``, ordered by id)."""
    plan = loadplan.plan(cls, selection, **options)
    base = stmt if stmt is not None else select(cls).order_by(cls.id)
    with Session(engine) as session, count_queries(engine) as log:
        objects = list(session.scalars(plan.apply(base)).unique())
    return objects, log, plan


def naive(
    engine: Engine, cls: type[Any], selection: loadplan.Selection, stmt: Select[Any] | None = None
) -> Any:
    """The same selection read with SQLAlchemy's default lazy loading."""
    base = stmt if stmt is not None else select(cls).order_by(cls.id)
    with Session(engine) as session:
        return [dump(obj, selection, planned=False) for obj in session.scalars(base)]


def _page(items: list[Any], arguments: loadplan.Arguments) -> list[Any]:
    for order in reversed(arguments.order_by):
        items = sorted(
            items, key=lambda o, p=order.path: _read_path(o, p), reverse=order.descending
        )
    for f in arguments.filters:
        assert f.op is loadplan.Operator.EQ, "the naive reader only knows equality filters"
        items = [o for o in items if _read_path(o, f.path) == f.value]
    start = arguments.offset or 0
    end = None if arguments.limit is None else start + arguments.limit
    return items[start:end]


def _read_path(obj: Any, path: str) -> Any:
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def dump(obj: Any, selection: loadplan.Selection, planned: bool = True) -> Any:
    """Plain data for ``obj`` along ``selection``, read the planned way or lazily."""
    if obj is None:
        return None
    out: dict[str, Any] = {}
    for node in selection.children:
        if node.type_condition and type(obj).__name__ != node.type_condition:
            continue
        if planned:
            value = (
                loadplan.related(obj, node.name, node.key)
                if node.children or node.arguments
                else loadplan.value(obj, node.name)
            )
        else:
            value = getattr(obj, node.name)
            if isinstance(value, list) and node.arguments:
                value = _page(list(value), node.arguments)
        if isinstance(value, list):
            out[node.key] = [dump(item, node, planned) for item in value]
        elif node.children:
            out[node.key] = dump(value, node, planned)
        else:
            out[node.key] = value
    return out


@pytest.fixture(scope="module")
def datasets(
    dialect: str, make_database: Callable[[str], IsolatedDatabase]
) -> Iterator[dict[int, Engine]]:
    """One isolated, read-only database per size, built once per dialect."""
    databases: list[IsolatedDatabase] = []
    engines: dict[int, Engine] = {}
    try:
        for size in SIZES:
            database = make_database(dialect)
            databases.append(database)
            engine = database.engine()
            populate(engine, size, every_parent_has_children=True)
            engines[size] = engine
        yield engines
    finally:
        for database in databases:
            database.close_sync()
