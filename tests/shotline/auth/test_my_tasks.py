"""``myTasks`` in GraphQL answers what ``GET /api/me/tasks`` answers: the
same tasks in the same order, for each person, and the same project filter."""

from __future__ import annotations

import pytest

from tests.shotline.auth.conftest import World
from tests.shotline.auth.world import P1, P2, ROLES

QUERY = "query($project: ID) { myTasks(projectId: $project) { id } }"


@pytest.mark.parametrize("project", [None, P1, P2])
def test_graphql_and_rest_agree(world: World, project: int | None) -> None:
    url = "/api/me/tasks?fields=id" + (f"&project_id={project}" if project else "")
    for role in ROLES:
        rest = [task["id"] for task in world.call(role, "GET", url).json()["items"]]
        variables = {"project": project and str(project)}
        graphql = world.graphql(role, QUERY, variables)["data"]["myTasks"]
        assert [int(task["id"]) for task in graphql] == rest, role


def test_a_bad_project_id_is_refused(world: World) -> None:
    body = world.graphql("artist", QUERY, {"project": "x"})
    assert body["data"] is None
    assert [(e["message"], e["extensions"]["code"]) for e in body["errors"]] == [
        ("project id must be an integer, got 'x'", "BAD_USER_INPUT")
    ]
