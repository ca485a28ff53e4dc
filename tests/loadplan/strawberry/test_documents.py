"""The GraphQL JSON mode: root lists written by the database, answered as
the row and ORM modes answer them (the same bytes, errors included), in
one statement, on every dialect."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from loadplan.strawberry.documents import completed
from loadplan.testing import count_queries
from tests.loadplan import models as m
from tests.loadplan.strawberry.schema import make_schema

HEADER = "X-Loadplan-Mode"
ORM = make_schema()
ROWS = make_schema(rows=True, mode_header=HEADER, json="off")
JSON = make_schema(rows=True, mode_header=HEADER)
FORCED = make_schema(rows=True, mode_header=HEADER, json="force")


def answer(
    engine: Engine, schema: Any, query: str, variables: dict[str, Any] | None = None
) -> tuple[str, int, str | None]:
    """The response as JSON text (data and errors), its statement count and
    the modes that ran."""
    response = SimpleNamespace(headers={})
    with Session(engine) as session, count_queries(engine) as log:
        result = schema.execute_sync(
            query,
            variable_values=variables,
            context_value={"session": session, "response": response},
        )
    errors = [error.formatted for error in result.errors or []]
    body = json.dumps({"data": result.data, "errors": errors})
    return body, log.count, response.headers.get(HEADER)


# (id, query, variables): each answered by the JSON mode in one statement
# per root list.
WRITTEN: list[tuple[str, str, dict[str, Any] | None]] = [
    ("columns and an enum", "{ projects { id name code status } }", None),
    (
        "to-ones, a date, a dotted field",
        "{ tasks { id dueDate typeName status { name isDone } taskType { shortName } } }",
        None,
    ),
    (
        "aliases, typename, key order as selected",
        "{ t: tasks(limit: 3) { __typename second: name first: id again: id } }",
        None,
    ),
    (
        "nested lists with arguments and their aliases",
        "{ tasks { id top: comments(order: [{id: DESC}], limit: 1) { id text } "
        "comments { id author { name } } assignees { name } } }",
        None,
    ),
    (
        "fragments, skip and include",
        "query ($yes: Boolean!) { tasks { ...T name @include(if: $yes) id @skip(if: $yes) } } "
        "fragment T on TaskGQL { priority ... on TaskGQL { commentCount } }",
        {"yes": True},
    ),
    ("a filtered root list", '{ tasks(filter: {name: {eq: "Task 2"}}) { id name } }', None),
    (
        "declared projections as JSON",
        "{ tasks { assigneeNames authorsByText comments { id } } }",
        None,
    ),
    ("a single object of a resolver's statement", '{ project(id: "2") { id name } }', None),
    ("none", '{ project(id: "999") { id name } }', None),
]


@pytest.mark.parametrize(
    ("query", "variables"), [c[1:] for c in WRITTEN], ids=[c[0] for c in WRITTEN]
)
def test_the_json_mode_answers_as_the_other_modes_in_one_statement(
    small: Engine, large: Engine, query: str, variables: dict[str, Any] | None
) -> None:
    for engine in (small, large):
        orm, _, _ = answer(engine, ORM, query, variables)
        rows, _, ran = answer(engine, ROWS, query, variables)
        assert ran == "rows"
        written, count, ran = answer(engine, JSON, query, variables)
        assert (ran, count) == ("json", 1)
        assert written == rows == orm
        assert '"errors": []' in written


def test_the_exact_payload_of_a_json_answer(small: Engine) -> None:
    query = (
        "{ projects(limit: 1) { __typename code status "
        "seqs: sequences { name } members: memberships(limit: 1) { role person { name } } } }"
    )
    body, count, ran = answer(small, JSON, query)
    assert (ran, count) == ("json", 1)
    assert body == json.dumps(
        {
            "data": {
                "projects": [
                    {
                        "__typename": "ProjectGQL",
                        "code": "P1",
                        "status": "open",
                        "seqs": [{"name": "SQ000"}],
                        "members": [{"role": "role1", "person": {"name": "Person 1"}}],
                    }
                ]
            },
            "errors": [],
        }
    )


def test_each_root_list_chooses_its_mode(small: Engine) -> None:
    # The task titles need a resolver: rows; the projects: the database.
    query = "{ tasks(limit: 1) { title } projects(limit: 1) { name } }"
    body, count, ran = answer(small, JSON, query)
    assert ran == "rows,json"
    assert count == 2
    assert body == answer(small, ORM, query)[0]


@pytest.mark.parametrize(
    "query",
    [
        # Out of GraphQL's Int: a field error, as the row mode raises it.
        "{ tasks(limit: 2) { id hugeNumber } }",
        # A non-null field over a NULL: the error nulls the item's parent.
        "{ tasks(limit: 2) { id parentKey } }",
    ],
)
def test_what_would_be_a_field_error_is_left_to_the_row_mode(small: Engine, query: str) -> None:
    body, count, ran = answer(small, JSON, query)
    assert ran == "rows"
    # The JSON mode's statement, then the row mode's.
    assert count == 2
    assert body == answer(small, ROWS, query)[0] == answer(small, ORM, query)[0]
    assert json.loads(body)["errors"]


@pytest.mark.parametrize(
    ("query", "ran"),
    [
        # An interface: the row mode picks each row's type.
        ("{ entities { name } }", "rows"),
        ("{ tasks(limit: 1) { entity { name } } }", "rows"),
        # A relationship of a class to itself.
        ("{ tasks(limit: 1) { parent { id } } }", "rows"),
        # Pages and connections: the row mode builds them.
        ("{ taskPage(limit: 1) { results { id } } }", "rows"),
        ("{ tasks(limit: 1) { commentConnection { edges { node { id } } } } }", "rows"),
        # A resolver of its own.
        ("{ tasks(limit: 1) { openCommentCount } }", "rows"),
        # Custom type resolution: the ORM mode.
        ("{ statuses { name ... on DoneStatus { isDone } } }", "orm"),
    ],
)
def test_what_the_json_mode_cannot_write_runs_as_before(
    small: Engine, query: str, ran: str
) -> None:
    body, _, mode = answer(small, JSON, query)
    assert mode == ran
    assert body == answer(small, ORM, query)[0]


def test_a_request_may_ask_for_the_row_mode(small: Engine) -> None:
    request = SimpleNamespace(headers={HEADER: "rows"})
    response = SimpleNamespace(headers={})
    context = {"request": request, "response": response}
    with Session(small) as session:
        result = JSON.execute_sync(
            "{ projects { name } }", context_value={**context, "session": session}
        )
    assert result.errors is None
    assert response.headers == {HEADER: "rows"}


@pytest.mark.parametrize(
    ("query", "path", "reason"),
    [
        (
            "{ tasks(limit: 1) { id title } }",
            "Query.tasks",
            "TaskGQL.title has a resolver of its own",
        ),
        ("{ entities { name } }", "Query.entities", "EntityInterface is an interface or union"),
        (
            "{ tasks(limit: 1) { commentsPage { totalCount } } }",
            "Query.tasks",
            "TaskGQL.commentsPage is a page field",
        ),
        (
            "{ taskPage(limit: 1) { results { id } } }",
            "Query.taskPage",
            "a page is built by the row mode",
        ),
        (
            "{ tasks(limit: 1) { unplannedComments { id } } }",
            "Query.tasks",
            "TaskGQL.unplannedComments is left out of the plan",
        ),
    ],
)
def test_forced_the_json_mode_says_why_it_cannot_answer(
    small: Engine, query: str, path: str, reason: str
) -> None:
    body, count, _ = answer(small, FORCED, query)
    (error,) = json.loads(body)["errors"]
    assert error["message"] == f"{path}: the JSON mode cannot answer: {reason}"
    assert count == 0


def test_the_items_are_parsed_in_order() -> None:
    value = completed(['{"b":[1,{"a":null}],"a":"x"}', '{"b":[],"a":""}'], is_list=True)
    assert value is not None
    assert [list(item) for item in value.value] == [["b", "a"], ["b", "a"]]
    assert value.value[0]["b"] == [1, {"a": None}]
    assert completed([], is_list=False) is None


def test_a_context_key_spares_rebuilding_the_rules_of_a_key_seen(small: Engine) -> None:
    # Each request sees the comments of one id parity, read from the
    # context; the key is that parity.
    built: list[int] = []

    def parity_rule(comment: Any, info: Any) -> Any:
        built.append(info.context["parity"])
        return comment.id % 2 == info.context["parity"]

    keyed = make_schema(
        rows=True,
        mode_header=HEADER,
        rules={m.Comment: parity_rule},
        context_key=lambda info: info.context["parity"],
    )
    query = "{ tasks(limit: 3) { id comments { id } } }"

    def ask(parity: int) -> tuple[Any, str]:
        response = SimpleNamespace(headers={})
        with Session(small) as session:
            context = {"session": session, "response": response, "parity": parity}
            result = keyed.execute_sync(query, context_value=context)
        assert result.errors is None
        return json.loads(json.dumps(result.data)), response.headers[HEADER]

    even, odd, again = ask(0), ask(1), ask(0)
    assert [ran for _, ran in (even, odd, again)] == ["json"] * 3
    assert again[0] == even[0]
    assert built == [0, 1]
    comments = {
        p: [c["id"] for t in data["tasks"] for c in t["comments"]]
        for p, (data, _) in ((0, even), (1, odd))
    }
    assert {int(i) % 2 for i in comments[0]} == {0}
    assert {int(i) % 2 for i in comments[1]} == {1}
