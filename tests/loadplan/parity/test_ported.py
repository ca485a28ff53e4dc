"""The scenarios of strawberry-django's optimizer tests, over a Django-shaped
tracker: each answered in both modes, at a statement count that does not
grow with the data, as the JSON mode writes it and as the optimizer off
answers it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from loadplan.testing import QueryLog
from tests.databases import IsolatedDatabase
from tests.loadplan.conftest import execute_without_errors
from tests.loadplan.parity.conftest import dataset
from tests.loadplan.parity.ported_data import populate
from tests.loadplan.parity.ported_schema import make_schema

ORM = make_schema()
ROWS = make_schema(rows=True, json="off")
OFF = make_schema(enabled=False)
JSON = make_schema(rows=True)


@pytest.fixture(scope="module")
def small(dialect: str, make_database: Callable[[str], IsolatedDatabase]) -> Iterator[Engine]:
    """One block: 4 users, 3 tags, 2 projects, 4 milestones, 10 issues."""
    yield from dataset(dialect, make_database, populate, 1)


@pytest.fixture(scope="module")
def large(dialect: str, make_database: Callable[[str], IsolatedDatabase]) -> Iterator[Engine]:
    """Four blocks."""
    yield from dataset(dialect, make_database, populate, 4)


def run(
    engine: Engine, query: str, schema: Any = ORM, variables: dict[str, Any] | None = None
) -> tuple[dict[str, Any], QueryLog]:
    return execute_without_errors(engine, schema, query, variables)


DEEP = (
    "{ tags { issues { milestone { project { milestones { issues { tags { name } "
    "milestone { project { memberships { user { profile { bio } } } } } } } } } } } }"
)

# (id, query, variables, statements in both modes, or in the ORM mode and in the row mode)
CASES: list[tuple[str, str, dict[str, Any] | None, int | tuple[int, int]]] = [
    (
        "to-one chain joined, the same to-one under an alias and a named fragment",
        "fragment ms on MilestoneType { id project { name } } "
        "{ issues { id name nameWithKind nameWithPriority "
        "milestone { name project { id name } ...ms } "
        "again: milestone { name ...ms } } }",
        None,
        1,
    ),
    (
        "root connection with total count and a to-one chain",
        "query ($on: Boolean!) { issueConnection { totalCount edges { node { id name "
        "milestone { id name dueOn @include(if: $on) project { id name } } } } } }",
        {"on": True},
        2,
    ),
    (
        "@skip and @include with variables, a field excluded",
        "query ($on: Boolean!) { issueConnection { totalCount @skip(if: $on) edges { node { id "
        "milestone @include(if: $on) { id } tags @skip(if: $on) { id } } } } }",
        {"on": False},
        3,
    ),
    (
        "two fragments on the connection type selecting different node fields",
        "fragment a on IssueTypeConnection { edges { node { assignees { id owner } } } } "
        "fragment b on IssueTypeConnection { edges { node { milestone { id project { name } } } } } "
        "{ issueConnection { ...b ...a } }",
        None,
        2,
    ),
    (
        "a single root object with nested lists and to-ones back to the parent",
        "{ project(id: 1) { id name milestones { id name project { id name } "
        "issues { id name milestone { id name } } } } }",
        None,
        3,
    ),
    (
        "a list aliased twice, once with a fragment on a to-one below",
        "fragment ms on MilestoneType { id project { id name } } "
        "{ project(id: 1) { milestones { id issues { id nameWithKind milestone { ...ms } } "
        "other: issues { id milestone { ...ms } } } } }",
        None,
        3,
    ),
    (
        "aliases of one list with the same and different sub-selections",
        "{ projects { a: milestones { id name } b: milestones { id name } c: milestones { id } } }",
        None,
        2,
    ),
    (
        "aliases of one list with different arguments",
        '{ milestones { foo: issues(filter: {name: {contains: "Foo"}}) { id } '
        'bar: issues(filter: {name: {contains: "Bar"}}) { id } } }',
        None,
        3,
    ),
    (
        "nested connection over a many-to-many, first n per parent, with the total",
        "{ tags { id name issueConnection(first: 2) { totalCount edges { node { id name } } } } }",
        None,
        2,
    ),
    (
        "nested list with a filter, and with a filter and a limit",
        '{ milestones { id issues(filter: {name: {contains: "Foo"}}) { id name } '
        'firstFoo: issues(filter: {name: {contains: "Foo"}}, limit: 1) { id } } }',
        None,
        3,
    ),
    (
        "nested list ordered by name, with a many-to-many below",
        "{ milestone(id: 1) { id issues(order: [{name: ASC}]) { id name tags { id name } } } }",
        None,
        3,
    ),
    (
        "nested connection with a filter and aliases",
        '{ milestones { foo: issueConnection(filter: {name: {contains: "Foo"}}) '
        "{ edges { node { id } } } "
        'bar: issueConnection(filter: {name: {contains: "Bar"}}) { edges { node { id } } } } }',
        None,
        3,
    ),
    (
        "a nested resolver's statement from its arguments, in variables",
        "query ($search: String!, $first: Int) { milestones { id "
        "searchedIssues(search: $search, first: $first) { id name } } }",
        {"search": "Foo", "first": 1},
        2,
    ),
    (
        "a fixed filter on a list beside the plain list (Prefetch with to_attr)",
        "{ milestones { issues { id } bugs { id name } } }",
        None,
        3,
    ),
    (
        "annotations on the root, in a nested list and through a to-one",
        "{ projects { milestoneCount isDelayed milestones { issueCount bugCount } } "
        "issues { milestone { name issueCount project { milestoneCount } } } }",
        None,
        5,
    ),
    (
        "offset page at the root, with a to-one in its results",
        "query ($limit: Int, $offset: Int) { issuePage(limit: $limit, offset: $offset) "
        "{ totalCount results { name milestone { name } } } }",
        {"limit": 2, "offset": 2},
        2,
    ),
    (
        "offset page per parent, with a page past the end",
        "query ($limit: Int, $offset: Int) { milestones { name issuePage(limit: $limit, "
        "offset: $offset) { totalCount results { name milestone { name } } } } }",
        {"limit": 1, "offset": 2},
        2,
    ),
    (
        "one row of a list, null where the list is empty",
        "{ milestones { id firstIssue { id name } } }",
        None,
        2,
    ),
    (
        "a resolver reading a to-one through its hints",
        "{ milestones { projectName } }",
        None,
        1,
    ),
    (
        "a nullable foreign key: null to-ones and dotted paths through them",
        "{ issues { id milestone { id } milestoneName projectName } }",
        None,
        1,
    ),
    (
        "reverse one-to-one, present and absent, and back",
        "{ users { id profile { bio user { name } } } profiles { user { name profile { id } } } }",
        None,
        2,
    ),
    (
        "many-to-many through an association table at the root and nested",
        "{ tags { name issues { name tags { name } } } issues { name tags { name } } }",
        None,
        5,
    ),
    (
        "many-to-many per parent with a filter, an order and a limit",
        '{ tags { name issues(filter: {kind: {eq: "feature"}}, order: [{name: DESC}], limit: 2) '
        "{ name } } issues { tags(order: [{name: DESC}], limit: 1) { name } } }",
        None,
        4,
    ),
    (
        "many-to-many over an association object, as the plain list and as the objects",
        "{ projects { name members { name } memberships { role user { name profile { bio } } } } "
        "users { name projects { name } memberships { role project { name } } } }",
        None,
        6,
    ),
    (
        "association object with its own key, read from the issue and from the root",
        "{ issues { id assignees { id owner user { name } } users { name } userNames } "
        "assignees { issue { name } user { name } } }",
        None,
        4,
    ),
    (
        "a fixed filter on a many-to-many through an association object",
        "{ projects { owners { name } } }",
        None,
        2,
    ),
    (
        "connection over a many-to-many per parent with the total only",
        "{ issues { tagConnection { totalCount } } tags { issueConnection { totalCount } } }",
        None,
        4,
    ),
    (
        "connection with edges and no node fields, and page info only",
        "{ issueConnection(first: 3) { edges { cursor } pageInfo { hasNextPage } } "
        "tagConnection { pageInfo { hasPreviousPage } } }",
        None,
        # pageInfo is answered from one row read beyond each page: no count,
        # as strawberry-django.
        2,
    ),
    (
        "__typename only selections at every level",
        "{ projects { __typename milestones { __typename issues { __typename } } } "
        "issueConnection { __typename edges { __typename node { __typename } } } }",
        None,
        4,
    ),
    (
        "id only selections",
        "{ projects { id milestones { id issues { id tags { id } } } } }",
        None,
        4,
    ),
    (
        "nested connections inside lists, four levels deep",
        "{ projects { milestones { issueConnection(first: 2) { totalCount edges { node { "
        "tagConnection(first: 1) { totalCount edges { node { name issues { id } } } } } } } } } }",
        None,
        5,
    ),
    (
        "a root connection over a resolver's statement",
        '{ searchedProjects(search: "project") { totalCount edges { node { id name '
        "milestones { id } } } } }",
        None,
        3,
    ),
    (
        "empty lists under a filter that matches nothing",
        '{ projects { milestones(filter: {name: {eq: "none"}}) { id issues { id } } } '
        'tags(filter: {name: {eq: "none"}}) { issues { id } } }',
        None,
        3,
    ),
    (
        "a model property returning related objects in its own order",
        "{ projects { id nextMilestones { id name project { id name } } } }",
        None,
        2,
    ),
    (
        "two resolvers over one hinted relationship, with different sub-selections",
        "{ projects { milestones { name bugs { name } } milestonesAgain { name issueCount } } }",
        None,
        3,
    ),
    (
        "a list of a type whose get_queryset restricts its rows",
        "{ issues { id owners { id user { name } } } }",
        None,
        2,
    ),
    (
        "a restricted list under the relationship's own name",
        "{ fooMilestones { id issues { id } } }",
        None,
        2,
    ),
    (
        "the path given to nested resolvers",
        "{ project(id: 1) { milestones { graphqlPath } } milestones { graphqlPath } }",
        None,
        # A resolver without hints may read anything: in the row mode it runs
        # on objects loaded for the rows' keys, one statement per list.
        (3, 5),
    ),
    (
        "an annotation on a type reached through a reverse one-to-one",
        "{ users { name profile { shoutedBio } } }",
        None,
        2,
    ),
    (
        "a to-one of a type whose get_queryset restricts its rows",
        "{ users { name publicProfile { bio } profile { id } } }",
        None,
        2,
    ),
    (
        "inline fragments on the same to-one with different sub-selections",
        "{ issues { milestone { id } ... on IssueType { milestone { name project { name } } } "
        "... { milestone { dueOn } } } }",
        None,
        1,
    ),
    (
        "one list with the same arguments through two named fragments",
        "fragment a on MilestoneType { issues(limit: 1) { id } } "
        "fragment b on MilestoneType { issues(limit: 1) { name tags { name } } } "
        "{ milestones { ...a ...b } }",
        None,
        3,
    ),
    (
        "filter and order of a nested list in variables",
        "query ($filter: IssueTypeFilter, $order: [IssueTypeOrder!]) { milestones { id "
        "issues(filter: $filter, order: $order) { id priority } } }",
        {"filter": {"priority": {"ge": 2}}, "order": [{"priority": "DESC"}]},
        2,
    ),
    (
        "a nested connection paged from the end and after a cursor",
        "{ milestones { last: issueConnection(last: 1) { totalCount edges { node { id } } } "
        'next: issueConnection(first: 1, after: "bG9hZHBsYW46MA==") '
        "{ pageInfo { hasNextPage hasPreviousPage } edges { cursor node { id } } } } }",
        None,
        3,
    ),
    (
        "a single root object with a many-to-many and an association object below",
        "{ issue(id: 2) { id tags { name issues { id } } assignees { owner user { name } } } }",
        None,
        4,
    ),
    (
        "a nested list left out by @include(if: false)",
        "query ($with: Boolean!) { milestones { id issues @include(if: $with) { id } "
        "project @include(if: $with) { name } } }",
        {"with": False},
        1,
    ),
    (
        "an offset page with a many-to-many in its results",
        "{ issuePage(limit: 3, offset: 1) { totalCount results { name tags { name } users { name } } } }",
        None,
        4,
    ),
    (
        "a generic relation (a type column in the join) at two levels, counted and paged",
        "{ projects { notes { body } noteConnection(first: 1) { totalCount edges { node { body } } } "
        "milestones { issues { notes { body } noteCount } } } "
        'issues(filter: {kind: {eq: "bug"}}) { notes(limit: 1, order: [{id: DESC}]) { id body } } }',
        None,
        8,
    ),
    (
        "filters through a nullable to-one chain, at the root and on a many-to-many",
        '{ issues(filter: {milestone: {name: {eq: "milestone 1"}}}) { id } '
        'tags { issues(filter: {milestone: {project: {name: {eq: "project 1"}}}}) { id } } }',
        None,
        3,
    ),
    (
        "NOT and OR over a nullable to-one: rows without it are kept by NOT",
        '{ a: issues(filter: {NOT: {milestone: {name: {eq: "milestone 1"}}}}) { id } '
        'b: issues(filter: {OR: [{milestone: {name: {eq: "milestone 1"}}}, {priority: {eq: 5}}]}) '
        "{ id } }",
        None,
        2,
    ),
    (
        "a many-to-many filtered through the reverse one-to-one of its rows",
        '{ projects { members(filter: {profile: {bio: {contains: "1"}}}) { name } } }',
        None,
        2,
    ),
    (
        "a deep query: to-ones and lists alternating six levels down",
        "{ tags { issues { milestone { project { milestones { issues { tags { name } "
        "milestone { project { memberships { user { profile { bio } } } } } } } } } } } }",
        None,
        6,
    ),
]


@pytest.mark.parametrize(
    ("query", "variables", "statements"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_case(
    small: Engine,
    large: Engine,
    query: str,
    variables: dict[str, Any] | None,
    statements: int | tuple[int, int],
) -> None:
    orm_count, row_count = statements if isinstance(statements, tuple) else (statements,) * 2
    for engine in (small, large):
        data, log = run(engine, query, ORM, variables)
        log.assert_count(orm_count)
        rows, row_log = run(engine, query, ROWS, variables)
        row_log.assert_count(row_count)
        assert json.dumps(rows) == json.dumps(data)
        written, _ = run(engine, query, JSON, variables)
        assert json.dumps(written) == json.dumps(data)
        expected, _ = run(engine, query, OFF, variables)
        assert data == expected


def test_many_to_many_payloads(small: Engine) -> None:
    query = (
        '{ tags { name issues(filter: {kind: {eq: "feature"}}, order: [{name: DESC}], limit: 2) '
        "{ name } } issues(limit: 3) { name tags(order: [{name: DESC}], limit: 1) { name } } "
        "projects { name members { name } memberships { role user { name profile { bio } } } } "
        "users { name projects { name } } }"
    )
    expected = {
        "tags": [
            {"name": "tag 1", "issues": [{"name": "Bar 8"}, {"name": "Bar 5"}]},
            {"name": "tag 2", "issues": [{"name": "Bar 8"}, {"name": "Bar 5"}]},
            {"name": "tag 3", "issues": []},
        ],
        "issues": [
            {"name": "Foo 1", "tags": [{"name": "tag 1"}]},
            {"name": "Bar 2", "tags": [{"name": "tag 2"}]},
            {"name": "Foo Bar 3", "tags": []},
        ],
        "projects": [
            {
                "name": "project 1",
                "members": [{"name": "user 1"}, {"name": "user 2"}],
                "memberships": [
                    {
                        "role": "owner",
                        "user": {"name": "user 1", "profile": {"bio": "bio of user 1"}},
                    },
                    {"role": "developer", "user": {"name": "user 2", "profile": None}},
                ],
            },
            {
                "name": "project 2",
                "members": [{"name": "user 2"}, {"name": "user 3"}],
                "memberships": [
                    {"role": "owner", "user": {"name": "user 2", "profile": None}},
                    {
                        "role": "developer",
                        "user": {"name": "user 3", "profile": {"bio": "bio of user 3"}},
                    },
                ],
            },
        ],
        "users": [
            {"name": "user 1", "projects": [{"name": "project 1"}]},
            {"name": "user 2", "projects": [{"name": "project 1"}, {"name": "project 2"}]},
            {"name": "user 3", "projects": [{"name": "project 2"}]},
            {"name": "user 4", "projects": []},
        ],
    }
    for schema in (ORM, ROWS):
        data, log = run(small, query, schema)
        log.assert_count(9)
        assert data == expected


def test_two_types_of_one_relationship_keep_their_own_rows(small: Engine) -> None:
    """A to-one and a list each selected through the model's type and through
    a type whose get_queryset restricts its rows: each field answers with its
    own type's rows, optimized or not."""
    query = (
        "{ users { name profile { bio } publicProfile { bio } } "
        "issues(limit: 2) { assignees { id owner } owners { id } } }"
    )
    expected = {
        "users": [
            {"name": "user 1", "profile": {"bio": "bio of user 1"}, "publicProfile": None},
            {"name": "user 2", "profile": None, "publicProfile": None},
            {
                "name": "user 3",
                "profile": {"bio": "bio of user 3"},
                "publicProfile": {"bio": "bio of user 3"},
            },
            {"name": "user 4", "profile": None, "publicProfile": None},
        ],
        "issues": [
            {
                "assignees": [{"id": "1", "owner": True}, {"id": "2", "owner": False}],
                "owners": [{"id": "1"}],
            },
            {"assignees": [], "owners": []},
        ],
    }
    for schema in (ORM, ROWS):
        data, log = run(small, query, schema)
        log.assert_count(5)
        assert data == expected
    assert run(small, query, OFF)[0] == expected


