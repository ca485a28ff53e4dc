"""GraphQL queries through OptimizerExtension: exact statement counts at two
data sizes, and the same response as with the optimizer off."""

from __future__ import annotations

import json
import threading
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from loadplan.strawberry.pagination import encode_cursor
from loadplan.testing import QueryLog, count_queries
from tests.async_databases import async_engine_of
from tests.databases import IsolatedDatabase
from tests.loadplan.conftest import execute_without_errors
from tests.loadplan.strawberry.schema import make_schema

OPTIMIZED = make_schema()
FAST = make_schema(rows=True, mode_header="X-Loadplan-Mode", json="off")
JSON = make_schema(rows=True)
UNOPTIMIZED = make_schema(enabled=False)
LIMITED = make_schema(max_page_size=10)


def run(
    engine: Engine, query: str, variables: dict[str, Any] | None = None, schema: Any = OPTIMIZED
) -> tuple[dict[str, Any], QueryLog]:
    """The answer of ``schema`` (by default the optimized one), asserted error-free."""
    return execute_without_errors(engine, schema, query, variables)


# (id, query, variables, statements): each runs on both data sets with the
# optimizer, and on the small one without it to compare responses.
CASES: list[tuple[str, str, dict[str, Any] | None, int]] = [
    ("columns", "{ projects { id name code status } }", None, 1),
    (
        "to-one chain",
        "{ tasks { name status { name } taskType { shortName } entity { name project { code } } } }",
        None,
        1,
    ),
    (
        "sibling collections with to-ones",
        "{ projects { entities { name tasks { name } } memberships { role person { name } } } }",
        None,
        4,
    ),
    (
        "named fragment",
        "query { tasks { ...T } } fragment T on TaskGQL { name status { shortName } }",
        None,
        1,
    ),
    (
        "inline fragments on interface, joined inheritance",
        "{ entities { name ... on AssetGQL { assetType } ... on ShotGQL { frameIn project { code } } } }",
        None,
        1,
    ),
    (
        "include and skip with variables",
        "query($with: Boolean!, $skip: Boolean!) { tasks { name "
        "status @include(if: $with) { name } taskType @skip(if: $skip) { name } } }",
        {"with": True, "skip": True},
        1,
    ),
    (
        "variables in arguments",
        "query($n: Int!) { taskPage(limit: $n, order: [{id: ASC}]) { totalCount results { name } } }",
        {"n": 5},
        2,
    ),
    ("typename", "{ entities { __typename name } }", None, 1),
    (
        "aliases with equal arguments load once",
        "{ projects { a: entities { name } b: entities { description } } }",
        None,
        2,
    ),
    (
        "aliases with different arguments",
        '{ projects { a: entities(limit: 1) { name } b: entities(filter: {name: {contains: "asset"}}) { name } } }',
        None,
        3,
    ),
    (
        "nested filter and order",
        '{ projects { entities(filter: {name: {startswith: "shot"}}, order: [{name: DESC}]) { name } } }',
        None,
        2,
    ),
    (
        "nested offset page with total",
        "{ tasks { id commentsPage(limit: 1, offset: 1) { totalCount results { text } } } }",
        None,
        2,
    ),
    (
        "nested connection",
        "{ sequences { name shotConnection(first: 2) { totalCount "
        "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { name } } } } }",
        None,
        2,
    ),
    (
        "nested connection after a cursor",
        "query($after: String) { sequences { shotConnection(first: 1, after: $after) "
        "{ totalCount pageInfo { hasPreviousPage } edges { cursor node { name } } } } }",
        {"after": encode_cursor(0)},
        2,
    ),
    (
        "nested connection last",
        "{ sequences { shotConnection(last: 1) { totalCount pageInfo { hasNextPage hasPreviousPage } "
        "edges { cursor node { name } } } } }",
        None,
        2,
    ),
    (
        "nested connection last before",
        "query($before: String) { sequences { shotConnection(last: 1, before: $before) "
        "{ edges { cursor node { name } } } } }",
        {"before": encode_cursor(2)},
        2,
    ),
    (
        "root connection with total",
        "{ taskConnection(first: 3, order: [{id: DESC}]) { totalCount pageInfo { hasNextPage } "
        "edges { node { name } } } }",
        None,
        2,
    ),
    (
        "root connection without total",
        "{ taskConnection(first: 3, filter: {priority: {ge: 3}}) { edges { cursor node { name priority } } } }",
        None,
        1,
    ),
    (
        "root offset page",
        "{ taskPage(limit: 4, offset: 2, order: [{priority: ASC}, {id: ASC}]) { totalCount results { name } } }",
        None,
        2,
    ),
    (
        "to-many as a single object",
        "{ tasks(order: [{id: ASC}], limit: 400) { name latestComment { text author { name } } } }",
        None,
        2,
    ),
    (
        "connection under a collection",
        "{ projects { entities { taskConnection(first: 1) { totalCount edges { node { name } } } } } }",
        None,
        3,
    ),
    (
        "connections two levels deep",
        "{ sequences { shotConnection(first: 2) { edges { node { name "
        "taskConnection(first: 1, order: [{id: DESC}]) { totalCount edges { node { name } } } } } } } }",
        None,
        3,
    ),
    (
        "polymorphic relationship target",
        "{ tasks { entity { name ... on AssetGQL { assetType } ... on ShotGQL { frameOut } } } }",
        None,
        2,
    ),
    (
        "fragment on the interface itself",
        "{ entities { ... on EntityInterface { name } } }",
        None,
        1,
    ),
    (
        "single-table inheritance",
        "{ projects { notes { body ... on ClientNoteType { clientName } "
        "... on InternalNoteType { department } } } }",
        None,
        2,
    ),
    (
        "custom root resolver returning a Select",
        "{ tasksWithDoneStatus { name assignees { name } } }",
        None,
        2,
    ),
    (
        "custom root resolver for one object",
        '{ project(id: "1") { name entities { name } } }',
        None,
        2,
    ),
    (
        "custom resolvers returning objects, with hints",
        "{ tasks { title team { name email } } }",
        None,
        2,
    ),
    ("computed field", "{ projects { name entityCount } }", None, 1),
    (
        "computed field nested",
        "{ projects { entities { tasks { name commentCount } } } }",
        None,
        3,
    ),
    ("dotted field_name", "{ tasks { typeName } }", None, 1),
    ("model property with hints", "{ tasks { isLate } }", None, 1),
    ("hybrid property", "{ entities { name ... on ShotGQL { duration } } }", None, 1),
    ("get_queryset on a root list", "{ sequences { name archived } }", None, 1),
    ("get_queryset on a nested list", "{ projects { sequences { name archived } } }", None, 2),
    (
        "get_queryset on a to-one",
        "{ entities { ... on ShotGQL { name sequence { name } } } }",
        None,
        1,
    ),
    (
        "depth five",
        "{ projects { entities { tasks { assignees { tasks { name } } } } } }",
        None,
        5,
    ),
    (
        "root filter, order and page",
        "{ tasks(filter: {priority: {in: [1, 2]}}, order: [{priority: DESC}, {id: ASC}], limit: 5, offset: 2) "
        "{ name priority } }",
        None,
        1,
    ),
    ("ID filter", '{ tasks(filter: {id: {eq: "3"}}) { name } }', None, 1),
    ("many-to-many", "{ people { name tasks { name } } }", None, 2),
    ("self reference", "{ tasks { name subtasks { name } parent { name } } }", None, 2),
    (
        "the same relationship along two paths",
        "{ tasks { entity { name tasks { entity { description } } } } }",
        None,
        2,
    ),
    (
        "fragments merging one relationship",
        "query { projects { entities { name } ...E } } fragment E on ProjectGQL { entities { description } }",
        None,
        2,
    ),
]


