"""Mutations through the app: the exact payload (the changed task, reloaded
with the payload's selection), the exact statements, and the rows afterwards.

Each test changes tasks that no other test of the module reads, so they share
one writable production per dialect.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from shotline import models as m
from tests.shotline.graphql.conftest import Api
from tests.shotline.signin import AUTH

pytestmark = pytest.mark.filterwarnings("error::loadplan.UnplannedLoadWarning")

SET_STATUS = """mutation($task: ID!, $status: ID!, $comment: NewComment) {
    setTaskStatus(taskId: $task, statusId: $status, comment: $comment) {
        id taskStatus { shortName } comments { text author { fullName } taskStatus { shortName } } } }"""
ASSIGN = """mutation($task: ID!, $add: [ID!], $remove: [ID!]) {
    assignTask(taskId: $task, add: $add, remove: $remove) { id assignees { fullName } } }"""
COMMENT = """mutation($task: ID!, $comment: NewComment!) {
    addComment(taskId: $task, comment: $comment) {
        id commentCount latestComment { text author { fullName } taskStatus { shortName } } } }"""


def status_and_comments(api: Api, task: str) -> tuple[str, list[tuple[str, str, str | None]]]:
    """A task's status, and its comments as (text, author, status), newest first."""
    with Session(api.engine) as session:
        row = session.get_one(m.Task, api.ids.tasks[task])
        comments = [
            (c.text, c.author.first_name, c.task_status.short_name if c.task_status else None)
            for c in row.comments
        ]
        return row.task_status.short_name, comments


def assignees(api: Api, task: str) -> list[str]:
    with Session(api.engine) as session:
        return [p.first_name for p in session.get_one(m.Task, api.ids.tasks[task]).assignees]


def error(message: str, code: str, field: str, argument: str | None = None) -> dict[str, Any]:
    """The body of a mutation failing with one of Shotline's errors
    (``argument``: the one it names)."""
    extensions = {"code": code} if argument is None else {"code": code, "field": argument}
    return {
        "data": None,
        "errors": [
            {
                "message": message,
                "locations": [{"line": 2, "column": 5}],
                "path": [field],
                "extensions": extensions,
            }
        ],
    }


def test_set_status_with_a_comment(writable: Api) -> None:
    ids = writable.ids
    task = "SQ010/SH0010/anim"
    variables = {
        "task": str(ids.tasks[task]),
        "status": str(ids.statuses["done"]),
        "comment": {"authorId": str(ids.people["Ines"]), "text": "  Approved.  "},
    }
    data, log = writable.data(SET_STATUS, variables)
    # the task with every check (the author, the status among the project's,
    # the workflow rule); UPDATE; INSERT; INSERT the events; the task
    # reloaded (status joined); its comments (author and status joined)
    log.assert_count(AUTH + 6)
    assert [sql.split()[0] for sql in log.sql[AUTH:]] == [
        "SELECT",
        "UPDATE",
        "INSERT",
        "INSERT",
        "SELECT",
        "SELECT",
    ]
    assert data == {
        "setTaskStatus": {
            "id": str(ids.tasks[task]),
            "taskStatus": {"shortName": "done"},
            "comments": [
                {
                    "text": "Approved.",
                    "author": {"fullName": "Ines Abara"},
                    "taskStatus": {"shortName": "done"},
                },
                {
                    "text": "SQ010/SH0010/anim: wip",
                    "author": {"fullName": "Ines Abara"},
                    "taskStatus": {"shortName": "wip"},
                },
            ],
        }
    }
    assert status_and_comments(writable, task) == (
        "done",
        [("Approved.", "Ines", "done"), ("SQ010/SH0010/anim: wip", "Ines", "wip")],
    )


def test_set_status_without_a_comment(writable: Api) -> None:
    ids = writable.ids
    task = "SQ010/SH0020/anim"
    variables = {"task": str(ids.tasks[task]), "status": str(ids.statuses["retake"])}
    data, log = writable.data(
        """mutation($task: ID!, $status: ID!) { setTaskStatus(taskId: $task, statusId: $status) {
            taskStatus { name } commentCount } }""",
        variables,
    )
    # the task with the status's checks; UPDATE; INSERT the event; the task
    # reloaded with its status and comment count
    log.assert_count(AUTH + 4)
    assert data == {"setTaskStatus": {"taskStatus": {"name": "Retake"}, "commentCount": 1}}
    assert status_and_comments(writable, task) == (
        "retake",
        [("SQ010/SH0020/anim: wip", "Tomás", "wip")],
    )


def test_a_status_the_project_does_not_use_is_refused(writable: Api) -> None:
    ids = writable.ids
    task = "SQ020/SH0010/anim"
    variables = {"task": str(ids.tasks[task]), "status": str(ids.statuses["hold"])}
    body, log = writable.post(SET_STATUS, variables)
    # the task with every check: the same rule and message as REST
    log.assert_count(AUTH + 1)
    assert body == error(
        f"statusId: task status {ids.statuses['hold']} is not enabled for the task's project",
        "BAD_USER_INPUT",
        "setTaskStatus",
        argument="statusId",
    )
    assert status_and_comments(writable, task) == (
        "done",
        [("SQ020/SH0010/anim: done", "Mira", "done")],
    )


def test_a_failing_comment_leaves_the_status_unchanged(writable: Api) -> None:
    """The status change and its comment are one transaction: an unknown
    author fails the whole mutation before anything is written."""
    ids = writable.ids
    task = "SQ020/SH0010/light"
    variables = {
        "task": str(ids.tasks[task]),
        "status": str(ids.statuses["done"]),
        "comment": {"authorId": "999", "text": "Final"},
    }
    body, log = writable.post(SET_STATUS, variables)
    log.assert_count(AUTH + 1)
    assert body == error("person 999 not found", "NOT_FOUND", "setTaskStatus")
    assert status_and_comments(writable, task) == (
        "wip",
        [("SQ020/SH0010/light: wip", "Ines", "wip")],
    )


