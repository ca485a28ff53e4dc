"""strawberry-django's filter lookups, AND / OR / NOT, filters through to-one
relationships, and ordering with NULLs first or last: on root and nested
lists, in both modes, at two data sizes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.loadplan.parity.test_defects import OFF, ROWS, run

# (id, query, statements, the small set's answer)
CASES: list[tuple[str, str, int, Any]] = [
    (
        "iexact",
        '{ issues(filter: {name: {iexact: "ISSUE 1"}}) { id } }',
        1,
        {"issues": [{"id": "1"}]},
    ),
    (
        "istartswith, endswith and iendswith",
        '{ a: issues(filter: {name: {istartswith: "ISSUE 1", endswith: "7"}}) { id } '
        'b: issues(filter: {name: {iendswith: "E 9"}}) { id } }',
        2,
        {"a": [{"id": "17"}], "b": [{"id": "9"}]},
    ),
    (
        "range",
        "{ issues(filter: {priority: {range: [2, 4]}}, limit: 3) { id priority } }",
        1,
        {
            "issues": [
                {"id": "2", "priority": 3},
                {"id": "5", "priority": 3},
                {"id": "8", "priority": 3},
            ]
        },
    ),
    (
        "AND, OR and NOT",
        '{ issues(filter: {OR: [{priority: {eq: 1}}, {name: {endswith: "7"}}], '
        'NOT: {id: {in: ["1"]}}, AND: [{priority: {lt: 5}}, {name: {contains: "1"}}]}) '
        "{ id } }",
        1,
        {"issues": [{"id": "10"}, {"id": "13"}, {"id": "16"}, {"id": "17"}]},
    ),
    (
        "through to-one relationships",
        '{ issues(filter: {milestone: {project: {topic: {eq: "topic 2"}}, '
        'NOT: {name: {eq: "milestone 3"}}}}) { id } }',
        1,
        {"issues": [{"id": "10"}, {"id": "11"}, {"id": "12"}]},
    ),
    (
        "OR inside a to-one filter",
        '{ issues(filter: {milestone: {OR: [{name: {eq: "milestone 1"}}, '
        '{name: {eq: "milestone 6"}}]}, priority: {gt: 1}}) { id } }',
        1,
        {"issues": [{"id": "2"}, {"id": "3"}, {"id": "17"}, {"id": "18"}]},
    ),
    (
        "a nested list filtered with OR",
        "{ milestones(limit: 2) { issues(filter: {OR: [{priority: {eq: 1}}, "
        "{priority: {eq: 5}}]}) { id } } }",
        2,
        {
            "milestones": [
                {"issues": [{"id": "1"}, {"id": "3"}]},
                {"issues": [{"id": "4"}, {"id": "6"}]},
            ]
        },
    ),
    (
        "NULLs first, ascending",
        "{ issues(order: [{estimate: ASC_NULLS_FIRST}, {id: ASC}], limit: 8) { id estimate } }",
        1,
        {
            "issues": [
                {"id": "2", "estimate": None},
                {"id": "5", "estimate": None},
                {"id": "8", "estimate": None},
                {"id": "11", "estimate": None},
                {"id": "14", "estimate": None},
                {"id": "17", "estimate": None},
                {"id": "4", "estimate": 0},
                {"id": "12", "estimate": 0},
            ]
        },
    ),
    (
        "NULLs last, descending",
        "{ issues(order: [{estimate: DESC_NULLS_LAST}, {id: ASC}], offset: 10) { id estimate } }",
        1,
        {
            "issues": [
                {"id": "12", "estimate": 0},
                {"id": "16", "estimate": 0},
                {"id": "2", "estimate": None},
                {"id": "5", "estimate": None},
                {"id": "8", "estimate": None},
                {"id": "11", "estimate": None},
                {"id": "14", "estimate": None},
                {"id": "17", "estimate": None},
            ]
        },
    ),
    (
        "NULLs first on a nested page counted from the end",
        "{ milestones(limit: 2) { issueConnection(last: 2, order: [{estimate: ASC_NULLS_FIRST}]) "
        "{ edges { node { id estimate } } } } }",
        2,
        {
            "milestones": [
                {
                    "issueConnection": {
                        "edges": [
                            {"node": {"id": "1", "estimate": 1}},
                            {"node": {"id": "3", "estimate": 3}},
                        ]
                    }
                },
                {
                    "issueConnection": {
                        "edges": [
                            {"node": {"id": "4", "estimate": 0}},
                            {"node": {"id": "6", "estimate": 2}},
                        ]
                    }
                },
            ]
        },
    ),
]


@pytest.mark.parametrize(
    ("query", "statements", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_case(small: Engine, large: Engine, query: str, statements: int, expected: Any) -> None:
    data, log = run(small, query)
    log.assert_count(statements)
    assert data == expected
    rows, row_log = run(small, query, ROWS)
    row_log.assert_count(statements)
    assert json.dumps(rows) == json.dumps(data)
    large_data, large_log = run(large, query)
    large_log.assert_count(statements)
    large_rows, large_row_log = run(large, query, ROWS)
    large_row_log.assert_count(statements)
    assert json.dumps(large_rows) == json.dumps(large_data)
    assert large_data == run(large, query, OFF)[0]
