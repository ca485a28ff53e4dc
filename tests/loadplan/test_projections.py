"""Declared projections: lists and maps of a related collection, built in SQL."""

from __future__ import annotations

import re
from typing import Annotated, Any

import pytest
import strawberry
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine, String, cast, select
from sqlalchemy.orm import Session

import loadplan
import loadplan.strawberry as lp
from loadplan import PlanError, Selection, hint
from loadplan.pydantic import selection_from_model
from loadplan.strawberry import OptimizerExtension
from loadplan.testing import count_queries
from tests.loadplan.models import Entity, Person, Project, Task, TaskType

TYPES_BY_STATUS = loadplan.column_map(
    "tasks", "status.short_name", "task_type.name", order_by=["status.short_name"]
)
ASSIGNEE_NAMES = loadplan.column_list("assignees", "name", order_by=["-name"])
TASK_NAMES_BY_PRIORITY = loadplan.column_list("tasks", "name", order_by=["-priority"])


def _selection(**computed: loadplan.Computed) -> Selection:
    return Selection(
        "",
        children=(
            Selection("id"),
            *(Selection(name, hints=hint(annotate=value)) for name, value in computed.items()),
        ),
    )


def _both_modes(engine: Engine, cls: type[Any], selection: Selection, **options: Any) -> Any:
    """The first two rows in the row mode and the ORM mode: equal, in one statement each."""
    plan = loadplan.plan(cls, selection, **options)
    stmt = select(cls).order_by(cls.id).limit(2)
    with Session(engine) as session, count_queries(engine) as log:
        rows = plan.fetch(session, stmt, mode="rows").items
        objects = list(session.scalars(plan.apply(stmt)))
    assert log.count == 2
    names = [node.name for node in selection.children]
    from_objects = [{name: getattr(obj, name) for name in names} for obj in objects]
    assert [{name: row[name] for name in names} for row in rows] == from_objects
    return from_objects


def test_a_map_of_a_collection_in_the_declared_order(small: Engine) -> None:
    rows = _both_modes(small, Entity, _selection(types=TYPES_BY_STATUS))
    assert rows == [
        {"id": 1, "types": {"done": "Rigging", "todo": "Animation", "wip": "Modeling"}},
        {"id": 2, "types": {"done": "Rigging", "todo": "Animation", "wip": "Modeling"}},
    ]
    assert [list(row["types"]) for row in rows] == [["done", "todo", "wip"]] * 2


def test_a_list_of_one_column_through_a_secondary_table(small: Engine) -> None:
    rows = _both_modes(small, Task, _selection(people=ASSIGNEE_NAMES))
    assert rows == [
        {"id": 1, "people": ["Person 4", "Person 2"]},
        {"id": 2, "people": ["Person 5", "Person 3"]},
    ]


def test_a_list_ordered_by_a_column_it_does_not_return(small: Engine) -> None:
    rows = _both_modes(small, Entity, _selection(names=TASK_NAMES_BY_PRIORITY))
    assert rows == [
        {"id": 1, "names": ["task 1", "task 2", "task 3"]},
        {"id": 2, "names": ["task 4", "task 5", "task 6"]},
    ]


def test_an_empty_collection_is_an_empty_list_or_map(small: Engine) -> None:
    nothing = [lambda task, _context: task.id < 0]
    selection = _selection(
        names=loadplan.column_list("tasks", "name", where=nothing),
        types=loadplan.column_map("tasks", "name", "task_type.name", where=nothing),
    )
    assert _both_modes(small, Entity, selection) == [
        {"id": 1, "names": [], "types": {}},
        {"id": 2, "names": [], "types": {}},
    ]


def test_row_rules_apply_to_the_collection_and_its_to_ones(small: Engine) -> None:
    rules: loadplan.Rules = {
        Task: lambda task, _context: task.priority > 2,
        Person: lambda person, _context: person.name != "Person 4",
    }
    selection = Selection(
        "",
        children=(
            Selection("id"),
            Selection("names", hints=hint(annotate=TASK_NAMES_BY_PRIORITY)),
            Selection(
                "tasks", (Selection("id"), Selection("people", hints=hint(annotate=ASSIGNEE_NAMES)))
            ),
        ),
    )
    plan = loadplan.plan(Entity, selection, rules=rules)
    with Session(small) as session:
        rows = plan.fetch(session, select(Entity).order_by(Entity.id).limit(1), mode="rows").items
    assert rows[0]["names"] == ["task 1", "task 2"]
    assert [(t["id"], t["people"]) for t in rows[0]["tasks"]] == [
        (1, ["Person 2"]),
        (2, ["Person 5", "Person 3"]),
    ]


