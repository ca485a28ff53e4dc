"""Workflow rules: each task status says whether artists (and vendors) and
clients may set it; the rule holds on every path that sets a status (a
comment with a status, the bulk change, GraphQL's ``setTaskStatus``) with
the same 403 naming the status, and a refusal writes nothing. Who may be
assigned: not clients, and vendors only from the project's team."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from shotline.models import Comment, Task, task_assignee
from tests.refusals import refusal
from tests.shotline.auth.conftest import World
from tests.shotline.auth.world import (
    ANCHOR_MOD,
    ANCHOR_RIG,
    ARTIST,
    BELL_MOD,
    CLIENT,
    DONE,
    OUTSIDER,
    P1,
    TODO,
    VENDOR,
    WIP,
    ZED_MOD,
)

SET_STATUS = """mutation($task: ID!, $status: ID!, $comment: NewComment) {
    setTaskStatus(taskId: $task, statusId: $status, comment: $comment) { taskStatus { shortName } } }"""
ASSIGN = """mutation($task: ID!, $who: ID!) {
    assignTask(taskId: $task, add: [$who]) { assignees { id } } }"""


def state(world: World) -> tuple[list[tuple[int, int]], int, list[tuple[int, int]]]:
    """Every task's status, how many comments there are, every assignment."""
    with world.sessions()() as session:
        statuses = session.execute(select(Task.id, Task.task_status_id).order_by(Task.id)).all()
        comments = session.scalar(select(func.count()).select_from(Comment)) or 0
        assigned = session.execute(
            select(task_assignee.c.task_id, task_assignee.c.person_id).order_by(
                task_assignee.c.task_id, task_assignee.c.person_id
            )
        ).all()
    return [tuple(row) for row in statuses], comments, [tuple(row) for row in assigned]  # type: ignore[misc]


def refused_everywhere(
    world: World, who: str, task: int, status: int, comment: dict[str, Any], message: str
) -> None:
    """The same 403 by a comment, the bulk change and GraphQL (with and
    without a comment), the database unchanged after each."""
    with world.rolled_back():
        before = state(world)
        answers = [
            world.call(
                who, "POST", f"/api/tasks/{task}/comments", {**comment, "task_status_id": status}
            ),
            world.call(
                who,
                "POST",
                f"/api/projects/{P1}/tasks/status",
                {"task_ids": [task], "task_status_id": status},
            ),
        ]
        assert [(a.status_code, a.json()) for a in answers] == [
            (403, refusal("forbidden", message))
        ] * 2
        for variables in [
            {"task": str(task), "status": str(status), "comment": comment},
            {"task": str(task), "status": str(status)},
        ]:
            body = world.graphql(who, SET_STATUS, variables)
            assert [(e["message"], e["extensions"]) for e in body["errors"]] == [
                (message, {"code": "FORBIDDEN"})
            ]
        assert state(world) == before


def allowed_everywhere(world: World, who: str, task: int, status: int, short: str) -> None:
    for path in ("comment", "bulk", "graphql"):
        with world.rolled_back():
            if path == "comment":
                answer = world.call(
                    who,
                    "POST",
                    f"/api/tasks/{task}/comments",
                    {"text": "ok", "task_status_id": status},
                )
                assert answer.status_code == 201, answer.text
            elif path == "bulk":
                answer = world.call(
                    who,
                    "POST",
                    f"/api/projects/{P1}/tasks/status",
                    {"task_ids": [task], "task_status_id": status},
                )
                assert answer.status_code == 200, answer.text
            else:
                body = world.graphql(who, SET_STATUS, {"task": str(task), "status": str(status)})
                assert body == {"data": {"setTaskStatus": {"taskStatus": {"shortName": short}}}}
            with world.sessions()() as session:
                assert session.get_one(Task, task).task_status_id == status


@pytest.mark.parametrize(
    ("who", "task", "status", "short"),
    [
        ("artist", ANCHOR_MOD, TODO, "todo"),
        ("vendor", ANCHOR_RIG, WIP, "wip"),
        ("client", BELL_MOD, DONE, "done"),
        # The department's supervisor and the managers set any status.
        ("supervisor", ANCHOR_MOD, DONE, "done"),
        ("manager", ANCHOR_RIG, DONE, "done"),
    ],
)
def test_what_each_role_may_set(world: World, who: str, task: int, status: int, short: str) -> None:
    allowed_everywhere(world, who, task, status, short)


