"""Access control adds no statement per row, and none per role: every list
costs the same statements for an admin (whose rules are ``true``) as for a
vendor (whose rules are EXISTS subqueries), and for everyone in between.

The counts include the one statement that resolves the request's token.
Each role sees at least one row at every level of these lists (a level with
no row would cost nothing, for any role).
"""

from __future__ import annotations

import pytest

from tests.shotline.auth.conftest import World
from tests.shotline.auth.world import ANCHOR, ANCHOR_RIG, P1, SH0010

READERS = ("admin", "manager", "supervisor", "artist", "vendor", "client")

LISTS = {
    # token, assets (the status map a subquery, under the task rule), tasks,
    # assignees
    f"/api/projects/{P1}/assets": 4,
    # ... shots (sequence and episode joined), ...
    f"/api/projects/{P1}/shots": 4,
    f"/api/projects/{P1}/assets?total=true&limit=1": 5,
    # token, asset (its status map), tasks, assignees
    f"/api/assets/{ANCHOR}": 4,
    f"/api/shots/{SH0010}": 4,
    # token, tasks (entity joined), assignees: rows need no project check
    f"/api/projects/{P1}/tasks": 3,
    f"/api/projects/{P1}/tasks?total=true": 4,
    # token, task, comments (authors joined), their previews
    f"/api/tasks/{ANCHOR_RIG}/comments": 4,
    f"/api/tasks/{ANCHOR_RIG}/time-logs": 3,
    # token, the list
    f"/api/projects/{P1}/episodes": 2,
    f"/api/projects/{P1}/sequences": 2,
    # token, project, task type and status order, one GROUP BY
    f"/api/projects/{P1}/stats": 5,
    "/api/projects": 2,
    "/api/people": 2,
}

ASSIGNED = ("artist", "vendor")
"""The roles assigned tasks in LHK."""

MY_TASKS = {
    # token, tasks (project, entity, type and status joined), assignees
    "/api/me/tasks": 3,
    "/api/me/tasks?total=true": 4,
}


@pytest.mark.parametrize(("url", "expected"), MY_TASKS.items(), ids=list(MY_TASKS))
def test_my_tasks_cost_the_same_for_everyone_assigned(
    world: World, url: str, expected: int
) -> None:
    counts = {role: world.counted(role, "GET", url)[1].count for role in ASSIGNED}
    assert counts == dict.fromkeys(ASSIGNED, expected)


@pytest.mark.parametrize(("url", "expected"), LISTS.items(), ids=list(LISTS))
def test_rest_lists_cost_the_same_for_every_role(world: World, url: str, expected: int) -> None:
    counts = {}
    for role in READERS:
        response, log = world.counted(role, "GET", url)
        assert response.status_code == 200, (role, response.text)
        counts[role] = log.count
    assert counts == dict.fromkeys(READERS, expected)


GRID = """query($id: ID!) { project(id: $id) {
    assets { name assetType { name } tasks { taskType { name } taskStatus { shortName }
        assignees { fullName } comments { text author { fullName } } commentCount } }
    shots { name sequence { name episode { name } } tasks { taskStatus { shortName }
        assignees { fullName } } }
    assetCount progress { total } } }"""

OPERATIONS = {
    # token, project, assets, tasks, assignees, comments, shots (sequence and
    # episode joined), shot tasks, assignees, one GROUP BY for the progress
    "grid": (GRID, {"id": str(P1)}, 10),
    # token, tasks (entity joined), count
    "tasks": ("{ taskConnection { totalCount edges { node { id entity { name } } } } }", {}, 3),
}

MY_TASKS_QUERY = """{ myTasks { id project { code } entity { name } taskType { name }
    taskStatus { shortName color } assignees { fullName } } }"""


def test_my_tasks_in_graphql_cost_the_same_for_everyone_assigned(world: World) -> None:
    counts = {}
    for role in ASSIGNED:
        response, log = world.counted(role, "POST", "/graphql", {"query": MY_TASKS_QUERY})
        assert len(response.json()["data"]["myTasks"]) == 3, response.text
        counts[role] = log.count
    # token, tasks (project, entity, type and status joined), assignees
    assert counts == dict.fromkeys(ASSIGNED, 3)


@pytest.mark.parametrize("name", OPERATIONS)
def test_graphql_operations_cost_the_same_for_every_role(world: World, name: str) -> None:
    query, variables, expected = OPERATIONS[name]
    counts = {}
    for role in READERS:
        response, log = world.counted(
            role, "POST", "/graphql", {"query": query, "variables": variables}
        )
        assert "errors" not in response.json(), response.text
        counts[role] = log.count
    assert counts == dict.fromkeys(READERS, expected)