def _newest_first(task: Any, entity: Any, _context: Any) -> Any:
    # Reads the parent row in a subquery of its own (a position kept in a
    # link table would): SQLite must see the parent from there.
    project = (
        select(Project.id)
        .where(Project.id == entity.project_id)
        .correlate_except(Project)
        .scalar_subquery()
    )
    return (project * 0 + task.id).desc()


def test_a_computed_value_and_a_callable_order_reading_the_parent(small: Engine) -> None:
    labels = loadplan.column_list(
        "tasks",
        loadplan.Computed(
            lambda task, _context: task.name + "/" + cast(task.task_type_id, String), "label"
        ),
        order_by=[_newest_first],
    )
    rows = _both_modes(small, Entity, _selection(labels=labels))
    assert rows[0] == {"id": 1, "labels": ["task 3/3", "task 2/2", "task 1/1"]}


@pytest.mark.parametrize(
    ("projection", "message"),
    [
        (loadplan.column_list("name", "id"), "Entity.name: is not a collection"),
        (loadplan.column_list("tasks", "nope"), "Task.nope: is not a column (in 'nope')"),
        (
            loadplan.column_list("tasks", "assignees.name"),
            "Task.assignees: is not a to-one (in 'assignees.name')",
        ),
        (
            loadplan.column_list("tasks", "id", order_by=["status"]),
            "Task.status: is not a column (in 'status')",
        ),
    ],
)
def test_a_projection_that_reads_nothing_is_refused(
    small: Engine, projection: loadplan.Computed, message: str
) -> None:
    plan = loadplan.plan(Entity, _selection(bad=projection))
    with Session(small) as session, pytest.raises(PlanError, match=re.escape(message)):
        plan.fetch(session, select(Entity).limit(1), mode="rows")


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class EntityRow(_Out):
    id: int
    types: Annotated[dict[str, str], hint(annotate=TYPES_BY_STATUS)]
    task_names: Annotated[list[str], hint(annotate=TASK_NAMES_BY_PRIORITY)] = Field(
        validation_alias="names_by_priority"
    )


def test_a_response_model_declares_projections(small: Engine) -> None:
    selection = selection_from_model(Entity, EntityRow)
    plan = loadplan.plan(Entity, selection)
    with Session(small) as session, count_queries(small) as log:
        rows = plan.fetch(session, select(Entity).order_by(Entity.id).limit(1), mode="rows").items
    assert log.count == 1
    assert EntityRow.model_validate(rows[0]).model_dump() == {
        "id": 1,
        "types": {"done": "Rigging", "todo": "Animation", "wip": "Modeling"},
        "task_names": ["task 1", "task 2", "task 3"],
    }


KIND_BY_NAME = loadplan.column_map("entities", "name", "kind", order_by=["-name"])
ROLES = loadplan.column_list("memberships", "role", order_by=["role"])


@lp.type(Project, name="ProjectedProject")
class ProjectedProject:
    id: strawberry.auto
    kinds: strawberry.scalars.JSON = lp.field(annotate=KIND_BY_NAME)
    roles: list[str] = lp.field(annotate=ROLES)


@strawberry.type
class Query:
    @strawberry.field
    def projects(self) -> list[ProjectedProject]:
        return select(Project).order_by(Project.id).limit(1)  # type: ignore[return-value]


def test_a_strawberry_type_declares_projections(small: Engine) -> None:
    schema = strawberry.Schema(Query, extensions=[OptimizerExtension])
    with Session(small) as session, count_queries(small) as log:
        result = schema.execute_sync(
            "{ projects { id kinds roles } }", context_value={"session": session}
        )
    assert result.errors is None
    assert result.data == {
        "projects": [
            {
                "id": "1",
                "kinds": {
                    "shot 6": "shot",
                    "shot 4": "shot",
                    "shot 2": "shot",
                    "asset 5": "asset",
                    "asset 3": "asset",
                    "asset 1": "asset",
                },
                "roles": ["role0", "role1", "role2"],
            }
        ]
    }
    assert list(result.data["projects"][0]["kinds"]) == [
        "shot 6",
        "shot 4",
        "shot 2",
        "asset 5",
        "asset 3",
        "asset 1",
    ]
    assert log.count == 1


def test_an_absent_to_one_orders_last_or_first_when_descending(small: Engine) -> None:
    # The tasks of entity 1 are Modeling, Rigging and Animation; a rule hides
    # Rigging. Its task comes last ascending, first descending, on every
    # dialect (as PostgreSQL orders NULL; SQLite and MariaDB put it first).
    rules: loadplan.Rules = {TaskType: lambda task_type, _context: task_type.name != "Rigging"}
    selection = _selection(
        up=loadplan.column_list("tasks", "id", order_by=["task_type.name"]),
        down=loadplan.column_list("tasks", "id", order_by=["-task_type.name"]),
    )
    rows = _both_modes(small, Entity, selection, rules=rules)
    assert rows[0] == {"id": 1, "up": [3, 1, 2], "down": [2, 1, 3]}
