"""One storage rule for a relationship loaded several ways: the same layout
on objects and on rows, read by the same functions from an object, a row
view or a row dict."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

import loadplan
from loadplan import Arguments, Order, Selection
from loadplan.testing import count_queries
from loadplan.views import view_of
from tests.loadplan.models import Entity, Project

PAGE = Arguments(order_by=(Order("id", descending=True),), limit=1)

# Every task of each entity for the model property, a page of them as
# ``tasks``, and the latest one again under an alias; the project's entities
# (the same objects) with all their tasks.
SELECTION = Selection.of(
    "name",
    "task_names",
    Selection("tasks", children=(Selection("name"),), arguments=PAGE),
    Selection("tasks", alias="latest", children=(Selection("name"),), arguments=PAGE),
    Selection(
        "project",
        children=(
            Selection("entities", children=(Selection("tasks", children=(Selection("name"),)),)),
        ),
    ),
)


def _layout(found: dict[str, Any]) -> dict[str, Any]:
    """What the rule put in an object's or a row's dict, as plain data."""

    def plain(value: Any) -> Any:
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return value["name"]
        return getattr(value, "name", value)

    keys = ("tasks", "@tasks", "tasks@total", "@latest", "latest@total")
    return {key: plain(found[key]) for key in keys if key in found}


def _read(target: Any) -> tuple[Any, ...]:
    return (
        [loadplan.value(t, "name") for t in loadplan.related(target, "tasks", "tasks")],
        [loadplan.value(t, "name") for t in loadplan.related(target, "tasks", "latest")],
        loadplan.total_count(target, "tasks"),
        loadplan.total_count(target, "latest"),
        loadplan.value(target, "task_names"),
    )


def test_both_modes_keep_the_same_layout_and_read_the_same(small: Engine) -> None:
    plan = loadplan.plan(Entity, SELECTION, strict="raise")
    stmt = select(Entity).where(Entity.id == 1)
    with Session(small) as session, count_queries(small) as orm_log:
        (obj,) = session.scalars(plan.apply(stmt)).all()
        from_objects = _read(obj)
        objects_layout = _layout(vars(obj))
    with Session(small) as session, count_queries(small) as rows_log:
        (row,) = plan.fetch(session, stmt, mode="rows").items
    assert orm_log.count == rows_log.count == plan.statement_count() == 5
    assert (
        _layout(row)
        == objects_layout
        == {
            "tasks": ["task 1", "task 2", "task 3"],
            "@tasks": ["task 3"],
            "tasks@total": 3,
            "@latest": ["task 3"],
            "latest@total": 3,
        }
    )
    assert (
        from_objects
        == _read(row)
        == _read(view_of(row, Entity))
        == (
            ["task 3"],
            ["task 3"],
            3,
            3,
            ["task 1", "task 2", "task 3"],
        )
    )


def test_the_attribute_keeps_the_list_another_path_loaded_whole(small: Engine) -> None:
    # The project's entities are the entities' project's entities: on
    # objects (one per row, by identity) the page of tasks is kept beside
    # the attribute the full list fills; rows of the two paths are apart.
    inner = Selection("entities", children=(Selection("tasks", children=(Selection("name"),)),))
    selection = Selection.of(
        Selection(
            "entities",
            children=(
                Selection("name"),
                Selection("tasks", children=(Selection("name"),), arguments=PAGE),
                Selection("project", children=(inner,)),
            ),
        )
    )
    plan = loadplan.plan(Project, selection, strict="raise")
    stmt = select(Project).where(Project.id == 1)
    with Session(small) as session:
        (project,) = session.scalars(plan.apply(stmt)).all()
        objects = [
            [t.name for t in loadplan.related(e, "tasks", "tasks")] for e in project.entities
        ]
        full = [len(e.tasks) for e in project.entities]
    with Session(small) as session:
        (row,) = plan.fetch(session, stmt, mode="rows").items
    rows = [[t["name"] for t in loadplan.related(e, "tasks", "tasks")] for e in row["entities"]]
    inner_rows = [len(e["tasks"]) for e in row["entities"][0]["project"]["entities"]]
    assert rows == objects
    assert objects[0] == ["task 3"]
    assert full == inner_rows == [3] * len(full)