@pytest.mark.parametrize(
    ("variables", "message", "code"),
    [
        ({"task": "999", "status": "1"}, "task 999 not found", "NOT_FOUND"),
        ({"task": "x", "status": "1"}, "task id must be an integer, got 'x'", "BAD_USER_INPUT"),
        ({"task": "TASK", "status": "999"}, "task status 999 not found", "NOT_FOUND"),
        ({"task": "DELETED", "status": "1"}, "task DELETED not found", "NOT_FOUND"),
        ({"task": "ORPHAN", "status": "1"}, "task ORPHAN not found", "NOT_FOUND"),
        (
            {"task": "TASK", "status": "1", "comment": {"authorId": "1", "text": " "}},
            "comment text: String should have at least 1 character",
            "BAD_USER_INPUT",
        ),
    ],
    ids=[
        "unknown task",
        "malformed id",
        "unknown status",
        "deleted task",
        "deleted entity",
        "empty comment",
    ],
)
def test_set_status_errors(
    writable: Api, variables: dict[str, Any], message: str, code: str
) -> None:
    """Unknown, malformed or soft-deleted ids are GraphQL errors, never a 500."""
    ids = writable.ids
    names = {
        "TASK": ids.tasks["Keeper/rig"],
        "DELETED": ids.tasks["SQ010/SH0010/light"],
        "ORPHAN": ids.tasks["SQ010/SH0990/anim"],
    }
    resolved = {k: str(names.get(v, v)) if isinstance(v, str) else v for k, v in variables.items()}
    body, _ = writable.post(SET_STATUS, resolved)
    for name, ident in names.items():
        message = message.replace(name, str(ident))
    assert body == error(message, code, "setTaskStatus")
    assert status_and_comments(writable, "Keeper/rig") == (
        "wip",
        [("Keeper/rig: wip", "Tomás", "wip")],
    )


def test_assign_and_unassign(writable: Api) -> None:
    ids = writable.ids
    task = "Keeper/mod"
    variables = {
        "task": str(ids.tasks[task]),
        "add": [str(ids.people["Ines"]), str(ids.people["Tomás"]), str(ids.people["Ines"])],
        "remove": [str(ids.people["Mira"]), str(ids.people["Leo"])],
    }
    data, log = writable.data(ASSIGN, variables)
    # task; the current assignees; the people added; DELETE; INSERT; INSERT
    # the events and their addressees; the task reloaded; its assignees
    log.assert_count(AUTH + 9)
    assert data == {
        "assignTask": {
            "id": str(ids.tasks[task]),
            "assignees": [{"fullName": "Tomás Reyes"}, {"fullName": "Ines Abara"}],
        }
    }
    assert assignees(writable, task) == ["Tomás", "Ines"]


def test_assigning_again_changes_nothing(writable: Api) -> None:
    ids = writable.ids
    task = "Lantern/mod"
    variables = {"task": str(ids.tasks[task]), "add": [str(ids.people["Tomás"])]}
    data, log = writable.data(ASSIGN, variables)
    # task; the current assignees (the person is one: nothing to check or
    # write); the task reloaded; its assignees
    log.assert_count(AUTH + 4)
    assert data == {
        "assignTask": {"id": str(ids.tasks[task]), "assignees": [{"fullName": "Tomás Reyes"}]}
    }
    assert assignees(writable, task) == ["Tomás"]


@pytest.mark.parametrize(
    ("add", "remove", "message", "code", "argument"),
    [
        (["Ines", "999"], [], "person 999 not found", "NOT_FOUND", None),
        (["Ines"], ["Ines"], "add: both added and removed: person INES", "BAD_USER_INPUT", "add"),
    ],
    ids=["unknown person", "added and removed"],
)
def test_assignment_errors(
    writable: Api,
    add: list[str],
    remove: list[str],
    message: str,
    code: str,
    argument: str | None,
) -> None:
    ids = writable.ids
    task = "Lantern/rig"
    variables = {
        "task": str(ids.tasks[task]),
        "add": [str(ids.people.get(p, p)) for p in add],
        "remove": [str(ids.people.get(p, p)) for p in remove],
    }
    body, _ = writable.post(ASSIGN, variables)
    message = message.replace("INES", str(ids.people["Ines"]))
    assert body == error(message, code, "assignTask", argument)
    assert assignees(writable, task) == ["Mira", "Leo"]


def test_add_a_comment(writable: Api) -> None:
    ids = writable.ids
    task = "SQ020/SH0020/anim"
    variables = {
        "task": str(ids.tasks[task]),
        "comment": {"authorId": str(ids.people["Leo"]), "text": "Keep the gull in frame."},
    }
    data, log = writable.data(COMMENT, variables)
    # task (with the author's check); INSERT; INSERT the event; the task
    # reloaded with its comment count; its latest comment (author and status
    # joined)
    log.assert_count(AUTH + 5)
    assert data == {
        "addComment": {
            "id": str(ids.tasks[task]),
            "commentCount": 1,
            "latestComment": {
                "text": "Keep the gull in frame.",
                "author": {"fullName": "Leo Brandt"},
                "taskStatus": None,
            },
        }
    }
    assert status_and_comments(writable, task) == (
        "todo",
        [("Keep the gull in frame.", "Leo", None)],
    )
