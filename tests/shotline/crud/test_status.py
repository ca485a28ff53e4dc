"""Status changes: comments (which may set a task's status) and the bulk
status update, with their statement counts and proofs of atomicity."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, insert, select
from sqlalchemy.orm import Session

from shotline.models import Asset, Comment, Task
from tests.shotline.crud.support import (
    Expected,
    Production,
    assert_refused,
    call,
    ids,
    iso,
    load,
    snapshot,
    task_body,
)
from tests.shotline.signin import AUTH


class InjectedFailure(Exception):
    """A database failure staged by a test."""


@contextmanager
def failing_after(engine: Engine, marker: str) -> Iterator[list[str]]:
    """Make the statement following the first one that starts with ``marker``
    fail, as a lost connection or a deadlock would. Yields the statements
    that ran, the failed one last."""
    ran: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if ran and any(s.startswith(marker) for s in ran):
            ran.append(statement)
            raise InjectedFailure(statement)
        ran.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield ran
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _author(prod: Production) -> dict[str, Any]:
    return {"id": prod.theo, "first_name": "Theo", "last_name": "Lind"}


# -- Comments -----------------------------------------------------------------------


def test_comment_with_a_status_change(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    before = load(crud_engine, Task, prod.lantern_modeling)
    answer = call(
        client,
        crud_engine,
        "POST",
        f"/api/tasks/{prod.lantern_modeling}/comments",
        {"person_id": prod.theo, "text": "Approved", "task_status_id": prod.done},
    )
    assert answer.status == 201
    new = answer.json()["id"]
    comment = load(crud_engine, Comment, new)
    assert answer.json() == {
        "id": new,
        "task_id": prod.lantern_modeling,
        "text": "Approved",
        "task_status_id": prod.done,
        "internal": False,
        "created_at": iso(comment.created_at),
        "author": _author(prod),
        "previews": [],
    }
    task = load(crud_engine, Task, prod.lantern_modeling)
    assert task.task_status_id == prod.done
    assert task.updated_at == comment.created_at > before.updated_at
    # the task with the person and status checks, UPDATE task, INSERT comment,
    # INSERT its events (the comment, the status change), read back (the
    # comment with its author, its previews)
    assert answer.log.count == AUTH + 6
    assert [s.split()[0] for s in answer.log.sql[AUTH:]] == [
        "SELECT",
        "UPDATE",
        "INSERT",
        "INSERT",
        "SELECT",
        "SELECT",
    ]


def test_comment_without_a_status_change(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    before = load(crud_engine, Task, prod.keeper_modeling)
    answer = call(
        client,
        crud_engine,
        "POST",
        f"/api/tasks/{prod.keeper_modeling}/comments",
        {"person_id": prod.theo, "text": "  Nose needs work  "},
    )
    assert answer.status == 201
    comment = load(crud_engine, Comment, answer.json()["id"])
    assert answer.json() == {
        "id": comment.id,
        "task_id": prod.keeper_modeling,
        "text": "Nose needs work",
        "task_status_id": None,
        "internal": False,
        "created_at": iso(comment.created_at),
        "author": _author(prod),
        "previews": [],
    }
    after = load(crud_engine, Task, prod.keeper_modeling)
    assert (after.task_status_id, after.updated_at) == (prod.wip, before.updated_at)
    # the task with its checks, INSERT comment, INSERT its event, read back
    assert answer.log.count == AUTH + 5


def test_a_comment_is_by_the_signed_in_person_unless_told(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    url = f"/api/tasks/{prod.keeper_modeling}/comments"
    mine = client.post(url, json={"text": "Mine", "internal": True}).json()
    assert (mine["author"]["id"], mine["internal"]) == (prod.admin, True)
    theirs = client.post(url, json={"text": "Theirs", "person_id": prod.theo}).json()
    assert (theirs["author"]["id"], theirs["internal"]) == (prod.theo, False)


def test_comment_reads_and_edits(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    url = f"/api/tasks/{prod.lantern_modeling}/comments"
    first = client.post(url, json={"person_id": prod.mira, "text": "Started"}).json()
    second = client.post(
        url, json={"person_id": prod.theo, "text": "Go", "task_status_id": prod.wip}
    ).json()
    listed = call(client, crud_engine, "GET", url)
    assert listed.json() == {"items": [first, second]}
    assert first["author"] == {"id": prod.mira, "first_name": "Mira", "last_name": "Okafor"}
    # the task check, the comments with their authors joined, their previews
    assert listed.log.count == AUTH + 3
    newest_first = client.get(f"{url}?order=-created_at&fields=id").json()
    assert newest_first == {"items": [{"id": second["id"]}, {"id": first["id"]}]}

    got = call(client, crud_engine, "GET", f"/api/comments/{first['id']}")
    assert (got.json(), got.log.count) == (first, AUTH + 2)

    edited = call(
        client, crud_engine, "PATCH", f"/api/comments/{second['id']}", {"text": "Go ahead"}
    )
    assert edited.json() == {**second, "text": "Go ahead"}
    assert load(crud_engine, Comment, second["id"]).task_status_id == prod.wip
    # the comment with its checks, UPDATE, its task's project (for the
    # event), INSERT event, read back (the comment, its previews)
    assert edited.log.count == AUTH + 6

    deleted = call(client, crud_engine, "DELETE", f"/api/comments/{first['id']}")
    assert deleted.status == 204
    assert ids(crud_engine, Comment) == [second["id"]]
    # the comment with its checks, its task's project (for the event),
    # DELETE, the task's thumbnails, INSERT event
    assert deleted.log.count == AUTH + 5


@pytest.mark.parametrize(
    ("request_", "status", "expected"),
    [
        (("POST", "/api/tasks/{missing}/comments", {"person_id": "{theo}", "text": "Hi"}), 404,
         "task {missing} not found"),
        (("POST", "/api/tasks/{lantern_modeling}/comments", {"person_id": "{missing}", "text": "Hi"}),
         404, "person {missing} not found"),
        (("POST", "/api/tasks/{lantern_modeling}/comments",
          {"person_id": "{theo}", "text": "Hi", "task_status_id": "{missing}"}), 404,
         "task status {missing} not found"),
        (("POST", "/api/tasks/{lantern_modeling}/comments",
          {"person_id": "{theo}", "text": "Hi", "task_status_id": "{retake}"}), 400,
         ("task_status_id", "task status {retake} is not enabled for the task's project")),
        (("POST", "/api/tasks/{lantern_modeling}/comments", {"person_id": "{theo}", "text": " "}),
         422, (("body", "text"), "string_too_short")),
        (("POST", "/api/tasks/{lantern_modeling}/comments",
          {"person_id": "{theo}", "text": "é" * 10_001}), 422, (("body", "text"), "string_too_long")),
        (("POST", "/api/tasks/{lantern_modeling}/comments", {"person_id": "x", "text": "Hi"}),
         422, (("body", "person_id"), "int_parsing")),
        (("GET", "/api/tasks/{missing}/comments", None), 404, "task {missing} not found"),
        (("GET", "/api/comments/{missing}", None), 404, "comment {missing} not found"),
        (("PATCH", "/api/comments/{missing}", {"text": "x"}), 404, "comment {missing} not found"),
        (("PATCH", "/api/comments/{missing}", {"text": None}), 422, (("body", "text"), "string_type")),
        (("DELETE", "/api/comments/{missing}", None), 404, "comment {missing} not found"),
    ],
)  # fmt: skip
def test_comment_bad_input(
    client: TestClient,
    crud_engine: Engine,
    prod: Production,
    request_: tuple[str, str, Any],
    status: int,
    expected: Expected,
) -> None:
    assert_refused(client, crud_engine, prod, request_, status, expected)


def test_longest_comment_fits_every_dialect(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    text = "🎬" * 10_000  # 40,000 bytes of UTF-8
    answer = client.post(
        f"/api/tasks/{prod.lantern_modeling}/comments", json={"person_id": prod.theo, "text": text}
    )
    assert answer.status_code == 201
    assert load(crud_engine, Comment, answer.json()["id"]).text == text


def test_no_comment_on_a_deleted_task(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    client.delete(f"/api/tasks/{prod.keeper_modeling}")
    request_ = (
        "POST",
        "/api/tasks/{keeper_modeling}/comments",
        {"person_id": "{theo}", "text": "Hello?", "task_status_id": "{done}"},
    )
    assert_refused(client, crud_engine, prod, request_, 404, "task {keeper_modeling} not found")


def test_a_comment_recording_a_status_change_stays(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    with crud_engine.begin() as connection:
        comment = connection.execute(
            insert(Comment)
            .values(
                task_id=prod.keeper_modeling,
                person_id=prod.theo,
                text="Started",
                task_status_id=prod.wip,
            )
            .returning(Comment.id)
        ).scalar_one()
    request_ = ("DELETE", f"/api/comments/{comment}", None)
    assert_refused(
        client,
        crud_engine,
        prod,
        request_,
        409,
        f"comment {comment} records a status change: it cannot be deleted",
    )


def test_a_failed_comment_leaves_the_status_unchanged(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    """The task's UPDATE runs first; the comment's INSERT then fails: the
    whole transaction is rolled back, status and ``updated_at`` included."""
    before = snapshot(crud_engine)
    with (
        failing_after(crud_engine, "UPDATE task") as ran,
        pytest.raises(InjectedFailure),
    ):
        client.post(
            f"/api/tasks/{prod.lantern_modeling}/comments",
            json={"person_id": prod.theo, "text": "Done", "task_status_id": prod.done},
        )
    assert ran[-2].startswith("UPDATE task")
    assert ran[-1].startswith("INSERT INTO comment")
    assert snapshot(crud_engine) == before
    assert load(crud_engine, Task, prod.lantern_modeling).task_status_id == prod.todo


# -- Bulk status update -------------------------------------------------------------


def _tasks_status(engine: Engine, task_ids: list[int]) -> list[int]:
    with Session(engine) as session:
        return list(
            session.scalars(
                select(Task.task_status_id).where(Task.id.in_(task_ids)).order_by(Task.id)
            )
        )


def test_bulk_status_update(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    chosen = [prod.shot_animation, prod.lantern_modeling, prod.keeper_modeling]
    before = {t: load(crud_engine, Task, t).updated_at for t in chosen}
    answer = call(
        client,
        crud_engine,
        "POST",
        f"/api/projects/{prod.project}/tasks/status",
        {"task_ids": chosen, "task_status_id": prod.done},
    )
    assert answer.status == 200
    assert answer.json() == [task_body(crud_engine, t) for t in sorted(chosen)]
    assert {t["task_status_id"] for t in answer.json()} == {prod.done}
    assert _tasks_status(crud_engine, chosen) == [prod.done] * 3
    for task in chosen:
        assert load(crud_engine, Task, task).updated_at > before[task]
    # checks, the tasks' projects, UPDATE, INSERT their events, read back
    # (tasks with their entities, assignees)
    assert answer.log.count == AUTH + 6


def test_bulk_status_update_costs_the_same_for_3_or_30_tasks(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    with Session(crud_engine) as session:
        tasks = [
            Task(
                project_id=prod.project,
                entity=Asset(project_id=prod.project, name=f"Crate {i}", asset_type_id=prod.prop),
                task_type_id=prod.modeling,
                task_status_id=prod.todo,
            )
            for i in range(27)
        ]
        session.add_all(tasks)
        session.commit()
        many = [prod.lantern_modeling, prod.keeper_modeling, prod.shot_animation]
        many += [task.id for task in tasks]
    counts = []
    for chosen in (many[:3], many):
        answer = call(
            client,
            crud_engine,
            "POST",
            f"/api/projects/{prod.project}/tasks/status",
            {"task_ids": chosen, "task_status_id": prod.wip},
        )
        assert len(answer.json()) == len(chosen)
        counts.append(answer.log.count)
    assert counts == [AUTH + 6, AUTH + 6]
    assert _tasks_status(crud_engine, many) == [prod.wip] * 30


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        # One unknown task among known ones: none changes.
        ({"task_ids": ["{lantern_modeling}", "{missing}", "{keeper_modeling}"],
          "task_status_id": "{done}"}, 404, "task {missing} not found"),
        ({"task_ids": ["{missing}", 1999999999], "task_status_id": "{done}"}, 404,
         "tasks {missing}, 1999999999 not found"),
        ({"task_ids": ["{lantern_modeling}", "{other_task}"], "task_status_id": "{done}"}, 400,
         ("task_ids", "not in project {project}: task {other_task}")),
        ({"task_ids": ["{lantern_modeling}"], "task_status_id": "{retake}"}, 400,
         ("task_status_id", "task status {retake} is not enabled for project {project}")),
        ({"task_ids": ["{lantern_modeling}"], "task_status_id": "{missing}"}, 404,
         "task status {missing} not found"),
        ({"task_ids": ["{lantern_modeling}", "{lantern_modeling}"], "task_status_id": "{done}"},
         422, (("body", "task_ids"), "value_error")),
        ({"task_ids": [], "task_status_id": "{done}"}, 422, (("body", "task_ids"), "too_short")),
        ({"task_ids": list(range(1, 10_002)), "task_status_id": "{done}"}, 422,
         (("body", "task_ids"), "too_long")),
        ({"task_ids": ["{lantern_modeling}"]}, 422, (("body", "task_status_id"), "missing")),
    ],
)  # fmt: skip
def test_bulk_status_bad_input(
    client: TestClient,
    crud_engine: Engine,
    prod: Production,
    body: dict[str, Any],
    status: int,
    expected: Expected,
) -> None:
    with Session(crud_engine) as session:
        other = Task(
            project_id=prod.other_project,
            entity_id=prod.other_asset,
            task_type_id=prod.modeling,
            task_status_id=prod.todo,
        )
        session.add(other)
        session.commit()
        other_task = other.id
    request_ = ("POST", "/api/projects/{project}/tasks/status", body)
    answer = assert_refused(
        client, crud_engine, prod, request_, status, expected, other_task=other_task
    )
    assert answer.log.count <= AUTH + 2  # refused by the checks, before any write


def test_bulk_status_update_of_a_missing_project_or_a_deleted_task(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    body = {"task_ids": ["{lantern_modeling}", "{keeper_modeling}"], "task_status_id": "{done}"}
    request_ = ("POST", "/api/projects/{missing}/tasks/status", body)
    assert_refused(client, crud_engine, prod, request_, 404, "project {missing} not found")
    client.delete(f"/api/tasks/{prod.keeper_modeling}")
    request_ = ("POST", "/api/projects/{project}/tasks/status", body)
    assert_refused(client, crud_engine, prod, request_, 404, "task {keeper_modeling} not found")


def test_a_failed_bulk_update_changes_no_task(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    """The UPDATE and its events have been written when reading the answer
    fails: nothing is committed, no event either."""
    before = snapshot(crud_engine)
    with (
        failing_after(crud_engine, "INSERT INTO event") as ran,
        pytest.raises(InjectedFailure),
    ):
        client.post(
            f"/api/projects/{prod.project}/tasks/status",
            json={
                "task_ids": [prod.lantern_modeling, prod.keeper_modeling, prod.shot_animation],
                "task_status_id": prod.done,
            },
        )
    assert ran[-3].startswith("UPDATE task")
    assert ran[-2].startswith("INSERT INTO event")
    assert ran[-1].startswith("SELECT")
    assert snapshot(crud_engine) == before
    assert _tasks_status(crud_engine, [prod.lantern_modeling, prod.keeper_modeling]) == [
        prod.todo,
        prod.wip,
    ]
