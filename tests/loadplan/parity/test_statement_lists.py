"""Defect 7: a nested resolver returning a statement built from the field's
arguments (``select(Issue).where(...).order_by(...).limit(...)``) was run
once per parent (N+1). With ``field_name`` naming the relationship, the
statement's conditions, order and page are folded into the relationship's
batched load: the field costs what a relationship list with arguments
costs, in both modes, whatever the number of parents."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.loadplan.parity.schema import make_schema
from tests.loadplan.parity.test_defects import OFF, ORM, ROWS, run

JSON_AUTO = make_schema(rows=True)
JSON_FORCED = make_schema(rows=True, json="force")

# (id, query, statements in both modes)
CASES: list[tuple[str, str, int]] = [
    (
        "a statement's condition, order and page, beside the same field with its defaults",
        "{ milestones { id rankedIssues(minPriority: 3, first: 1) { id priority } "
        "all: rankedIssues { id } } }",
        3,
    ),
    (
        "deep below the root, with relationships below the folded list",
        "{ companies { projects { milestones { rankedIssues(first: 2, skip: 1) "
        "{ name links { label } milestone { name } } } } } }",
        5,
    ),
    (
        "below a root resolver's own statement",
        "{ milestone(id: 2) { rankedIssues(minPriority: 2) { id } } }",
        2,
    ),
]


@pytest.mark.parametrize(("query", "statements"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_case(small: Engine, large: Engine, query: str, statements: int) -> None:
    for engine in (small, large):
        data, log = run(engine, query)
        log.assert_count(statements)
        rows, row_log = run(engine, query, ROWS)
        row_log.assert_count(statements)
        assert json.dumps(rows) == json.dumps(data)
        assert data == run(engine, query, OFF)[0]


def test_exact_payload(small: Engine) -> None:
    query = (
        "{ milestone(id: 2) { rankedIssues(minPriority: 3, first: 1) { id priority } "
        "all: rankedIssues { id } rest: rankedIssues(skip: 1) { id } } }"
    )
    expected = {
        "milestone": {
            "rankedIssues": [{"id": "6", "priority": 5}],
            "all": [{"id": "6"}, {"id": "5"}, {"id": "4"}],
            "rest": [{"id": "5"}, {"id": "4"}],
        }
    }
    for schema in (ORM, ROWS, OFF):
        assert run(small, query, schema)[0] == expected


def test_without_the_fold_each_parent_costs_statements(small: Engine, large: Engine) -> None:
    """The optimizer off runs the statement per parent: what the fold saves."""
    query = CASES[0][1]
    assert run(small, query, OFF)[1].count == 1 + 6 * 4
    assert run(large, query, OFF)[1].count == 1 + 18 * 4


@pytest.mark.parametrize("schema", [ORM, ROWS, OFF], ids=["orm", "rows", "off"])
def test_a_statement_that_is_not_one_list_is_refused(small: Engine, schema: object) -> None:
    with Session(small) as session:
        result = schema.execute_sync(  # type: ignore[attr-defined]
            "{ milestone(id: 1) { id joinedIssues { id } } }", context_value={"session": session}
        )
    assert [error.message for error in result.errors] == [
        "Milestone.issues: the resolver must return select(Issue) with only where, "
        "order_by, limit and offset (a list of the relationship for each parent)"
    ]


def test_the_json_mode_leaves_a_folded_list_to_the_row_mode(small: Engine, large: Engine) -> None:
    """The JSON mode does not write a statement's conditions: chosen
    automatically it leaves the field to the row mode, at the same cost;
    forced, it refuses the field."""
    query = CASES[2][1]
    for engine in (small, large):
        data, log = run(engine, query, JSON_AUTO)
        log.assert_count(2)
        assert data == run(engine, query)[0]
    with Session(small) as session:
        result = JSON_FORCED.execute_sync(query, context_value={"session": session})
    reason = "issues: conditions or ordering of a resolver's statement"
    assert [error.message for error in result.errors or []] == [
        f"the JSON mode cannot answer this plan: {reason}"
    ]
