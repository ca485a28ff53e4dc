"""``single=True`` on a to-many: the one row of the list, ``null`` (nullable
field) or an error (required field) when there is none, an error when there
are several, unless ``order_by`` says which one to take."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from loadplan.testing import count_queries
from tests.loadplan.parity.test_defects import OFF, ORM, ROWS

SEVERAL = (
    "Issue.links has several rows where one was expected: give the field an order_by to pick one"
)


def _body(engine: Engine, query: str, schema: Any) -> tuple[dict[str, Any], int]:
    with Session(engine) as session, count_queries(engine) as log:
        result = schema.execute_sync(query, context_value={"session": session})
    errors = [e.formatted for e in result.errors or []]
    return json.loads(json.dumps({"data": result.data, "errors": errors})), log.count


def _answers(small: Engine, large: Engine, query: str, statements: int) -> dict[str, Any]:
    """The small set's answer, the same in both modes and with the optimizer
    off, at a fixed statement count on both sets."""
    body, count = _body(small, query, ORM)
    assert count == statements
    assert _body(small, query, ROWS) == (body, statements)
    assert _body(small, query, OFF)[0] == body
    large_body, large_count = _body(large, query, ORM)
    assert large_count == statements
    assert _body(large, query, ROWS) == (large_body, statements)
    return body


def test_nullable_single(small: Engine, large: Engine) -> None:
    # Issues 1, 2 and 3 have no, one and two links.
    body = _answers(small, large, "{ issues(limit: 3) { id link { label } } }", 2)
    assert body == {
        "data": {
            "issues": [
                {"id": "1", "link": None},
                {"id": "2", "link": {"label": "link to issue 2"}},
                {"id": "3", "link": None},
            ]
        },
        "errors": [
            {
                "message": SEVERAL,
                "locations": [{"line": 1, "column": 25}],
                "path": ["issues", 2, "link"],
            }
        ],
    }


def test_required_single(small: Engine, large: Engine) -> None:
    body = _answers(
        small, large, "{ issues(limit: 1, offset: 1) { id requiredLink { label } } }", 2
    )
    assert body == {
        "data": {"issues": [{"id": "2", "requiredLink": {"label": "link to issue 2"}}]},
        "errors": [],
    }
    body = _answers(small, large, "{ issues(limit: 1) { id requiredLink { label } } }", 2)
    assert body == {
        "data": None,
        "errors": [
            {
                "message": "Cannot return null for non-nullable field IssueType.requiredLink.",
                "locations": [{"line": 1, "column": 25}],
                "path": ["issues", 0, "requiredLink"],
            }
        ],
    }


def test_single_with_an_order_takes_the_first(small: Engine, large: Engine) -> None:
    body = _answers(small, large, "{ issues(limit: 3) { id firstLink { label } } }", 2)
    assert body == {
        "data": {
            "issues": [
                {"id": "1", "firstLink": None},
                {"id": "2", "firstLink": {"label": "link to issue 2"}},
                {"id": "3", "firstLink": {"label": "link to issue 3"}},
            ]
        },
        "errors": [],
    }