@pytest.mark.parametrize(
    ("query", "variables", "statements"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_query(
    small: Engine, large: Engine, query: str, variables: dict[str, Any] | None, statements: int
) -> None:
    data, log = run(small, query, variables)
    log.assert_count(statements)
    _, large_log = run(large, query, variables)
    large_log.assert_count(statements)
    expected, _ = run(small, query, variables, UNOPTIMIZED)
    assert data == expected
    # The fast path (the row mode, resolvers returning objects included):
    # same answer, same statements.
    fast, fast_log = run(small, query, variables, FAST)
    assert json.dumps(fast) == json.dumps(data)
    fast_log.assert_count(statements)
    # The JSON mode where it answers: same answer, no more statements.
    written, json_log = run(small, query, variables, JSON)
    assert json.dumps(written) == json.dumps(data)
    assert json_log.count <= statements


def test_exact_payload_of_a_nested_page(small: Engine) -> None:
    data, log = run(
        small,
        "{ sequences { name shotConnection(first: 1) { totalCount pageInfo { hasNextPage endCursor } "
        "edges { node { name frameIn } } } } }",
    )
    log.assert_count(2)
    assert data == {
        "sequences": [
            {
                "name": "SQ000",
                "shotConnection": {
                    "totalCount": 3,
                    "pageInfo": {"hasNextPage": True, "endCursor": encode_cursor(0)},
                    "edges": [{"node": {"name": "shot 2", "frameIn": 2}}],
                },
            },
            {
                "name": "SQ000",
                "shotConnection": {
                    "totalCount": 3,
                    "pageInfo": {"hasNextPage": True, "endCursor": encode_cursor(0)},
                    "edges": [{"node": {"name": "shot 8", "frameIn": 2}}],
                },
            },
        ]
    }


def test_exact_payload_of_aliases_with_different_limits(small: Engine) -> None:
    data, _ = run(
        small,
        '{ project(id: "1") { one: entities(limit: 1, order: [{id: DESC}]) { name } '
        "two: entities(limit: 2) { name } all: entities { id } } }",
    )
    assert data == {
        "project": {
            "one": [{"name": "shot 6"}],
            "two": [{"name": "asset 1"}, {"name": "shot 2"}],
            "all": [{"id": str(i)} for i in range(1, 7)],
        }
    }


def test_a_tag_with_no_items_has_total_zero(small: Engine) -> None:
    data, log = run(
        small,
        '{ tasks(filter: {id: {in: ["2", "3"]}}) { id subtasks: commentConnection(first: 2, '
        'filter: {text: {eq: "nope"}}) { totalCount edges { node { text } } } } }',
    )
    log.assert_count(2)
    assert data == {
        "tasks": [
            {"id": "2", "subtasks": {"totalCount": 0, "edges": []}},
            {"id": "3", "subtasks": {"totalCount": 0, "edges": []}},
        ]
    }


def test_annotation_read_by_a_custom_resolver(small: Engine) -> None:
    data, log = run(small, "{ tasks(limit: 2) { openCommentCount } }")
    log.assert_count(1)
    assert data == {"tasks": [{"openCommentCount": 2}, {"openCommentCount": 2}]}


def test_mutation_reloads_the_payload_selection_without_pruning(small: Engine) -> None:
    query = (
        'mutation { renameTask(data: {id: "1", name: "renamed"}) '
        "{ id name status { name } comments { text } } }"
    )
    data, log = run(small, query)
    # get, UPDATE, reload with status joined, comments
    log.assert_count(4)
    assert "UPDATE task" in log[1].sql
    assert "due_date" in log[2].sql
    assert data == {
        "renameTask": {
            "id": "1",
            "name": "renamed",
            "status": {"name": "Work in progress"},
            "comments": [{"text": "comment 2"}, {"text": "comment 1"}],
        }
    }


def test_page_size_limit_is_a_graphql_error(small: Engine) -> None:
    with Session(small) as session:
        result = LIMITED.execute_sync(
            "{ taskConnection(first: 11) { totalCount } }", context_value={"session": session}
        )
    assert result.data is None
    assert [e.message for e in result.errors or []] == ["first must not exceed 10"]


def test_unknown_cursor_is_a_graphql_error(small: Engine) -> None:
    with Session(small) as session:
        result = OPTIMIZED.execute_sync(
            '{ taskConnection(first: 1, after: "nope") { totalCount } }',
            context_value={"session": session},
        )
    assert [e.message for e in result.errors or []] == ["invalid cursor: 'nope'"]


async def test_async_session(small: Engine, small_database: IsolatedDatabase) -> None:
    async_engine = async_engine_of(small_database)
    query = (
        "{ projects { name entities { name ... on AssetGQL { assetType } "
        "taskConnection(first: 1) { totalCount edges { node { name status { name } } } } } } }"
    )
    try:
        async with AsyncSession(async_engine) as session:
            with count_queries(async_engine) as log:
                result = await OPTIMIZED.execute(query, context_value={"session": session})
        assert result.errors is None
        log.assert_count(3)
        expected, _ = run(small, query)
        assert result.data == expected
    finally:
        await async_engine.dispose()
        small_database.engines.remove(async_engine)


def test_custom_polymorphism_on_one_table(small: Engine) -> None:
    query = "{ statuses { __typename name ... on DoneStatus { isDone } ... on OpenStatus { shortName } } }"
    data, log = run(small, query)
    log.assert_count(1)
    assert data == {
        "statuses": [
            {"__typename": "OpenStatus", "name": "Todo", "shortName": "todo"},
            {"__typename": "OpenStatus", "name": "Work in progress", "shortName": "wip"},
            {"__typename": "DoneStatus", "name": "Done", "isDone": True},
        ]
    }


def test_disable_optimization_plans_the_field_on_its_own(small: Engine) -> None:
    query = (
        "{ tasks(limit: 2) { name unplannedComments(limit: 1) { text author { name } } "
        "comments { text } } }"
    )
    data, log = run(small, query)
    # tasks; comments (selectin); then one planned statement per task
    log.assert_count(2 + 2)
    # The fast path: the same, plus the task objects the field resolves on.
    fast, fast_log = run(small, query, schema=FAST)
    fast_log.assert_count(2 + 1 + 2)
    assert json.dumps(fast) == json.dumps(data)
    assert data == {
        "tasks": [
            {
                "name": "task 1",
                "unplannedComments": [{"text": "comment 2", "author": {"name": "Person 2"}}],
                "comments": [{"text": "comment 2"}, {"text": "comment 1"}],
            },
            {
                "name": "task 2",
                "unplannedComments": [{"text": "comment 4", "author": {"name": "Person 2"}}],
                "comments": [{"text": "comment 4"}, {"text": "comment 3"}],
            },
        ]
    }


async def test_async_resolver_returning_a_select(small: Engine) -> None:
    query = "{ asyncTasks(first: 2) { name status { name } assignees { name } } }"
    with Session(small) as session, count_queries(small) as log:
        result = await OPTIMIZED.execute(query, context_value={"session": session})
    assert result.errors is None
    log.assert_count(2)
    assert result.data == {
        "asyncTasks": [
            {
                "name": "task 1",
                "status": {"name": "Work in progress"},
                "assignees": [{"name": "Person 2"}, {"name": "Person 4"}],
            },
            {
                "name": "task 2",
                "status": {"name": "Done"},
                "assignees": [{"name": "Person 3"}, {"name": "Person 5"}],
            },
        ]
    }


@pytest.mark.parametrize(
    ("options", "statements", "in_sql", "not_in_sql"),
    [
        ({}, 2, "LEFT OUTER JOIN status", "task.due_date"),
        ({"only": False}, 2, "task.due_date", None),
        ({"joined": False}, 3, None, "LEFT OUTER JOIN status"),
        ({"selectin": False, "strict": "off"}, 1 + 3, None, None),
        ({"expressions": False, "strict": "off"}, 2 + 3, None, "count(*)"),
    ],
    ids=["all on", "only off", "joined off", "selectin off", "expressions off"],
)
def test_switches(
    small: Engine,
    options: dict[str, Any],
    statements: int,
    in_sql: str | None,
    not_in_sql: str | None,
) -> None:
    query = "{ tasks(limit: 3) { name status { name } comments { text } commentCount } }"
    data, log = run(small, query, schema=make_schema(**options))
    log.assert_count(statements)
    if in_sql:
        assert in_sql in log[0].sql
    if not_in_sql:
        assert not_in_sql not in log[0].sql
    expected, _ = run(small, query)
    assert data == expected


def _names(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["name"] for edge in connection["edges"]]


def test_last_reverses_the_whole_order(small: Engine) -> None:
    # Comments are ordered newest first by the relationship; priorities repeat.
    query = (
        "{ tasks(limit: 1) { all: commentConnection(first: 10) { edges { node { text } } } "
        "tail: commentConnection(last: 1) { edges { cursor node { text } } } } "
        "taskConnection(last: 2, order: [{priority: ASC}]) { edges { cursor node { name } } } "
        "every: taskConnection(first: 100, order: [{priority: ASC}]) { edges { cursor node { name } } } }"
    )
    data, _ = run(small, query)
    task = data["tasks"][0]
    assert [e["node"]["text"] for e in task["all"]["edges"]] == ["comment 2", "comment 1"]
    assert task["tail"]["edges"] == [{"cursor": encode_cursor(1), "node": {"text": "comment 1"}}]
    every = data["every"]["edges"]
    assert data["taskConnection"]["edges"] == every[-2:]
    expected, _ = run(small, query, schema=UNOPTIMIZED)
    assert data == expected


def test_in_filter_on_a_nested_list(small: Engine) -> None:
    query = '{ projects { entities(filter: {id: {in: ["1", "3"]}}) { name } } }'
    data, log = run(small, query)
    log.assert_count(2)
    assert data == {
        "projects": [{"entities": [{"name": "asset 1"}, {"name": "asset 3"}]}, {"entities": []}]
    }


def test_a_custom_session_getter_serves_resolvers_that_query_on_their_own(small: Engine) -> None:
    schema = make_schema(enabled=False, session_getter=lambda info: info.context["db"])
    query = "{ tasks(limit: 2) { name commentCount latestComment { text } } }"
    with Session(small) as session:
        result = schema.execute_sync(query, context_value={"db": session})
    assert result.errors is None
    assert result.data == {
        "tasks": [
            {"name": "task 1", "commentCount": 2, "latestComment": {"text": "comment 2"}},
            {"name": "task 2", "commentCount": 2, "latestComment": {"text": "comment 4"}},
        ]
    }


def test_rules_apply_to_every_level_of_a_query(small: Engine) -> None:
    from tests.loadplan import models as m

    schema = make_schema(rules={m.Task: lambda task, info: task.priority >= 4})
    query = (
        "{ tasks(order: [{id: ASC}]) { id priority } "
        "projects { entities { id tasks { id } taskConnection(first: 1) { totalCount } } } }"
    )
    data, log = run(small, query, schema=schema)
    log.assert_count(5)
    assert {t["priority"] for t in data["tasks"]} <= {4, 5, 6}
    visible = {t["id"] for t in data["tasks"]}
    for project in data["projects"]:
        for entity in project["entities"]:
            ids = [t["id"] for t in entity["tasks"]]
            assert set(ids) <= visible
            assert entity["taskConnection"]["totalCount"] == len(ids)


def _completed_from_rows(query: str, engine: Engine) -> int:
    """How many objects the fast path completed for ``query``."""
    from loadplan.strawberry.rows import RowExecutionContext

    calls = 0
    original = RowExecutionContext._complete_object

    def counting(self: Any, *args: Any) -> Any:
        nonlocal calls
        calls += 1
        return original(self, *args)

    RowExecutionContext._complete_object = counting  # type: ignore[method-assign]
    try:
        with Session(engine) as session:
            FAST.execute_sync(query, context_value={"session": session})
    finally:
        RowExecutionContext._complete_object = original  # type: ignore[method-assign]
    return calls


def test_the_fast_path_runs_where_nothing_needs_a_resolver(small: Engine) -> None:
    assert _completed_from_rows("{ projects { name entities { name } } }", small) == 2 + 12
    # Resolvers that declare what they read run on views of the rows; the
    # people one returns are views of the rows its hint loaded, completed as
    # rows too (two tasks, two people each).
    assert _completed_from_rows("{ tasks(limit: 2) { title openCommentCount } }", small) == 2
    assert _completed_from_rows("{ tasks(limit: 2) { team { name } } }", small) == 2 + 4
    # Custom type resolution (one table, several types): the ORM mode answers.
    assert _completed_from_rows("{ statuses { name ... on DoneStatus { isDone } } }", small) == 0


def _both_modes(engine: Engine, query: str) -> dict[str, Any]:
    """The response of ``query`` in the ORM mode, after checking the fast
    path answered it (at least in part) with the same bytes."""
    assert _completed_from_rows(query, engine) > 0
    results = []
    for schema in (OPTIMIZED, FAST):
        with Session(engine) as session:
            result = schema.execute_sync(query, context_value={"session": session})
        errors = [e.formatted for e in result.errors or []]
        results.append(json.dumps({"data": result.data, "errors": errors}))
    assert results[0] == results[1]
    body: dict[str, Any] = json.loads(results[0])
    return body


def test_field_errors_are_the_same_in_both_modes(small: Engine) -> None:
    # 2**40 is no GraphQL Int: a located error, the nullable field nulled.
    body = _both_modes(
        small, "{ tasks(limit: 2) { id hugeNumber status { name } } okay: projects { id } }"
    )
    assert body["data"] == {
        "tasks": [
            {"id": "1", "hugeNumber": None, "status": {"name": "Work in progress"}},
            {"id": "2", "hugeNumber": None, "status": {"name": "Done"}},
        ],
        "okay": [{"id": "1"}, {"id": "2"}],
    }
    assert [(e["path"], e["message"]) for e in body["errors"]] == [
        (
            ["tasks", 0, "hugeNumber"],
            "Int cannot represent non 32-bit signed integer value: 1099511627776",
        ),
        (
            ["tasks", 1, "hugeNumber"],
            "Int cannot represent non 32-bit signed integer value: 1099511627776",
        ),
    ]


def test_non_null_violations_are_the_same_in_both_modes(small: Engine) -> None:
    # Task 1 has no parent: its non-null parentKey nulls the non-null task,
    # and so the nearest nullable parent, the latest comment.
    query = (
        "{ tasks(limit: 3, order: [{id: ASC}]) { id latestComment { id task { id parentKey } } } }"
    )
    body = _both_modes(small, query)
    assert body["data"] == {
        "tasks": [
            {"id": "1", "latestComment": None},
            {"id": "2", "latestComment": {"id": "4", "task": {"id": "2", "parentKey": 1}}},
            {"id": "3", "latestComment": {"id": "6", "task": {"id": "3", "parentKey": 1}}},
        ]
    }
    assert body["errors"] == [
        {
            "message": "Cannot return null for non-nullable field TaskGQL.parentKey.",
            "locations": [{"line": 1, "column": 73}],
            "path": ["tasks", 0, "latestComment", "task", "parentKey"],
        }
    ]


def test_rows_without_the_execution_context_is_a_configuration_error(small: Engine) -> None:
    import strawberry

    import loadplan.strawberry as lp
    from tests.loadplan.strawberry.schema import AssetGQL, Query, ShotGQL

    schema = strawberry.Schema(
        query=Query,
        types=[AssetGQL, ShotGQL],
        extensions=[lp.OptimizerExtension.with_options(rows=True)],
    )
    with Session(small) as session, count_queries(small) as log:
        result = schema.execute_sync("{ projects { name } }", context_value={"session": session})
    assert result.data is None
    assert [error.message for error in result.errors or []] == [
        "OptimizerExtension(rows=True) needs a schema built with "
        "execution_context_class=loadplan.strawberry.RowExecutionContext, "
        "which completes the row answers"
    ]
    log.assert_count(0)


def test_a_resolver_returning_objects_inside_rows_answers_as_the_orm_mode(small: Engine) -> None:
    # ``team`` returns people it reads through its hint: views of their
    # rows; the Int error of each task is located and ordered as in the ORM mode.
    body = _both_modes(small, "{ tasks(limit: 2) { id hugeNumber team { name } } }")
    assert body["data"] == {
        "tasks": [
            {"id": "1", "hugeNumber": None, "team": [{"name": "Person 2"}, {"name": "Person 4"}]},
            {"id": "2", "hugeNumber": None, "team": [{"name": "Person 3"}, {"name": "Person 5"}]},
        ]
    }
    assert [e["path"] for e in body["errors"]] == [
        ["tasks", 0, "hugeNumber"],
        ["tasks", 1, "hugeNumber"],
    ]


def test_the_response_header_names_the_modes_that_answered(small: Engine) -> None:
    # Custom type resolution (statuses) keeps the ORM mode; projects use rows.
    query = "{ statuses { name ... on DoneStatus { isDone } } projects { name } }"
    response = SimpleNamespace(headers={})
    with Session(small) as session:
        result = FAST.execute_sync(query, context_value={"session": session, "response": response})
    assert result.errors is None
    assert response.headers == {"X-Loadplan-Mode": "rows,orm"}


def test_no_header_names_the_mode_unless_asked(small: Engine) -> None:
    response = SimpleNamespace(headers={})
    request = SimpleNamespace(headers={"X-Loadplan-Mode": "orm"})
    context = {"session": None, "request": request, "response": response}
    with Session(small) as session:
        context["session"] = session
        result = make_schema(rows=True).execute_sync("{ projects { name } }", context_value=context)
    assert result.errors is None
    assert response.headers == {}


@pytest.mark.parametrize("schema", [OPTIMIZED, FAST], ids=["objects", "rows"])
def test_one_parents_pages_are_limited_and_counted_only_for_a_total(
    small: Engine, schema: Any
) -> None:
    query = (
        '{ tasks(filter: {id: {in: ["2"]}}) { id '
        "recent: comments(limit: 1, order: [{id: DESC}]) { text } "
        "commentsPage(limit: 1) { totalCount results { text } } "
        "latestComment { text } } }"
    )
    data, log = run(small, query, schema=schema)
    expected, _ = run(small, query, schema=UNOPTIMIZED)
    assert data == expected
    assert data["tasks"][0]["commentsPage"]["totalCount"] == 2
    # ``recent`` and ``latestComment`` ask the same page: one statement.
    log.assert_count(3)
    pages = [sql.upper() for sql in log.sql[1:]]
    assert all(" LIMIT " in sql and "ROW_NUMBER" not in sql for sql in pages)
    assert sum("COUNT(*)" in sql for sql in pages) == 1


@pytest.mark.parametrize("schema", [OPTIMIZED, FAST], ids=["objects", "rows"])
def test_a_root_connections_page_info_reads_one_row_more_instead_of_counting(
    small: Engine, schema: Any
) -> None:
    """Without totalCount, hasNextPage comes from one row read beyond the
    page: one statement, and the answer the count would give, at the end of
    the list, one row before it and past it (``after`` the first row)."""
    total = run(small, "{ taskConnection { totalCount } }")[0]["taskConnection"]["totalCount"]
    after = encode_cursor(0)
    for first, arguments, has_next in [
        (total, "", False),
        (total - 1, "", True),
        (total - 1, f', after: "{after}"', False),
        (total - 2, f', after: "{after}"', True),
        (0, "", True),
    ]:
        query = (
            f"{{ taskConnection(first: {first}{arguments}) "
            "{ pageInfo { hasNextPage hasPreviousPage endCursor } edges { node { id } } } }"
        )
        data, log = run(small, query, schema=schema)
        log.assert_count(1)
        page = data["taskConnection"]
        assert page["pageInfo"]["hasNextPage"] is has_next
        assert len(page["edges"]) == first
        counted = run(small, query.replace("pageInfo {", "totalCount pageInfo {"), schema=schema)
        assert counted[1].count == 2
        assert {**counted[0]["taskConnection"], "totalCount": None} == {**page, "totalCount": None}


def test_fragments_spread_twice_below_a_connection_are_read_once(small: Engine) -> None:
    """Whether a connection's totalCount is selected is read through its
    fragments, each once: spreading the next fragment twice at each of 40
    levels would be 2^40 walks."""
    levels = 40
    fragments = [
        f"fragment C{i} on TaskGQLConnection {{ ...C{i + 1} ...C{i + 1} }}" for i in range(levels)
    ]
    fragments.append(
        f"fragment C{levels} on TaskGQLConnection {{ totalCount pageInfo {{ hasNextPage }} }}"
    )
    query = "{ taskConnection(first: 2) { ...C0 } } " + " ".join(fragments)
    answers: list[tuple[dict[str, Any], QueryLog]] = []
    worker = threading.Thread(target=lambda: answers.append(run(small, query)), daemon=True)
    worker.start()
    worker.join(10)
    assert answers, "no answer within 10 s"
    data, log = answers[0]
    log.assert_count(2)
    expected, _ = run(small, "{ taskConnection(first: 2) { totalCount pageInfo { hasNextPage } } }")
    assert data == expected


def test_a_fragment_spread_twice_in_one_selection_set_is_collected_once(small: Engine) -> None:
    """As the spec's CollectFields: each fragment spreading the next twice
    makes 2^n paths, which the selection walked one by one (2^16: seconds)."""
    levels = 40
    fragments = [
        f"fragment F{i} on ProjectGQL {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)
    ]
    fragments.append(f"fragment F{levels} on ProjectGQL {{ code entities {{ name }} }}")
    query = "{ projects { ...F0 } } " + " ".join(fragments)
    answers: list[tuple[dict[str, Any], QueryLog]] = []
    worker = threading.Thread(target=lambda: answers.append(run(small, query)), daemon=True)
    worker.start()
    worker.join(10)  # 2^40 paths would never end: linear work ends at once
    assert answers, "no answer within 10 s"
    data, log = answers[0]
    log.assert_count(2)
    expected, _ = run(small, "{ projects { code entities { name } } }")
    assert data == expected
