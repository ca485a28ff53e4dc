"""Batched statements kept across requests: reused only when the request
builds the same SQL (arguments, rule and criteria values, computed
expressions), in both modes."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import DateTime, Engine, Integer, bindparam, column, literal, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

import loadplan
from loadplan import Arguments, Selection
from loadplan.execution import batches
from loadplan.execution.statement_cache import StatementCache, fingerprint, value_key
from tests.loadplan.models import Entity, Project, Status, Task

MODES = ["rows", "orm"]


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    batches._batches.clear()
    yield
    batches._batches.clear()


def _tasks_of_entities(**task_arguments: Any) -> Selection:
    """Entities, their tasks (batched) with the status joined in."""
    return Selection.of(
        "name",
        Selection(
            "tasks",
            children=(Selection("priority"), Selection("status", children=(Selection("name"),))),
            arguments=Arguments(**task_arguments),
        ),
    )


def _run(engine: Engine, mode: str, selection: Selection, **options: Any) -> list[Any]:
    """Each entity's tasks as (priority, status name or None), in either mode."""
    plan = loadplan.plan(Entity, selection, **options)
    stmt = select(Entity).order_by(Entity.id)
    with Session(engine) as session:
        if mode == "rows":
            return [
                [(t["priority"], t["status"] and t["status"]["name"]) for t in e["tasks"]]
                for e in plan.fetch(session, stmt, mode="rows").items
            ]
        return [
            [(t.priority, t.status and t.status.name) for t in loadplan.related(e, "tasks")]
            for e in session.scalars(plan.apply(stmt)).unique()
        ]


def _expected(engine: Engine, min_priority: int = 0, done: bool | None = None) -> list[Any]:
    with Session(engine) as session:
        out = []
        for entity in session.scalars(select(Entity).order_by(Entity.id)):
            tasks = [t for t in entity.tasks if t.priority >= min_priority]
            out.append(
                [
                    (
                        t.priority,
                        t.status.name if done is None or t.status.is_done == done else None,
                    )
                    for t in tasks
                ]
            )
        return out


@pytest.mark.parametrize("mode", MODES)
def test_a_repeated_request_reuses_its_batched_statements(small: Engine, mode: str) -> None:
    selection = _tasks_of_entities()
    first = _run(small, mode, selection)
    kept = len(batches._batches)
    second = _run(small, mode, selection)

    assert first == second == _expected(small)
    # Rows: the tasks statement (the status is joined into it). ORM: the
    # tasks are a selectin load of SQLAlchemy's, which builds its own.
    assert kept == (1 if mode == "rows" else 0)
    assert len(batches._batches) == kept


@pytest.mark.parametrize("mode", MODES)
def test_rule_values_of_each_request_are_kept_apart(small: Engine, mode: str) -> None:
    def high_priority(task: Any, context: Any) -> Any:
        return task.priority >= context["min"]

    selection = _tasks_of_entities(limit=10)
    runs = [
        _run(small, mode, selection, rules={Task: high_priority}, context={"min": least})
        for least in (4, 2, 4)
    ]

    assert runs[0] == runs[2] == _expected(small, min_priority=4)
    assert runs[1] == _expected(small, min_priority=2)
    assert runs[0] != runs[1]
    # Two values of the rule, two statements; the third request reused the first's.
    assert len(batches._batches) == 2


def test_rules_on_a_joined_to_one_are_part_of_the_key(small: Engine) -> None:
    def done_as_asked(status: Any, context: Any) -> Any:
        return status.is_done == context["done"]

    selection = _tasks_of_entities()
    runs = [
        _run(small, "rows", selection, rules={Status: done_as_asked}, context={"done": done})
        for done in (True, False)
    ]

    assert runs == [_expected(small, done=True), _expected(small, done=False)]
    assert len(batches._batches) == 2


@pytest.mark.parametrize("mode", MODES)
def test_page_arguments_of_each_request_are_kept_apart(small: Engine, mode: str) -> None:
    runs = [_run(small, mode, _tasks_of_entities(limit=limit)) for limit in (1, 2, 1)]

    every = _expected(small)
    assert runs[0] == runs[2] == [tasks[:1] for tasks in every]
    assert runs[1] == [tasks[:2] for tasks in every]
    assert len(batches._batches) == 2


def test_computed_expressions_from_the_context_are_part_of_the_key(small: Engine) -> None:
    def bonus(context: Any) -> ColumnElement[Any]:
        return literal(context["bonus"]) + Task.priority

    selection = Selection.of(
        "name",
        Selection(
            "tasks",
            children=(
                Selection("priority"),
                Selection("boosted", hints=loadplan.hint(annotate={"boosted": bonus})),
            ),
        ),
    )
    stmt = select(Entity).order_by(Entity.id)
    boosted = []
    for extra in (10, 100, 10):
        plan = loadplan.plan(Entity, selection, context={"bonus": extra})
        with Session(small) as session:
            rows = plan.fetch(session, stmt, mode="rows").items
        boosted.append({t["boosted"] - t["priority"] for e in rows for t in e["tasks"]})

    assert boosted == [{10}, {100}, {10}]
    assert len(batches._batches) == 2


