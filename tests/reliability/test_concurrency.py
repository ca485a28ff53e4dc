"""Concurrent writes never answer 500 and never leave a task disagreeing
with its history (issue items 4 and 9), on the databases that run them
concurrently: PostgreSQL and MariaDB (SQLite runs one writer at a time)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from shotline.app import create_app
from shotline.models import Comment, ProjectTaskStatus, Task, task_assignee
from tests.reliability.conftest import LIMITS
from tests.shotline.graphql.conftest import Stock

WORKERS = 12
ROUNDS = 8


@pytest.fixture(autouse=True)
def _concurrent_dialects(dialect: str) -> None:
    if dialect == "sqlite":
        pytest.skip("SQLite runs one writer at a time")


def together(work: Callable[[int], Any], count: int = WORKERS) -> list[Any]:
    """``work(i)`` for ``i`` in ``range(count)``, each in its own thread, all
    released at once; their results in order."""
    results: list[Any] = [None] * count
    start = threading.Barrier(count)

    def run(index: int) -> None:
        start.wait()
        results[index] = work(index)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def _client(stock: Stock) -> Callable[[], TestClient]:
    app = create_app(stock.engine, LIMITS)
    return lambda: TestClient(app, headers=stock.token, raise_server_exceptions=False)


def _enabled_statuses(stock: Stock) -> list[int]:
    with Session(stock.engine) as session:
        return list(
            session.scalars(
                select(ProjectTaskStatus.task_status_id).where(
                    ProjectTaskStatus.project_id == stock.ids.projects["LHK"]
                )
            )
        )


def test_overlapping_bulk_status_changes_all_succeed(stock: Stock) -> None:
    """Each request names the project's tasks in its own order: they used to
    lock them in that order, and deadlock."""
    client = _client(stock)
    project = stock.ids.projects["LHK"]
    with Session(stock.engine) as session:
        live = select(Task.id).where(Task.project_id == project, Task.entity.has())
        tasks = list(session.scalars(live.order_by(Task.id)))
    statuses = _enabled_statuses(stock)

    def change(index: int) -> tuple[int, Any]:
        order = tasks[index:] + tasks[:index]
        if index % 2:
            order.reverse()
        body = {"task_ids": order, "task_status_id": statuses[index % len(statuses)]}
        answer = client().post(f"/api/projects/{project}/tasks/status", json=body)
        return answer.status_code, answer.json()

    for _ in range(ROUNDS):
        answers = together(change)
        assert [status for status, _ in answers] == [200] * WORKERS, answers


def test_the_latest_comment_agrees_with_the_task_status(stock: Stock) -> None:
    client = _client(stock)
    task = stock.ids.tasks["SQ010/SH0010/anim"]
    statuses = _enabled_statuses(stock)

    def comment(index: int) -> int:
        body = {"text": f"take {index}", "task_status_id": statuses[index % len(statuses)]}
        return client().post(f"/api/tasks/{task}/comments", json=body).status_code

    for _ in range(ROUNDS):
        assert together(comment) == [201] * WORKERS
        with Session(stock.engine) as session:
            latest = session.scalars(
                select(Comment.task_status_id)
                .where(Comment.task_id == task, Comment.task_status_id.is_not(None))
                .order_by(Comment.created_at.desc(), Comment.id.desc())
                .limit(1)
            ).one()
            assert session.get_one(Task, task).task_status_id == latest


def test_adding_an_assignee_twice_at_once_is_idempotent(stock: Stock) -> None:
    client = _client(stock)
    task = stock.ids.tasks["SQ010/SH0020/anim"]
    person = stock.ids.people["Leo"]

    def add(index: int) -> tuple[int, list[int]]:
        if index % 2:
            answer = client().post(f"/api/tasks/{task}/assignees", json={"person_ids": [person]})
            return answer.status_code, [p["id"] for p in answer.json().get("assignees", [])]
        query = (
            "mutation ($t: ID!, $p: ID!) { assignTask(taskId: $t, add: [$p]) { assignees { id } } }"
        )
        answer = client().post(
            "/graphql", json={"query": query, "variables": {"t": task, "p": person}}
        )
        body = answer.json()
        assert "errors" not in body, body
        return answer.status_code, [int(p["id"]) for p in body["data"]["assignTask"]["assignees"]]

    answers = together(add)
    assert all(status == 200 and person in ids for status, ids in answers), answers
    with Session(stock.engine) as session:
        rows = session.execute(
            select(task_assignee.c.person_id).where(
                task_assignee.c.task_id == task, task_assignee.c.person_id == person
            )
        ).all()
    assert len(rows) == 1