def test_one_row_of_a_list_required(small: Engine) -> None:
    """A required ``single`` field without an order: no row and several rows
    are errors (Django's ``get()`` raises for both)."""
    query = "{ a: milestone(id: 4) { onlyIssue { id } } b: milestone(id: 1) { onlyIssue { id } } }"
    for schema in (ORM, ROWS, OFF):
        with Session(small) as session:
            result = schema.execute_sync(query, context_value={"session": session})
        assert result.data == {"a": None, "b": None}
        assert [(error.message, error.path) for error in result.errors or []] == [
            (
                "Cannot return null for non-nullable field MilestoneType.onlyIssue.",
                ["a", "onlyIssue"],
            ),
            (
                "Milestone.issues has several rows where one was expected: "
                "give the field an order_by to pick one",
                ["b", "onlyIssue"],
            ),
        ]


def test_resolvers_reading_annotations(small: Engine, large: Engine) -> None:
    """A resolver's ``annotate`` values exist only when the optimizer runs
    (off, they read ``None``, as strawberry-django's need its optimizer)."""
    query = "{ projects { nameLength mixed } }"
    for engine in (small, large):
        for schema in (ORM, ROWS):
            data, log = run(engine, query, schema)
            log.assert_count(2)
            assert data["projects"][:2] == [
                {"nameLength": 9, "mixed": "2 of 2"},
                {"nameLength": 9, "mixed": "2 of 2"},
            ]


