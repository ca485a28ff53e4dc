"""Time logs: one per person, task and day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert

from shotline.models import TimeLog
from tests.shotline.crud.support import Expected, Production, assert_refused, call, ids, load
from tests.shotline.signin import AUTH


@pytest.fixture
def logged(crud_engine: Engine, prod: Production) -> int:
    """Mira's 90 minutes on the lantern's modeling on 2027-03-01."""
    with crud_engine.begin() as connection:
        return int(
            connection.execute(
                insert(TimeLog)
                .values(
                    person_id=prod.mira,
                    task_id=prod.lantern_modeling,
                    day=dt.date(2027, 3, 1),
                    minutes=90,
                )
                .returning(TimeLog.id)
            ).scalar_one()
        )


def test_log_time(client: TestClient, crud_engine: Engine, prod: Production, logged: int) -> None:
    created = call(
        client,
        crud_engine,
        "POST",
        f"/api/tasks/{prod.lantern_modeling}/time-logs",
        {"person_id": prod.mira, "day": "2027-03-02", "minutes": 240},
    )
    assert created.status == 201
    new = created.json()["id"]
    assert created.json() == {
        "id": new,
        "task_id": prod.lantern_modeling,
        "person_id": prod.mira,
        "day": "2027-03-02",
        "minutes": 240,
    }
    stored = load(crud_engine, TimeLog, new)
    assert (stored.person_id, stored.task_id, str(stored.day), stored.minutes) == (
        prod.mira,
        prod.lantern_modeling,
        "2027-03-02",
        240,
    )
    # the task with the person and day checks, INSERT, INSERT event, read back
    assert created.log.count == AUTH + 4
    # Another person may log the same day.
    other = client.post(
        f"/api/tasks/{prod.lantern_modeling}/time-logs",
        json={"person_id": prod.theo, "day": "2027-03-01", "minutes": 30},
    )
    assert other.status_code == 201


def test_read_time_logs(
    client: TestClient, crud_engine: Engine, prod: Production, logged: int
) -> None:
    body = {
        "id": logged,
        "task_id": prod.lantern_modeling,
        "person_id": prod.mira,
        "day": "2027-03-01",
        "minutes": 90,
    }
    listed = call(client, crud_engine, "GET", f"/api/tasks/{prod.lantern_modeling}/time-logs")
    assert listed.json() == {"items": [body]}
    assert listed.log.count == AUTH + 2
    got = call(client, crud_engine, "GET", f"/api/time-logs/{logged}")
    assert (got.json(), got.log.count) == (body, AUTH + 1)
    assert client.get(f"/api/tasks/{prod.keeper_modeling}/time-logs").json() == {"items": []}


def test_replace_and_delete_a_time_log(
    client: TestClient, crud_engine: Engine, prod: Production, logged: int
) -> None:
    replaced = call(
        client, crud_engine, "PUT", f"/api/time-logs/{logged}", {"day": "2027-03-04", "minutes": 60}
    )
    assert replaced.json() == {
        "id": logged,
        "task_id": prod.lantern_modeling,
        "person_id": prod.mira,
        "day": "2027-03-04",
        "minutes": 60,
    }
    stored = load(crud_engine, TimeLog, logged)
    assert (str(stored.day), stored.minutes) == ("2027-03-04", 60)
    # fetch, day check, UPDATE, its task's project (for the event), INSERT
    # event, read back
    assert replaced.log.count == AUTH + 6
    # Its own day is no conflict.
    again = client.put(f"/api/time-logs/{logged}", json={"day": "2027-03-04", "minutes": 75})
    assert again.json()["minutes"] == 75

    deleted = call(client, crud_engine, "DELETE", f"/api/time-logs/{logged}")
    assert deleted.status == 204
    assert ids(crud_engine, TimeLog) == []
    # fetch with the checks, its task's project (for the event), DELETE,
    # INSERT event
    assert deleted.log.count == AUTH + 4


@pytest.mark.parametrize(
    ("request_", "status", "expected"),
    [
        (("POST", "/api/tasks/{lantern_modeling}/time-logs",
          {"person_id": "{mira}", "day": "2027-03-01", "minutes": 30}), 409,
         "person {mira} already logged time on task {lantern_modeling} on 2027-03-01"),
        (("POST", "/api/tasks/{missing}/time-logs",
          {"person_id": "{mira}", "day": "2027-03-01", "minutes": 30}), 404,
         "task {missing} not found"),
        (("POST", "/api/tasks/{lantern_modeling}/time-logs",
          {"person_id": "{missing}", "day": "2027-03-01", "minutes": 30}), 404,
         "person {missing} not found"),
        (("POST", "/api/tasks/{lantern_modeling}/time-logs",
          {"person_id": "{mira}", "day": "2027-03-02", "minutes": 0}), 422,
         (("body", "minutes"), "greater_than_equal")),
        (("POST", "/api/tasks/{lantern_modeling}/time-logs",
          {"person_id": "{mira}", "day": "2027-03-02", "minutes": 1441}), 422,
         (("body", "minutes"), "less_than_equal")),
        (("POST", "/api/tasks/{lantern_modeling}/time-logs",
          {"person_id": "{mira}", "day": "yesterday", "minutes": 60}), 422,
         (("body", "day"), "date_from_datetime_parsing")),
        (("PUT", "/api/time-logs/{logged}", {"minutes": 60}), 422, (("body", "day"), "missing")),
        (("PUT", "/api/time-logs/{missing}", {"day": "2027-03-01", "minutes": 60}), 404,
         "time log {missing} not found"),
        (("GET", "/api/time-logs/{missing}", None), 404, "time log {missing} not found"),
        (("GET", "/api/tasks/{missing}/time-logs", None), 404, "task {missing} not found"),
        (("DELETE", "/api/time-logs/{missing}", None), 404, "time log {missing} not found"),
    ],
)  # fmt: skip
def test_time_log_bad_input(
    client: TestClient,
    crud_engine: Engine,
    prod: Production,
    logged: int,
    request_: tuple[str, str, Any],
    status: int,
    expected: Expected,
) -> None:
    assert_refused(client, crud_engine, prod, request_, status, expected, logged=logged)


def test_moving_a_log_onto_a_logged_day_is_refused(
    client: TestClient, crud_engine: Engine, prod: Production, logged: int
) -> None:
    second = client.post(
        f"/api/tasks/{prod.lantern_modeling}/time-logs",
        json={"person_id": prod.mira, "day": "2027-03-02", "minutes": 30},
    ).json()["id"]
    assert_refused(
        client,
        crud_engine,
        prod,
        ("PUT", "/api/time-logs/{second}", {"day": "2027-03-01", "minutes": 30}),
        409,
        "person {mira} already logged time on task {lantern_modeling} on 2027-03-01",
        second=second,
    )


def test_no_time_on_a_deleted_task(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    client.delete(f"/api/tasks/{prod.keeper_modeling}")
    assert_refused(
        client,
        crud_engine,
        prod,
        (
            "POST",
            "/api/tasks/{keeper_modeling}/time-logs",
            {"person_id": "{mira}", "day": "2027-03-01", "minutes": 30},
        ),
        404,
        "task {keeper_modeling} not found",
    )
