"""The optimizer scenarios strawberry-django users bring, each answered in
both modes with the statement count it costs at two data sizes, and the same
answer as with the optimizer off."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import Engine

from loadplan.testing import QueryLog
from tests.loadplan.conftest import execute_without_errors
from tests.loadplan.parity.schema import make_schema

ORM = make_schema()
ROWS = make_schema(rows=True, json="off")
UNPRUNED = make_schema(only=False)
OFF = make_schema(enabled=False)


def run(engine: Engine, query: str, schema: Any = ORM) -> tuple[dict[str, Any], QueryLog]:
    """The answer of ``schema`` (by default the ORM mode), asserted error-free."""
    return execute_without_errors(engine, schema, query)


# (id, query, statements in the ORM mode, in the row mode)
CASES: list[tuple[str, str, int, int]] = [
    (
        "computed identity: list of the base with subtype fragments",
        "{ projects { __typename id topic title ... on ArtProjectType { artist } "
        "... on ResearchProjectType { supervisor } } }",
        1,
        1,
    ),
    (
        "computed identity: a list of the base below a parent",
        "{ companies { name projects { __typename id ... on ArtProjectType { artist } } } }",
        2,
        2,
    ),
    (
        "computed identity: a to-one to the base",
        "{ milestones { name project { __typename topic ... on ResearchProjectType { supervisor } } } }",
        # A polymorphic target is batched rather than joined.
        2,
        2,
    ),
    (
        "computed identity: round trip base, relation, base",
        "{ projects { id milestones { name project { __typename id "
        "... on ArtProjectType { artist } } } } }",
        3,
        3,
    ),
    (
        "hints of subtype fields are looked up on the subtype",
        "{ projects { id ... on ArtProjectType { signature shoutedArtist } } }",
        1,
        1,
    ),
    (
        "fragment on an interface bound to no model, under an object type",
        "{ milestones { ... on Named { name } } companies { ... on Named { name } } }",
        2,
        2,
    ),
    (
        "fragment on an interface bound to no model, under a model interface",
        "{ projects { id ... on Named { name } } }",
        1,
        1,
    ),
    (
        "model property returning related objects",
        "{ milestones { name urgentIssues { name priority } } }",
        2,
        2,
    ),
    (
        "resolver hint with several select_related paths",
        "{ issues { name milestoneOf { name project { title } } } }",
        # The resolver returns objects it reads through its hints: in the row
        # mode it runs on a view of the row and returns views of the rows
        # those hints loaded.
        1,
        1,
    ),
    (
        "select_related without only loads the joined objects whole",
        "{ issues { where } }",
        1,
        1,
    ),
    (
        "a nested page of no row still counts its list",
        "{ milestones { issuePage(limit: 0) { totalCount results { id } } "
        "issueConnection(first: 0) { totalCount edges { node { id } } } issues(limit: 0) { id } } }",
        3,
        3,
    ),
    (
        "one parent's page of no row still counts its list",
        "{ milestones(limit: 1) { issuePage(limit: 0, offset: 1) { totalCount results { id } } } }",
        2,
        2,
    ),
    (
        "a resolver building an offset page with a total from a hinted relationship",
        "{ milestones { firstIssues { totalCount results { id name } } } }",
        # The page holds issues read through the resolver's hint: in the row
        # mode they are views of the rows the hint loaded.
        2,
        2,
    ),
    (
        "a filtered list beside the plain list of one relationship",
        "{ milestones { issues { id } urgent { id } top: urgent(filter: {priority: {eq: 5}}) { name } } }",
        4,
        4,
    ),
    (
        "lists of a type with no filterable column",
        "{ issues { name links { label } } links(limit: 2, offset: 1) { label } }",
        3,
        3,
    ),
]


@pytest.mark.parametrize(
    ("query", "statements", "row_statements"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_case(
    small: Engine, large: Engine, query: str, statements: int, row_statements: int
) -> None:
    for engine in (small, large):
        data, log = run(engine, query)
        log.assert_count(statements)
        rows, row_log = run(engine, query, ROWS)
        row_log.assert_count(row_statements)
        assert json.dumps(rows) == json.dumps(data)
        expected, _ = run(engine, query, OFF)
        assert data == expected


def test_exact_payloads(small: Engine) -> None:
    query = (
        "{ projects { __typename id title ... on ArtProjectType { artist signature shoutedArtist } "
        "... on Named { name } } "
        "milestones(limit: 1) { ... on Named { name } issues { id } urgent { id } "
        "urgentIssues { name priority } } "
        "pages: milestone(id: 1) { issuePage(limit: 0) { totalCount results { id } } } "
        "issues(limit: 1) { milestoneOf { name project { title } } where } }"
    )
    expected = {
        "projects": [
            {"__typename": "PlainProjectType", "id": "1", "title": "Topic 1"},
            {
                "__typename": "ArtProjectType",
                "id": "2",
                "title": "Topic 2",
                "artist": "artist 2",
                "signature": "by artist 2",
                "shoutedArtist": "ARTIST 2",
            },
            {
                "__typename": "ResearchProjectType",
                "id": "3",
                "title": "Topic 3",
                "name": "supervisor 3",
            },
        ],
        "milestones": [
            {
                "name": "milestone 1",
                "issues": [{"id": "1"}, {"id": "2"}, {"id": "3"}],
                "urgent": [{"id": "2"}, {"id": "3"}],
                "urgentIssues": [
                    {"name": "issue 2", "priority": 3},
                    {"name": "issue 3", "priority": 5},
                ],
            }
        ],
        "pages": {"issuePage": {"totalCount": 3, "results": []}},
        "issues": [
            {
                "milestoneOf": {"name": "milestone 1", "project": {"title": "Topic 1"}},
                "where": "milestone 1 of topic 1",
            }
        ],
    }
    for schema in (ORM, ROWS):
        data, _ = run(small, query, schema)
        assert data == expected


def test_computed_identity_without_column_pruning(small: Engine, large: Engine) -> None:
    query = "{ companies { projects { __typename id ... on ArtProjectType { artist } } } }"
    for engine in (small, large):
        data, log = run(engine, query, UNPRUNED)
        log.assert_count(2)
        assert data == run(engine, query)[0]


def _arguments(type_name: str, field_name: str) -> list[str]:
    graphql_type = ORM._schema.get_type(type_name)
    return list(graphql_type.fields[field_name].args)


def test_a_type_with_no_filterable_column_has_no_filter_or_order_input() -> None:
    assert ORM._schema.get_type("LinkTypeFilter") is None
    assert ORM._schema.get_type("LinkTypeOrder") is None
    assert _arguments("Query", "links") == ["limit", "offset"]
    assert _arguments("IssueType", "links") == ["limit", "offset"]
    assert _arguments("Query", "issues") == ["filter", "order", "limit", "offset"]
