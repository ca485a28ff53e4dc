"""One object per strategy, found by a lookup, used by both modes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

import loadplan
from loadplan import Selection, Strategy
from loadplan.execution.strategies import (
    Batched,
    Joined,
    Load,
    ObjectLoading,
    RowLoading,
    Windowed,
    load_of,
)
from loadplan.plans import RelationshipPlan
from loadplan.testing import count_queries
from tests.loadplan.models import Task


def test_each_strategy_has_its_object() -> None:
    plan = loadplan.plan(
        Task,
        Selection.of(
            "status.name",
            "comments.text",
            Selection(
                "assignees", children=(Selection("name"),), arguments=loadplan.Arguments(limit=1)
            ),
        ),
    )
    loads = [load_of(rel) for rel in plan.root.relationships]
    assert [type(load) for load in loads] == [Joined, Batched, Windowed]
    assert [(load.joined, load.after_parent, load.keeps_total) for load in loads] == [
        (True, False, False),
        (False, False, False),
        (False, True, True),
    ]


@pytest.fixture
def counting() -> Iterator[list[str]]:
    """A batched strategy that records each mode's calls, in place of the
    built-in one for as long as the test runs."""
    calls: list[str] = []

    class CountingBatched(Batched):
        def load_objects(
            self, mode: ObjectLoading, rel: RelationshipPlan, parents: Sequence[Any]
        ) -> list[Any]:
            calls.append(f"objects {rel.key}")
            return super().load_objects(mode, rel, parents)

        def load_rows(
            self, mode: RowLoading, rel: RelationshipPlan, parents: Sequence[dict[str, Any]]
        ) -> list[dict[str, Any]]:
            calls.append(f"rows {rel.key}")
            return super().load_rows(mode, rel, parents)

    try:
        yield calls
    finally:
        Load._registry[Strategy.SELECTIN] = Batched()


def test_both_modes_dispatch_to_the_registered_object(small: Engine, counting: list[str]) -> None:
    # The ORM mode loads the comments by the statement's option, then walks
    # through them (the strategy's load_objects) to the windowed list below.
    page = loadplan.Arguments(limit=1)
    below = Selection("subtasks", children=(Selection("name"),), arguments=page)
    selection = Selection.of(
        "name",
        Selection(
            "comments",
            children=(Selection("text"), Selection("task", children=(below,))),
        ),
    )
    plan = loadplan.plan(Task, selection)
    stmt = select(Task).order_by(Task.id).limit(2)
    with Session(small) as session, count_queries(small) as log:
        plan.fetch(session, stmt, mode="rows")
        session.scalars(plan.apply(stmt)).all()
    assert counting == ["rows comments", "objects comments"]
    assert log.count == 2 * plan.statement_count() == 6
