"""Connections and offset pages over a resolver's own statement, at the root
and per parent: loadplan pages it, filters, orders and counts it and plans
its nodes; the field takes the resolver's arguments, then the list's."""

from __future__ import annotations

import base64
import json

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.loadplan.parity.test_argument_names import _arguments
from tests.loadplan.parity.test_defects import OFF, ORM, ROWS, run


def cursor(offset: int) -> str:
    """loadplan's cursor for an offset."""
    return base64.b64encode(f"loadplan:{offset}".encode()).decode()


def test_the_resolver_arguments_come_first() -> None:
    assert _arguments("Query", "priorityIssues") == [
        "minPriority",
        "filter",
        "order",
        "first",
        "after",
        "last",
        "before",
    ]
    assert _arguments("Query", "priorityPage") == [
        "minPriority",
        "filter",
        "order",
        "limit",
        "offset",
    ]
    assert _arguments("MilestoneType", "rankedConnection")[0] == "minPriority"
    assert _arguments("MilestoneType", "rankedPage")[0] == "minPriority"


ROOT = (
    "{ priorityIssues(minPriority: 3, first: 2, after: CURSOR, "
    "filter: {estimate: {isNull: false}}) { totalCount "
    "pageInfo { hasNextPage hasPreviousPage endCursor } "
    "edges { cursor node { id priority milestone { name } links { label } } } } "
    "priorityPage(minPriority: 5, limit: 2, offset: 1, order: [{id: DESC}]) "
    "{ totalCount pageInfo { hasNextPage } results { id } } }"
)


def test_at_the_root(small: Engine, large: Engine) -> None:
    query = ROOT.replace("CURSOR", json.dumps(cursor(0)))
    expected = {
        "priorityIssues": {
            "totalCount": 6,
            "pageInfo": {"hasNextPage": True, "hasPreviousPage": True, "endCursor": cursor(2)},
            "edges": [
                {
                    "cursor": cursor(offset),
                    "node": {
                        "id": str(id),
                        "priority": 5,
                        "milestone": {"name": f"milestone {id // 3}"},
                        "links": [{"label": f"link to issue {id}"}] * 2,
                    },
                }
                for offset, id in ((1, 6), (2, 9))
            ],
        },
        "priorityPage": {
            "totalCount": 6,
            "pageInfo": {"hasNextPage": True},
            "results": [{"id": "15"}, {"id": "12"}],
        },
    }
    for engine in (small, large):
        data, log = run(engine, query)
        # Each field's page and count; the links of the connection's nodes.
        log.assert_count(5)
        rows, row_log = run(engine, query, ROWS)
        row_log.assert_count(5)
        assert json.dumps(rows) == json.dumps(data)
        assert data == run(engine, query, OFF)[0]
        if engine is small:
            assert data == expected
        else:
            assert data["priorityIssues"]["totalCount"] == 18
            assert data["priorityPage"]["results"] == [{"id": "51"}, {"id": "48"}]


NESTED = (
    "{ milestones { id "
    "rankedConnection(minPriority: 2, first: 1, order: [{id: DESC}]) "
    "{ totalCount pageInfo { hasNextPage } edges { cursor node { id priority } } } "
    "last: rankedConnection(last: 1) { edges { node { id } } } "
    "rankedPage(filter: {estimate: {isNull: false}}, limit: 1, offset: 1) "
    "{ totalCount results { id } } } }"
)


def test_per_parent(small: Engine, large: Engine) -> None:
    for engine in (small, large):
        data, log = run(engine, NESTED)
        # The milestones, then one windowed load per field.
        log.assert_count(4)
        rows, row_log = run(engine, NESTED, ROWS)
        row_log.assert_count(4)
        assert json.dumps(rows) == json.dumps(data)
        assert data == run(engine, NESTED, OFF)[0]
        assert len(data["milestones"]) == (18 if engine is large else 6)
        assert data["milestones"][1] == {
            "id": "2",
            "rankedConnection": {
                "totalCount": 2,
                "pageInfo": {"hasNextPage": True},
                "edges": [{"cursor": cursor(0), "node": {"id": "6", "priority": 5}}],
            },
            "last": {"edges": [{"node": {"id": "4"}}]},
            "rankedPage": {"totalCount": 2, "results": [{"id": "6"}]},
        }


@pytest.mark.parametrize("schema", [ORM, ROWS, OFF], ids=["orm", "rows", "off"])
def test_a_statement_paging_itself_is_refused(small: Engine, schema: object) -> None:
    with Session(small) as session:
        result = schema.execute_sync(  # type: ignore[attr-defined]
            "{ milestone(id: 1) { limitedPage { totalCount } } }",
            context_value={"session": session},
        )
    assert [error.message for error in result.errors] == [
        "limited_page: the statement of a page must not have a limit or an offset "
        "(the client's arguments page it)"
    ]


@pytest.mark.parametrize("schema", [ORM, ROWS, OFF], ids=["orm", "rows", "off"])
def test_a_root_statement_paging_itself_is_refused(small: Engine, schema: object) -> None:
    with Session(small) as session:
        result = schema.execute_sync(  # type: ignore[attr-defined]
            "{ limitedIssues(first: 1) { totalCount } }", context_value={"session": session}
        )
    assert [error.message for error in result.errors] == [
        "limited_issues: the statement of a connection must not have a limit or an offset "
        "(the client's arguments page it)"
    ]
