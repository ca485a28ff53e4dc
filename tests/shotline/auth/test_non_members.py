"""A project someone is not on does not exist for them: every read and write
of it or of anything in it answers exactly as for an id nobody uses (404,
the same message), so answers tell nothing about what exists."""

from __future__ import annotations

import pytest

from tests.refusals import refusal
from tests.shotline.auth.conftest import World
from tests.shotline.auth.world import (
    ANCHOR,
    ANCHOR_MOD,
    C_PUBLIC,
    E01,
    MISSING,
    MOD,
    P1,
    SH0010,
    SQ010,
    T_ARTIST,
)

REQUESTS: list[tuple[str, str, object]] = [
    ("GET", "/api/projects/{project}", None),
    ("GET", "/api/projects/{project}/settings", None),
    ("GET", "/api/projects/{project}/assets", None),
    ("GET", "/api/projects/{project}/shots", None),
    ("GET", "/api/projects/{project}/tasks", None),
    ("GET", "/api/projects/{project}/episodes", None),
    ("GET", "/api/projects/{project}/sequences", None),
    ("GET", "/api/projects/{project}/stats", None),
    ("PATCH", "/api/projects/{project}", {"name": "Mine"}),
    ("DELETE", "/api/projects/{project}", None),
    ("PUT", "/api/projects/{project}/settings/task-types", {"task_type_ids": [MOD]}),
    ("POST", "/api/projects/{project}/assets", {"name": "A", "asset_type_id": 1401}),
    ("POST", "/api/projects/{project}/tasks", {"task_type_id": MOD, "entity_ids": [ANCHOR]}),
    ("GET", "/api/assets/{asset}", None),
    ("PATCH", "/api/assets/{asset}", {"name": "B"}),
    ("DELETE", "/api/assets/{asset}", None),
    ("GET", "/api/shots/{shot}", None),
    ("GET", "/api/episodes/{episode}", None),
    ("GET", "/api/sequences/{sequence}", None),
    ("GET", "/api/tasks/{task}", None),
    ("PATCH", "/api/tasks/{task}", {"priority": 1}),
    ("GET", "/api/tasks/{task}/comments", None),
    ("POST", "/api/tasks/{task}/comments", {"text": "hello"}),
    ("GET", "/api/tasks/{task}/time-logs", None),
    ("POST", "/api/tasks/{task}/time-logs", {"day": "2025-03-03", "minutes": 60}),
    ("PUT", "/api/tasks/{task}/assignees", {"person_ids": []}),
    ("GET", "/api/comments/{comment}", None),
    ("PATCH", "/api/comments/{comment}", {"text": "x"}),
    ("GET", "/api/time-logs/{time_log}", None),
    ("DELETE", "/api/time-logs/{time_log}", None),
]
REAL = {
    "project": P1,
    "asset": ANCHOR,
    "shot": SH0010,
    "episode": E01,
    "sequence": SQ010,
    "task": ANCHOR_MOD,
    "comment": C_PUBLIC,
    "time_log": T_ARTIST,
}


@pytest.mark.parametrize(
    ("method", "url", "body"), REQUESTS, ids=[f"{m} {u}" for m, u, _ in REQUESTS]
)
def test_a_project_one_is_not_on_is_like_no_project(
    world: World, method: str, url: str, body: object
) -> None:
    real = world.call("outsider", method, url.format(**REAL), body)
    missing = world.call("outsider", method, url.format(**dict.fromkeys(REAL, MISSING)), body)
    assert real.status_code == missing.status_code == 404
    ident = next(str(v) for k, v in REAL.items() if f"{{{k}}}" in url)
    [problem] = missing.json()["detail"]
    assert real.json() == refusal("not_found", problem["msg"].replace(str(MISSING), ident))


def test_graphql_answers_null_or_not_found_alike(world: World) -> None:
    for ident in (P1, MISSING):
        data = world.graphql("outsider", f'{{ project(id: "{ident}") {{ code }} }}')
        assert data == {"data": {"project": None}}
    errors = []
    for ident in (ANCHOR_MOD, MISSING):
        body = world.graphql(
            "outsider",
            'mutation($t: ID!) { addComment(taskId: $t, comment: {text: "x"}) { id } }',
            {"t": str(ident)},
        )
        [error] = body["errors"]
        errors.append((error["message"].replace(str(ident), "ID"), error["extensions"]["code"]))
    assert errors == [("task ID not found", "NOT_FOUND")] * 2
