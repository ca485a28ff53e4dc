"""Relay ``node(id:)`` and ``nodes(ids:)``: the objects GlobalIDs name,
loaded through a plan (one statement per type asked, plus the nested loads
of the selection below), in both modes, at two data sizes."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import strawberry
from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from strawberry import auto, relay

import loadplan.strawberry as lp
from loadplan.testing import assert_queries
from tests.async_databases import async_engine_of, close
from tests.databases import IsolatedDatabase
from tests.loadplan.parity import models as m
from tests.loadplan.parity.data import populate
from tests.loadplan.parity.schema import make_node_schema

ORM = make_node_schema()
ROWS = make_node_schema(rows=True, json="off")


@lp.type(m.Milestone)
class ProjectMilestone:
    name: auto


@lp.interface(m.BaseProject)
class ProjectNode(relay.Node):
    """Nodes of a polymorphic model: joined-table inheritance whose identity
    is an SQL expression, a Node type for the base and for each subtype."""

    topic: auto
    milestones: list[ProjectMilestone]


@lp.type(m.BaseProject)
class PlainProjectNode(ProjectNode):
    pass


@lp.type(m.ArtProject)
class ArtProjectNode(ProjectNode):
    artist: auto


@lp.type(m.ResearchProject)
class ResearchProjectNode(ProjectNode):
    supervisor: auto


@strawberry.type
class ProjectNodeQuery:
    node: relay.Node | None = lp.node()
    nodes: list[relay.Node | None] = lp.nodes()


def _project_schema(**options: Any) -> strawberry.Schema:
    return strawberry.Schema(
        query=ProjectNodeQuery,
        types=[PlainProjectNode, ArtProjectNode, ResearchProjectNode],
        extensions=[lp.OptimizerExtension.with_options(**options)],
        execution_context_class=lp.RowExecutionContext if options.get("rows") else None,
    )


PROJECTS_ORM = _project_schema()
PROJECTS_ROWS = _project_schema(rows=True, json="off")


def gid(type_name: str, key: object) -> str:
    return base64.b64encode(f"{type_name}:{key}".encode()).decode()


NODE = "query($id: ID!) { node(id: $id) { %s } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { %s } }"


def _body(engine: Engine, query: str, ids: Any, schema: Any, statements: int) -> dict[str, Any]:
    variables = {"ids" if isinstance(ids, list) else "id": ids}
    with Session(engine) as session, assert_queries(statements, engine):
        result = schema.execute_sync(
            query, variable_values=variables, context_value={"session": session}
        )
    errors = [e.formatted for e in result.errors or []]
    body: dict[str, Any] = json.loads(json.dumps({"data": result.data, "errors": errors}))
    return body


def _answers(
    small: Engine,
    large: Engine,
    query: str,
    ids: Any,
    statements: int,
    schemas: tuple[Any, Any] = (ORM, ROWS),
) -> dict[str, Any]:
    """The answer, the same in both modes and on both sets (the ids asked
    exist in both), at a fixed statement count."""
    body = _body(small, query, ids, schemas[0], statements)
    for engine in (small, large):
        for schema in schemas:
            assert _body(engine, query, ids, schema, statements) == body
    return body


def _issue(key: int, milestone: int) -> dict[str, Any]:
    return {
        "id": gid("IssueNode", key),
        "name": f"issue {key}",
        "milestone": {"id": gid("MilestoneNode", milestone)},
    }


def test_node_with_nested_lists(small: Engine, large: Engine) -> None:
    # Milestone 2 has issues 4, 5 and 6; issue 6 (priority 5) is hidden by
    # IssueNode.get_queryset. The milestone, then its issues.
    query = NODE % (
        "__typename id ... on MilestoneNode { name issues { id name milestone { id } } } "
        "... on IssueNode { priority }"
    )
    assert _answers(small, large, query, gid("MilestoneNode", 2), 2) == {
        "data": {
            "node": {
                "__typename": "MilestoneNode",
                "id": "TWlsZXN0b25lTm9kZToy",
                "name": "milestone 2",
                "issues": [_issue(4, 2), _issue(5, 2)],
            }
        },
        "errors": [],
    }


def test_node_of_unknown_or_hidden_id_is_null(small: Engine, large: Engine) -> None:
    for key in (999, 3):
        body = _answers(small, large, NODE % "id", gid("IssueNode", key), 1)
        assert body == {"data": {"node": None}, "errors": []}


def test_an_ids_key_is_read_as_the_key_column(small: Engine, large: Engine) -> None:
    body = _answers(small, large, NODES % "id", [gid("IssueNode", "04"), gid("IssueNode", 4)], 1)
    assert body == {"data": {"nodes": [{"id": gid("IssueNode", 4)}] * 2}, "errors": []}


def test_nodes_in_the_order_asked(small: Engine, large: Engine) -> None:
    # One statement for the issues, one for the milestones, one for the
    # milestones' issues; missing and hidden issues are null in place.
    ids = [
        gid("IssueNode", 4),
        gid("MilestoneNode", 1),
        gid("IssueNode", 999),
        gid("IssueNode", 1),
        gid("IssueNode", 3),
    ]
    query = NODES % (
        "id ... on IssueNode { name priority } ... on MilestoneNode { name issues { name } }"
    )
    assert _answers(small, large, query, ids, 3) == {
        "data": {
            "nodes": [
                {"id": gid("IssueNode", 4), "name": "issue 4", "priority": 1},
                {
                    "id": gid("MilestoneNode", 1),
                    "name": "milestone 1",
                    "issues": [{"name": "issue 1"}, {"name": "issue 2"}],
                },
                None,
                {"id": gid("IssueNode", 1), "name": "issue 1", "priority": 1},
                None,
            ]
        },
        "errors": [],
    }


def test_nodes_cost_no_statement_per_object(small: Engine, large: Engine) -> None:
    # Every milestone of the set with its issues: 2 statements at both sizes.
    for engine, count in ((small, 6), (large, 18)):
        ids = [gid("MilestoneNode", key) for key in range(1, count + 1)]
        query = NODES % "... on MilestoneNode { name issues { id } }"
        for schema in (ORM, ROWS):
            body = _body(engine, query, ids, schema, 2)
            nodes = body["data"]["nodes"]
            assert [node["name"] for node in nodes] == [
                f"milestone {k}" for k in range(1, count + 1)
            ]
            assert [len(node["issues"]) for node in nodes] == [2] * count


PROJECT_FIELDS = (
    "__typename id ... on ProjectNode { topic milestones { name } } "
    "... on ArtProjectNode { artist } ... on ResearchProjectNode { supervisor }"
)


def test_nodes_of_a_polymorphic_model(small: Engine, large: Engine) -> None:
    # Company 1 has plain project 1, art project 2 and research project 3,
    # each with two milestones. Per type asked, its projects then their
    # milestones. Project 2 is an art project: as a plain project's id it
    # names no node.
    ids = [
        gid("ArtProjectNode", 2),
        gid("ResearchProjectNode", 3),
        gid("PlainProjectNode", 1),
        gid("PlainProjectNode", 2),
        gid("ArtProjectNode", 1),
    ]
    body = _answers(small, large, NODES % PROJECT_FIELDS, ids, 6, (PROJECTS_ORM, PROJECTS_ROWS))

    def milestones(first: int) -> list[dict[str, str]]:
        return [{"name": f"milestone {first}"}, {"name": f"milestone {first + 1}"}]

    assert body == {
        "data": {
            "nodes": [
                {
                    "__typename": "ArtProjectNode",
                    "id": gid("ArtProjectNode", 2),
                    "topic": "topic 2",
                    "milestones": milestones(3),
                    "artist": "artist 2",
                },
                {
                    "__typename": "ResearchProjectNode",
                    "id": gid("ResearchProjectNode", 3),
                    "topic": "topic 3",
                    "milestones": milestones(5),
                    "supervisor": "supervisor 3",
                },
                {
                    "__typename": "PlainProjectNode",
                    "id": gid("PlainProjectNode", 1),
                    "topic": "topic 1",
                    "milestones": milestones(1),
                },
                None,
                None,
            ]
        },
        "errors": [],
    }


def test_a_base_node_id_of_a_subtype_row_is_null(small: Engine, large: Engine) -> None:
    # Whether or not the session already holds project 2 as an art project.
    query = NODE % PROJECT_FIELDS
    schemas = (PROJECTS_ORM, PROJECTS_ROWS)
    assert _answers(small, large, query, gid("PlainProjectNode", 2), 1, schemas) == {
        "data": {"node": None},
        "errors": [],
    }
    for schema in schemas:
        with Session(small) as session:
            assert isinstance(session.get(m.BaseProject, 2), m.ArtProject)
            result = schema.execute_sync(
                query,
                variable_values={"id": gid("PlainProjectNode", 2)},
                context_value={"session": session},
            )
        assert (result.data, result.errors) == ({"node": None}, None)


def _error(message: str, field: str, column: int) -> dict[str, Any]:
    return {
        "data": None,
        "errors": [
            {"message": message, "locations": [{"line": 1, "column": column}], "path": [field]}
        ],
    }


def test_ids_that_name_no_node_are_errors(small: Engine, large: Engine) -> None:
    cases = [
        (gid("LinkType", 1), "LinkType is not a Node type"),
        (gid("Query", 1), "Query is not a Node type"),
        (gid("Nope", 1), "Nope is not a Node type"),
        (gid("IssueNode", "x"), "'x' is not an id of IssueNode"),
        ("abc", "'abc' is not a GlobalID"),
    ]
    for global_id, message in cases:
        node = _answers(small, large, NODE % "id", global_id, 0)
        assert node == {**_error(message, "node", 19), "data": {"node": None}}
        nodes = _answers(small, large, NODES % "id", [global_id], 0)
        assert nodes == _error(message, "nodes", 23)


async def test_nodes_on_an_async_session(
    small: Engine, dialect: str, make_database: Callable[[str], IsolatedDatabase]
) -> None:
    database = make_database(dialect)
    populate(database.engine(), 1)
    async_engine = async_engine_of(database)
    ids = [gid("MilestoneNode", 1), gid("IssueNode", 4), gid("MilestoneNode", 99)]
    query = NODES % "id ... on MilestoneNode { name issues { name } } ... on IssueNode { name }"
    expected = _body(small, query, ids, ORM, 3)
    try:
        for schema in (ORM, ROWS):
            async with AsyncSession(async_engine) as session:
                with assert_queries(3, async_engine):
                    result = await schema.execute(
                        query, variable_values={"ids": ids}, context_value={"session": session}
                    )
            assert {"data": result.data, "errors": []} == expected
    finally:
        await close(database)
    assert expected["data"]["nodes"][2] is None
