"""Two overlapping bulk status changes cannot deadlock (issue item 4), shown
deterministically rather than by chance: a transaction of the test holds
the lower task, the first request (naming the tasks low, high) queues
behind it, then the second (naming them high, low). Locked in the order the
requests name them, the second would hold the higher task while it waits:
once the lower one is released, the first takes it and waits for the
higher, and the database answers one of them with a deadlock (which was a
500). Locked in the order of their ids, both wait for the lower task and
nothing else, and both succeed when it is released."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session

from shotline.app import create_app
from shotline.models import ProjectTaskStatus, Task
from tests.reliability.conftest import LIMITS
from tests.shotline.graphql.conftest import Stock

WAITING = text(
    "SELECT count(*) FROM pg_stat_activity "
    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
)
"""How many of this database's transactions wait for a lock."""


@pytest.fixture(autouse=True)
def _postgresql(dialect: str) -> None:
    """The queue is watched through PostgreSQL's pg_stat_activity. MariaDB
    does not show it: a request waiting for the row is missing from
    information_schema.INNODB_TRX; tests/reliability/test_concurrency.py
    runs overlapping changes there."""
    if dialect != "postgresql":
        pytest.skip("the lock queue is watched on PostgreSQL")


def _wait_for_waiters(watcher: Connection, count: int) -> None:
    """Return once ``count`` transactions wait for a lock (a condition, not
    a time: the bound only ends a test whose requests never queued)."""
    query = WAITING
    for _ in range(1000):
        if watcher.execute(query).scalar_one() >= count:
            return
        time.sleep(0.01)
    raise AssertionError(f"{count} requests never waited for a lock")


def test_overlapping_bulk_changes_queue_instead_of_deadlocking(stock: Stock) -> None:
    app = create_app(stock.engine, LIMITS)
    project = stock.ids.projects["LHK"]
    with Session(stock.engine) as session:
        low, high = session.scalars(
            select(Task.id)
            .where(Task.project_id == project, Task.entity.has())
            .order_by(Task.id)
            .limit(2)
        ).all()
        status = session.scalars(
            select(ProjectTaskStatus.task_status_id).where(ProjectTaskStatus.project_id == project)
        ).first()
    answers: dict[str, tuple[int, Any]] = {}

    def change(name: str, order: list[int]) -> None:
        client = TestClient(app, headers=stock.token, raise_server_exceptions=False)
        body = {"task_ids": order, "task_status_id": status}
        answer = client.post(f"/api/projects/{project}/tasks/status", json=body)
        answers[name] = (answer.status_code, answer.json())

    first = threading.Thread(target=change, args=("first", [low, high]))
    second = threading.Thread(target=change, args=("second", [high, low]))
    with stock.engine.connect() as watcher, stock.engine.connect() as holder:
        watcher.execution_options(isolation_level="AUTOCOMMIT")
        with holder.begin():
            holder.execute(select(Task.id).where(Task.id == low).with_for_update())
            first.start()
            _wait_for_waiters(watcher, 1)
            second.start()
            _wait_for_waiters(watcher, 2)
        first.join(60)
        second.join(60)
    assert [answers["first"][0], answers["second"][0]] == [200, 200], answers
    with Session(stock.engine) as session:
        changed = session.scalars(select(Task.task_status_id).where(Task.id.in_([low, high])))
        assert set(changed) == {status}
