"""A connection can keep an existing API: graphql-relay's
``arrayconnection:<n>`` cursors and a nullable ``totalCount``, at the root
and per parent, in both modes."""

from __future__ import annotations

import base64
import json

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.loadplan.parity.test_defects import OFF, ORM, ROWS, run


def relay_cursor(offset: int) -> str:
    """graphql-relay's cursor for an offset (``offset_to_cursor``)."""
    return base64.b64encode(f"arrayconnection:{offset}".encode()).decode()


def test_the_total_may_be_nullable() -> None:
    connection = ORM._schema.get_type("IssueTypeLegacyConnection")
    assert str(connection.fields["totalCount"].type) == "Int"
    assert str(ORM._schema.get_type("IssueTypeConnection").fields["totalCount"].type) == "Int!"


def test_graphql_relay_cursors_in_both_modes(small: Engine, large: Engine) -> None:
    query = (
        "{ legacyIssues(first: 2, after: "
        f'"{relay_cursor(0)}") {{ totalCount pageInfo {{ endCursor hasNextPage }} '
        "edges { cursor node { id } } } "
        f'milestone(id: 1) {{ legacyIssues(last: 1, before: "{relay_cursor(2)}") '
        "{ totalCount edges { cursor node { id } } } } }"
    )
    expected = {
        "legacyIssues": {
            "totalCount": 18,
            "pageInfo": {"endCursor": relay_cursor(2), "hasNextPage": True},
            "edges": [
                {"cursor": relay_cursor(1), "node": {"id": "2"}},
                {"cursor": relay_cursor(2), "node": {"id": "3"}},
            ],
        },
        "milestone": {
            "legacyIssues": {
                "totalCount": 3,
                "edges": [{"cursor": relay_cursor(1), "node": {"id": "2"}}],
            }
        },
    }
    for engine in (small, large):
        data, log = run(engine, query)
        log.assert_count(4)
        rows, row_log = run(engine, query, ROWS)
        row_log.assert_count(4)
        assert json.dumps(rows) == json.dumps(data)
        assert data == run(engine, query, OFF)[0]
        if engine is small:
            assert data == expected


def test_a_cursor_of_another_format_is_refused(small: Engine) -> None:
    loadplan_cursor = base64.b64encode(b"loadplan:1").decode()
    with Session(small) as session:
        result = ORM.execute_sync(
            f'{{ legacyIssues(first: 1, after: "{loadplan_cursor}") {{ totalCount }} }}',
            context_value={"session": session},
        )
    assert [error.message for error in result.errors or []] == [
        f"invalid cursor: {loadplan_cursor!r}"
    ]
