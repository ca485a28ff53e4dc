"""What a client cannot do: queries too deep, too many aliases, pages too
large, unknown or malformed ids, unknown fields. Each is answered as a GraphQL
error (HTTP 200, a clear message, nothing run that need not be), never a 500."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from tests.shotline.graphql.conftest import SETTINGS, Api
from tests.shotline.signin import AUTH


def errors(*messages: str, **fields: Any) -> list[dict[str, Any]]:
    return [{"message": message, **fields} for message in messages]


DEEP = (
    "query Deep($id: ID!) { project(id: $id) { sequenceConnection(first: 5) { edges { node {"
    " shotConnection(first: 5) { edges { node { taskConnection(first: 5) { edges { node { id LEAF } } } } } } } } } } }"
)
"""Pages of 5: three nested connections of the default page size (500) are
refused by the cost limit (see ``tests/reliability``)."""


def test_depth_at_the_limit_runs(small: Api) -> None:
    # id is 10 fields deep: allowed
    data, log = small.data(DEEP.replace(" LEAF", ""), {"id": str(small.ids.projects["LHK"])})
    log.assert_count(AUTH + 4)
    assert data["project"]["sequenceConnection"]["edges"][0]["node"]["shotConnection"]


def test_depth_over_the_limit_is_refused(small: Api) -> None:
    query = DEEP.replace("LEAF", "taskStatus { shortName }")
    body, log = small.post(query, {"id": str(small.ids.projects["LHK"])})
    log.assert_count(AUTH + 0)
    assert body == {
        "data": None,
        "errors": errors(
            "'Deep' exceeds maximum operation depth of 10",
            locations=[{"line": 1, "column": query.index("shortName") + 1}],
        ),
    }


def aliases(count: int) -> str:
    return "{ projects { " + " ".join(f"a{i}: code" for i in range(count)) + " } }"


def test_aliases_at_the_limit_run(small: Api) -> None:
    data, log = small.data(aliases(30))
    log.assert_count(AUTH + 1)
    assert data["projects"][0] == {f"a{i}": "LHK" for i in range(30)}


def test_too_many_aliases_are_refused(small: Api) -> None:
    body, log = small.post(aliases(31))
    log.assert_count(AUTH + 0)
    assert body == {"data": None, "errors": errors("31 aliases found. Allowed: 30")}


@pytest.mark.parametrize(
    ("query", "message", "path"),
    [
        (
            "{ taskConnection(first: 501) { totalCount } }",
            "first must not exceed 500",
            ["taskConnection"],
        ),
        (
            "{ taskConnection(last: 501) { totalCount } }",
            "last must not exceed 500",
            ["taskConnection"],
        ),
        ("{ people(limit: 501) { id } }", "limit must not exceed 500", ["people"]),
        (
            '{ project(id: "1") { shotConnection(first: 501) { totalCount } } }',
            "first must not exceed 500",
            ["project"],
        ),
        (
            '{ project(id: "1") { sequences { shots(limit: 501) { id } } } }',
            "limit must not exceed 500",
            ["project"],
        ),
        (
            "{ taskConnection(first: -1) { totalCount } }",
            "first must not be negative",
            ["taskConnection"],
        ),
        (
            '{ taskConnection(first: 1, after: "nope") { totalCount } }',
            "invalid cursor: 'nope'",
            ["taskConnection"],
        ),
    ],
    ids=[
        "root first",
        "root last",
        "root limit",
        "nested first",
        "nested limit",
        "negative",
        "cursor",
    ],
)
def test_page_size_limit(small: Api, query: str, message: str, path: list[str]) -> None:
    """Checked when the field's statement is planned: a nested page fails its
    root field, before any statement runs."""
    body, log = small.post(query)
    log.assert_count(AUTH + 0)
    assert body["errors"] == errors(message, locations=[{"line": 1, "column": 3}], path=path)


def test_a_connection_without_first_gets_the_maximum_page(small: Api) -> None:
    limited = small.with_settings(replace(SETTINGS, max_page_size=3))
    data, log = limited.data(
        "{ taskConnection { totalCount pageInfo { hasNextPage } edges { node { id } } } }"
    )
    log.assert_count(AUTH + 2)
    assert data == {
        "taskConnection": {
            "totalCount": 11,
            "pageInfo": {"hasNextPage": True},
            "edges": [{"node": {"id": str(i)}} for i in (1, 2, 3)],
        }
    }


def test_unknown_ids_are_null(small: Api) -> None:
    data, log = small.data(
        '{ project(id: "999") { id } entity(id: "999") { id } task(id: "999") { id } person(id: "999") { id } }'
    )
    log.assert_count(AUTH + 4)
    assert data == {"project": None, "entity": None, "task": None, "person": None}


def test_a_malformed_id_is_an_error(small: Api) -> None:
    body, log = small.post('{ project(id: "LHK") { id } person(id: "1") { firstName } }')
    log.assert_count(AUTH + 1)
    assert body == {
        "data": {"project": None, "person": {"firstName": "Mira"}},
        "errors": errors(
            "project id must be an integer, got 'LHK'",
            locations=[{"line": 1, "column": 3}],
            path=["project"],
            extensions={"code": "BAD_USER_INPUT"},
        ),
    }


def test_an_unknown_field_is_a_validation_error(small: Api) -> None:
    body, log = small.post("{ projects { passwordHash } }")
    log.assert_count(AUTH + 0)
    assert body == {
        "data": None,
        "errors": errors(
            "Cannot query field 'passwordHash' on type 'Project'.",
            locations=[{"line": 1, "column": 14}],
        ),
    }
