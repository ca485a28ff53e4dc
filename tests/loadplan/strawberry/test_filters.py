"""``isNull`` on a nullable to-one of a generated filter: at the root and in
nested lists, with the to-one's other conditions and AND / OR / NOT, the
same answer in the ORM, row and JSON modes, in the statements each costs."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.loadplan.conftest import execute_without_errors
from tests.loadplan.strawberry.test_documents import JSON, ORM, ROWS, answer

# (id, query, statements in the ORM and row modes, the small set's data).
# Each entity's first task has no parent; its two others have the first.
CASES: list[tuple[str, str, int, Any]] = [
    (
        "absent",
        "{ tasks(filter: {parent: {isNull: true}}, limit: 3) { id } }",
        1,
        {"tasks": [{"id": "1"}, {"id": "4"}, {"id": "7"}]},
    ),
    (
        "present, with the to-one's other conditions",
        '{ tasks(filter: {parent: {isNull: false, name: {eq: "task 4"}}}) { id } }',
        1,
        {"tasks": [{"id": "5"}, {"id": "6"}]},
    ),
    (
        "OR inside the to-one's filter",
        '{ tasks(filter: {parent: {OR: [{isNull: true}, {name: {eq: "task 4"}}]}}, limit: 5) '
        "{ id } }",
        1,
        {"tasks": [{"id": "1"}, {"id": "4"}, {"id": "5"}, {"id": "6"}, {"id": "7"}]},
    ),
    (
        "OR and NOT around it",
        "{ tasks(filter: {OR: [{parent: {isNull: true}}, {priority: {eq: 0}}], "
        'NOT: {name: {eq: "task 1"}}}, limit: 4) { id priority } }',
        1,
        {
            "tasks": [
                {"id": "4", "priority": 6},
                {"id": "7", "priority": 0},
                {"id": "10", "priority": 1},
                {"id": "13", "priority": 2},
            ]
        },
    ),
    (
        "through another nullable to-one",
        "{ t: tasks(filter: {parent: {parent: {isNull: true}}}, limit: 2) { id } }",
        1,
        {"t": [{"id": "2"}, {"id": "3"}]},
    ),
    (
        "in a nested list",
        "{ people(limit: 2) { name tasks(filter: {NOT: {parent: {isNull: false}}}) { id } } }",
        2,
        {
            "people": [
                {"name": "Person 1", "tasks": [{"id": n} for n in ("10", "13", "25", "28")]},
                {
                    "name": "Person 2",
                    "tasks": [{"id": n} for n in ("1", "4", "16", "19", "31", "34")],
                },
            ]
        },
    ),
]


@pytest.mark.parametrize(
    ("query", "statements", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_is_null_on_a_nullable_to_one_in_every_mode(
    small: Engine, query: str, statements: int, expected: Any
) -> None:
    orm, orm_count, _ = answer(small, ORM, query)
    rows, row_count, ran = answer(small, ROWS, query)
    written, json_count, written_by = answer(small, JSON, query)
    assert json.loads(orm) == {"data": expected, "errors": []}
    assert (orm_count, row_count, ran) == (statements, statements, "rows")
    assert (json_count, written_by) == (1, "json")
    assert written == rows == orm


@pytest.mark.parametrize(("absent", "condition"), [(True, "IS NULL"), (False, "IS NOT NULL")])
def test_a_foreign_key_is_compared_without_a_subquery(
    small: Engine, absent: bool, condition: str
) -> None:
    query = f"{{ tasks(filter: {{parent: {{isNull: {json.dumps(absent)}}}}}) {{ id }} }}"
    _, log = execute_without_errors(small, ORM, query)
    sql = " ".join(log.statements[0].sql.split())
    assert f"WHERE task.parent_id {condition} " in sql
    assert "EXISTS" not in sql


def test_only_nullable_to_ones_take_is_null() -> None:
    schema = ORM._schema
    task_filter = schema.get_type("TaskGQLFilter")
    nullable = schema.get_type("TaskGQLNullableFilter")
    assert str(task_filter.fields["parent"].type) == "TaskGQLNullableFilter"
    entity_filter = task_filter.fields["entity"].type
    assert str(entity_filter) == "EntityInterfaceFilter"
    assert "isNull" not in task_filter.fields
    assert "isNull" not in entity_filter.fields
    assert str(nullable.fields["isNull"].type) == "Boolean"
    assert set(nullable.fields) == set(task_filter.fields) | {"isNull"}
    assert str(nullable.fields["OR"].type) == "[TaskGQLNullableFilter!]"
