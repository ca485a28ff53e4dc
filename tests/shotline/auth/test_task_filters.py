"""GraphQL's task connections filter by project, task type, status and
"done" as the REST task lists do, for every role (each seeing its own rows)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.shotline.auth.conftest import World
from tests.shotline.auth.world import MOD, P1, P2, ROLES, TODO, ZED_MOD

QUERY = """query($filter: TaskFilter) {
    taskConnection(filter: $filter, order: [{id: ASC}]) { totalCount edges { node { id } } } }"""


def _graphql(world: World, role: str, condition: dict[str, Any]) -> list[int] | str:
    body = world.graphql(role, QUERY, {"filter": condition})
    if "errors" in body:
        return str(body["errors"][0]["extensions"]["code"])
    return [int(edge["node"]["id"]) for edge in body["data"]["taskConnection"]["edges"]]


def _rest(world: World, role: str, query: str) -> list[int] | str:
    answer = world.call(role, "GET", f"/api/projects/{P1}/tasks?fields=id&{query}")
    if answer.status_code != 200:
        return "NOT_FOUND" if answer.status_code == 404 else str(answer.status_code)
    return [task["id"] for task in answer.json()["items"]]


@pytest.mark.parametrize(
    ("condition", "query"),
    [
        ({"projectId": {"eq": str(P1)}}, ""),
        ({"projectId": {"in": [str(P1)]}, "typeName": {"eq": "Modeling"}}, "task_type=Modeling"),
        ({"projectId": {"eq": str(P1)}, "taskTypeId": {"eq": str(MOD)}}, f"task_type={MOD}"),
        ({"projectId": {"eq": str(P1)}, "taskStatusId": {"eq": str(TODO)}}, "task_status=todo"),
        ({"projectId": {"eq": str(P1)}, "statusShortName": {"eq": "todo"}}, f"task_status={TODO}"),
        ({"projectId": {"eq": str(P1)}, "done": {"eq": False}}, "done=false"),
        ({"projectId": {"eq": str(P1)}, "done": {"eq": True}}, "done=true"),
    ],
)
def test_graphql_filters_as_rest_does(world: World, condition: dict[str, Any], query: str) -> None:
    for role in ROLES:
        rest = _rest(world, role, query)
        # Outside the project, REST answers 404 and GraphQL an empty page.
        assert _graphql(world, role, condition) == ([] if rest == "NOT_FOUND" else rest), role


def test_the_other_project(world: World) -> None:
    answers = {role: _graphql(world, role, {"projectId": {"eq": str(P2)}}) for role in ROLES}
    assert answers == {role: [ZED_MOD] if role in ("admin", "outsider") else [] for role in ROLES}


def test_a_project_id_that_is_not_a_number(world: World) -> None:
    body = world.graphql("admin", QUERY, {"filter": {"projectId": {"eq": "x"}}})
    assert body["data"] is None
    assert [(e["message"], e["extensions"]["code"]) for e in body["errors"]] == [
        ("Task.project_id: 'x' is not an integer", "BAD_USER_INPUT")
    ]