def test_fingerprints_follow_structure_and_bound_values() -> None:
    priority = column("priority", Integer)
    due = column("due", DateTime())

    assert fingerprint([priority > 1]) == fingerprint([priority > 1])
    assert fingerprint([priority > 1]) != fingerprint([priority > 2])
    assert fingerprint([priority > 1]) != fingerprint([priority >= 1])
    assert fingerprint([priority.in_([1, 2])]) != fingerprint([priority.in_([1, 3])])
    # Equal in Python, not as parameters.
    assert fingerprint([priority == 1]) != fingerprint([priority == 1.0])
    assert fingerprint([priority == 1]) != fingerprint([priority == literal(True)])
    noon_in_paris = dt.datetime(2025, 6, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    same_instant = dt.datetime(2025, 6, 1, 10, tzinfo=dt.UTC)
    assert noon_in_paris == same_instant
    assert fingerprint([due > noon_in_paris]) != fingerprint([due > same_instant])
    assert fingerprint([]) == ()


def test_equal_values_that_bind_differently_are_apart() -> None:
    assert value_key((1, 2)) == value_key((1, 2))
    assert len({value_key(v) for v in (1, 1.0, True)}) == 3
    assert value_key(decimal.Decimal("1.0")) != value_key(decimal.Decimal("1.00"))
    assert value_key(0.0) != value_key(-0.0)
    assert value_key([{"a": 1}]) is value_key({"b": 2})


def test_a_value_computed_at_execution_is_not_kept() -> None:
    priority = column("priority", Integer)
    assert fingerprint([priority == bindparam("p", callable_=lambda: 1)]) is None


def test_what_cannot_be_keyed_is_built_every_time() -> None:
    priority = column("priority", Integer)
    unhashable = priority == bindparam("p", value={"a": 1})
    builds: list[int] = []
    cache: StatementCache[int] = StatementCache(4)
    owner = object()

    def build() -> int:
        builds.append(1)
        return len(builds)

    assert fingerprint([unhashable]) is None
    assert [cache.get(owner, ("k",), [unhashable], build) for _ in range(2)] == [1, 2]
    assert [cache.get(owner, ({"unhashable": 1},), [], build) for _ in range(2)] == [3, 4]
    assert [cache.get(owner, ("k",), [true()], build) for _ in range(2)] == [5, 5]
    assert len(cache) == 1


def test_a_declared_key_keeps_what_it_built_unless_its_parts_cannot_be_keyed() -> None:
    priority = column("priority", Integer)
    plain = priority == bindparam("p", value=1)
    computed = priority == bindparam("p", callable_=lambda: 1)
    builds: list[str] = []
    cache: StatementCache[int] = StatementCache(4)
    owner = object()

    def build(part: ColumnElement[bool]) -> tuple[int, list[ColumnElement[bool]]]:
        builds.append("built")
        return len(builds), [part]

    assert [cache.get_declared(owner, ("plain",), lambda: build(plain)) for _ in range(2)] == [1, 1]
    assert [
        cache.get_declared(owner, ("computed",), lambda: build(computed)) for _ in range(2)
    ] == [
        2,
        3,
    ]
    # Values apart as everywhere in the cache: 1 and True are two keys.
    assert cache.get_declared(owner, (1,), lambda: build(plain)) == 4
    assert cache.get_declared(owner, (True,), lambda: build(plain)) == 5
    assert len(cache) == 3


def test_the_least_recently_used_statement_goes_first() -> None:
    cache: StatementCache[str] = StatementCache(2)
    owners = [object(), object(), object()]

    for owner in owners[:2]:
        cache.get(owner, ("k",), [], lambda o=owner: f"built for {id(o)}")
    cache.get(owners[0], ("k",), [], lambda: "rebuilt")
    cache.get(owners[2], ("k",), [], lambda: "third")

    assert cache.get(owners[0], ("k",), [], lambda: "rebuilt") == f"built for {id(owners[0])}"
    assert cache.get(owners[1], ("k",), [], lambda: "rebuilt") == "rebuilt"
    assert len(cache) == 2


def test_one_parent_and_several_parents_get_their_own_statements(small: Engine) -> None:
    """A single parent's page is read with LIMIT, several parents' are ranked."""
    selection = Selection.of(
        "name", Selection("entities", children=(Selection("name"),), arguments=Arguments(limit=2))
    )
    plan = loadplan.plan(Project, selection)
    with Session(small) as session:
        one = plan.fetch(session, select(Project).where(Project.id == 1), mode="rows").items
        both = plan.fetch(session, select(Project).order_by(Project.id), mode="rows").items
        again = plan.fetch(session, select(Project).where(Project.id == 1), mode="rows").items

    assert [len(p["entities"]) for p in both] == [2, 2]
    assert one == again == both[:1]
    assert len(batches._batches) == 2
