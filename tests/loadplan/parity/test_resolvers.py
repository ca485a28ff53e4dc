"""Resolvers returning model objects cost the same in both modes: in the
row mode they run on views of the rows and return views of the rows their
hints loaded; only a resolver declaring ``needs_object=True`` runs on ORM
objects loaded for the rows' keys."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine

from tests.loadplan.parity.test_defects import OFF, ORM, ROWS, run

# (id, query, statements in the ORM mode, in the row mode)
CASES: list[tuple[str, str, int, int]] = [
    (
        "a to-one read through two select_related paths",
        "{ issues { id milestoneOf { name project { topic } } } }",
        1,
        1,
    ),
    (
        "a list picked from a prefetched relationship",
        "{ milestones { id topIssues { id priority links { label } } } }",
        3,
        3,
    ),
    (
        "an offset page with a total built from a prefetched relationship",
        "{ milestones { id firstIssues { totalCount results { name milestone { name } } } } }",
        2,
        2,
    ),
    (
        "a polymorphic object picked from a prefetched relationship",
        "{ companies { name newestProject { __typename id ... on ResearchProjectType "
        "{ supervisor } milestones { name } } } }",
        3,
        3,
    ),
    (
        "a resolver that needs the ORM object",
        "{ milestones { id projectObject { __typename id } } }",
        1,
        # The milestone objects are loaded for the rows' keys.
        2,
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


def test_exact_payload(small: Engine) -> None:
    query = (
        "{ milestone(id: 2) { topIssues { id priority } "
        "firstIssues { totalCount results { name } } projectObject { id } } "
        "companies { newestProject { __typename id } } "
        "issues(limit: 1) { milestoneOf { name project { topic } } } }"
    )
    expected = {
        "milestone": {
            "topIssues": [{"id": "6", "priority": 5}, {"id": "5", "priority": 3}],
            "firstIssues": {"totalCount": 3, "results": [{"name": "issue 4"}, {"name": "issue 5"}]},
            "projectObject": {"id": "1"},
        },
        "companies": [{"newestProject": {"__typename": "ResearchProjectType", "id": "3"}}],
        "issues": [{"milestoneOf": {"name": "milestone 1", "project": {"topic": "topic 1"}}}],
    }
    for schema in (ORM, ROWS):
        data, _ = run(small, query, schema)
        assert data == expected


def test_offset_pages_with_a_total_in_the_row_mode(small: Engine, large: Engine) -> None:
    # A root page, a page per parent and a page a resolver builds from views
    # of rows (once answered "Expected value of type 'IssueType' but got:
    # <IssueRow instance>" in the row mode).
    query = (
        "{ issuePage(limit: 2, offset: 1) { totalCount results { id } } "
        "milestone(id: 2) { issuePage(limit: 1) { totalCount results { id } } "
        "firstIssues { totalCount results { id } } } }"
    )
    expected = {
        "issuePage": {"totalCount": 18, "results": [{"id": "2"}, {"id": "3"}]},
        "milestone": {
            "issuePage": {"totalCount": 3, "results": [{"id": "4"}]},
            "firstIssues": {"totalCount": 3, "results": [{"id": "4"}, {"id": "5"}]},
        },
    }
    for schema in (ORM, ROWS):
        data, log = run(small, query, schema)
        assert data == expected
        log.assert_count(5)
    for schema in (ORM, ROWS):
        data, log = run(large, query, schema)
        assert data["issuePage"]["totalCount"] == 54
        log.assert_count(5)


def test_a_relationship_as_a_field_and_through_a_hint(small: Engine, large: Engine) -> None:
    # One milestone object reached as a field and below a resolver's hint,
    # with one response key and different arguments below each: each keeps
    # its own arguments and its own list (once both read the second one's).
    query = (
        "{ issues(limit: 1) { milestone { issuePage(limit: 0) { totalCount results { id } } } "
        "milestoneOf { issuePage(limit: 1) { totalCount results { id } } } } }"
    )
    expected = {
        "issues": [
            {
                "milestone": {"issuePage": {"totalCount": 3, "results": []}},
                "milestoneOf": {"issuePage": {"totalCount": 3, "results": [{"id": "1"}]}},
            }
        ]
    }
    for engine in (small, large):
        assert run(engine, query, OFF)[0] == expected
        for schema in (ORM, ROWS):
            data, log = run(engine, query, schema)
            assert data == expected
            # The issue with its milestone, then each page of its issues.
            log.assert_count(3)