@pytest.mark.parametrize(
    ("who", "task", "status", "message"),
    [
        ("artist", ANCHOR_MOD, DONE, f"you may not set task status 'done' on task {ANCHOR_MOD}"),
        ("vendor", BELL_MOD, DONE, f"you may not set task status 'done' on task {BELL_MOD}"),
        ("client", ANCHOR_MOD, WIP, f"you may not set task status 'wip' on task {ANCHOR_MOD}"),
    ],
)
def test_a_status_the_rules_refuse(
    world: World, who: str, task: int, status: int, message: str
) -> None:
    refused_everywhere(world, who, task, status, {"text": "please"}, message)


def test_the_bulk_change_names_every_task_the_rule_refuses(world: World) -> None:
    with world.rolled_back():
        before = state(world)
        answer = world.call(
            "vendor",
            "POST",
            f"/api/projects/{P1}/tasks/status",
            {"task_ids": [BELL_MOD, ANCHOR_RIG], "task_status_id": DONE},
        )
        assert (answer.status_code, answer.json()) == (
            403,
            refusal(
                "forbidden", f"you may not set task status 'done' on tasks {ANCHOR_RIG}, {BELL_MOD}"
            ),
        )
        assert state(world) == before


def test_a_client_comments_only_with_a_status_and_never_internally(world: World) -> None:
    internal = {"text": "between us", "internal": True}
    with world.rolled_back():
        before = state(world)
        answer = world.call(
            "client",
            "POST",
            f"/api/tasks/{ANCHOR_MOD}/comments",
            {**internal, "task_status_id": DONE},
        )
        assert (answer.status_code, answer.json()) == (
            403,
            refusal("forbidden", "clients cannot write internal comments"),
        )
        variables = {"task": str(ANCHOR_MOD), "status": str(DONE), "comment": internal}
        body = world.graphql("client", SET_STATUS, variables)
        assert [(e["message"], e["extensions"]) for e in body["errors"]] == [
            ("clients cannot write internal comments", {"code": "FORBIDDEN"})
        ]
        plain = world.call("client", "POST", f"/api/tasks/{ANCHOR_MOD}/comments", {"text": "hi"})
        assert (plain.status_code, plain.json()) == (
            403,
            refusal("forbidden", f"you may not change task {ANCHOR_MOD}"),
        )
        assert state(world) == before
        approved = world.call(
            "client",
            "POST",
            f"/api/tasks/{ANCHOR_MOD}/comments",
            {"text": "Approved by the studio's client.", "task_status_id": DONE},
        )
        assert approved.status_code == 201
        assert (approved.json()["internal"], approved.json()["task_status_id"]) == (False, DONE)


@pytest.mark.parametrize(
    ("task", "person", "message"),
    [
        (ANCHOR_MOD, CLIENT, f"cannot assign clients: person {CLIENT}"),
        (
            ZED_MOD,
            VENDOR,
            f"cannot assign vendors outside the team of project 1502: person {VENDOR}",
        ),
    ],
)
def test_who_may_not_be_assigned(world: World, task: int, person: int, message: str) -> None:
    with world.rolled_back():
        before = state(world)
        for method in ("PUT", "POST"):
            answer = world.call(
                "admin", method, f"/api/tasks/{task}/assignees", {"person_ids": [person]}
            )
            assert (answer.status_code, answer.json()) == (
                400,
                refusal("invalid", message, ["person_ids"]),
            )
        body = world.graphql("admin", ASSIGN, {"task": str(task), "who": str(person)})
        assert [(e["message"], e["extensions"]) for e in body["errors"]] == [
            (f"add: {message}", {"code": "BAD_USER_INPUT", "field": "add"})
        ]
        assert state(world) == before


def test_staff_outside_the_team_and_vendors_on_it_may_be_assigned(world: World) -> None:
    with world.rolled_back():
        # The outsider manages PPM only; the vendor is on LHK's team.
        answer = world.call(
            "admin",
            "POST",
            f"/api/tasks/{ANCHOR_MOD}/assignees",
            {"person_ids": [OUTSIDER, VENDOR]},
        )
        assert answer.status_code == 200, answer.text
        assert [p["id"] for p in answer.json()["assignees"]] == sorted([ARTIST, OUTSIDER, VENDOR])