def test_a_nested_list_loads_only_the_selected_columns(small: Engine) -> None:
    for schema in (ORM, ROWS):
        data, log = run(small, "{ project(id: 1) { milestones { id name } } }", schema)
        assert data == {
            "project": {
                "milestones": [
                    {"id": "1", "name": "milestone 1"},
                    {"id": "2", "name": "milestone 2"},
                ]
            }
        }
        log.assert_count(2)
        assert "due_on" not in log.statements[1].sql


def test_a_deep_query_in_the_json_mode(dialect: str, small: Engine, large: Engine) -> None:
    """One statement writes the whole answer, except on SQLite, whose parser
    cannot read a statement nesting this deep: the statement is refused
    before it runs, and the row mode answers."""
    for engine in (small, large):
        data, log = run(engine, DEEP, JSON)
        assert json.dumps(data) == json.dumps(run(engine, DEEP)[0])
        log.assert_count(1 + 6 if dialect == "sqlite" else 1)


# (query, statements in the ORM, row and JSON modes, the small set's data)
IS_NULL: list[tuple[str, tuple[int, int, int], dict[str, Any]]] = [
    (
        # A user's profile is a reverse one-to-one: no key of the user's to be NULL.
        "{ without: users(filter: {profile: {isNull: true}}) { name } "
        'with: users(filter: {profile: {isNull: false, bio: {contains: "3"}}}) { name } }',
        (2, 2, 2),
        {"without": [{"name": "user 2"}, {"name": "user 4"}], "with": [{"name": "user 3"}]},
    ),
    (
        "{ tags { name issues(filter: {OR: [{milestone: {isNull: true}}, "
        "{priority: {eq: 1}}]}) { id } } }",
        (2, 2, 1),
        {
            "tags": [
                {"name": "tag 1", "issues": [{"id": "2"}, {"id": "5"}, {"id": "8"}]},
                {"name": "tag 2", "issues": [{"id": "2"}, {"id": "5"}, {"id": "8"}]},
                {"name": "tag 3", "issues": []},
            ]
        },
    ),
]


@pytest.mark.parametrize(
    ("query", "statements", "expected"), IS_NULL, ids=["a reverse one-to-one", "a nested list"]
)
def test_is_null_on_a_reverse_one_to_one_and_in_a_nested_list(
    small: Engine, large: Engine, query: str, statements: tuple[int, int, int], expected: Any
) -> None:
    for engine in (small, large):
        answers = [run(engine, query, schema) for schema in (ORM, ROWS, JSON)]
        assert tuple(log.count for _, log in answers) == statements
        assert {json.dumps(data) for data, _ in answers} == {json.dumps(answers[0][0])}
        assert answers[0][0] == run(engine, query, OFF)[0]
    assert run(small, query)[0] == expected
