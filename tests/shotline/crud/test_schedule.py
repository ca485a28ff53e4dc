"""The schedule: milestones, tasks by due date (and the late ones), and the
workload per person and week, computed by the database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert, update

from shotline.models import Milestone, Task, TimeLog, task_assignee
from tests.refusals import refusal
from tests.shotline.crud.support import (
    Expected,
    Production,
    assert_refused,
    call,
    ids,
    iso,
    load,
)
from tests.shotline.signin import AUTH


@pytest.fixture
def milestone(crud_engine: Engine, prod: Production) -> int:
    """ "Animatic lock" on 2027-03-05, about Animation."""
    with crud_engine.begin() as connection:
        return int(
            connection.execute(
                insert(Milestone)
                .values(
                    project_id=prod.project,
                    date=dt.date(2027, 3, 5),
                    name="Animatic lock",
                    task_type_id=prod.animation,
                    created_at=dt.datetime(2027, 1, 4, 9, tzinfo=dt.UTC),
                )
                .returning(Milestone.id)
            ).scalar_one()
        )


def test_create_read_change_and_delete_milestones(
    client: TestClient, crud_engine: Engine, prod: Production, milestone: int
) -> None:
    created = call(
        client,
        crud_engine,
        "POST",
        f"/api/projects/{prod.project}/milestones",
        {"date": "2027-02-26", "name": " Client review "},
    )
    assert created.status == 201
    new = created.json()["id"]
    stored = load(crud_engine, Milestone, new)
    assert created.json() == {
        "id": new,
        "project_id": prod.project,
        "date": "2027-02-26",
        "name": "Client review",
        "task_type_id": None,
        "created_at": iso(stored.created_at),
    }
    # checks, INSERT, INSERT event, read back
    assert created.log.count == AUTH + 4

    lock = {
        "id": milestone,
        "project_id": prod.project,
        "date": "2027-03-05",
        "name": "Animatic lock",
        "task_type_id": prod.animation,
        "created_at": "2027-01-04T09:00:00Z",
    }
    listed = call(client, crud_engine, "GET", f"/api/projects/{prod.project}/milestones")
    # By date: the review comes first though it was created last.
    assert listed.json() == {"items": [created.json(), lock]}
    assert listed.log.count == AUTH + 1
    newest_first = client.get(f"/api/projects/{prod.project}/milestones?order=-date")
    assert [m["id"] for m in newest_first.json()["items"]] == [milestone, new]
    got = call(client, crud_engine, "GET", f"/api/milestones/{milestone}")
    assert (got.json(), got.log.count) == (lock, AUTH + 1)

    changed = call(
        client,
        crud_engine,
        "PATCH",
        f"/api/milestones/{milestone}",
        {"date": "2027-03-12", "task_type_id": None},
    )
    assert changed.json() == {**lock, "date": "2027-03-12", "task_type_id": None}
    # fetch with its checks, UPDATE, INSERT event, read back
    assert changed.log.count == AUTH + 4

    deleted = call(client, crud_engine, "DELETE", f"/api/milestones/{milestone}")
    assert deleted.status == 204
    assert ids(crud_engine, Milestone) == [new]
    # An empty list of a project that exists, then of one that does not.
    client.delete(f"/api/milestones/{new}")
    assert client.get(f"/api/projects/{prod.project}/milestones").json() == {"items": []}
    assert client.get("/api/projects/2000000000/milestones").json() == refusal(
        "not_found", "project 2000000000 not found"
    )


@pytest.mark.parametrize(
    ("request_", "status", "expected"),
    [
        (("POST", "/api/projects/{project}/milestones",
          {"date": "2027-03-01", "name": "Lock", "task_type_id": "{lighting}"}), 400,
         ("task_type_id", "task type {lighting} is not enabled for the project")),
        (("POST", "/api/projects/{project}/milestones",
          {"date": "2027-03-01", "name": "Lock", "task_type_id": "{missing}"}), 404,
         "task type {missing} not found"),
        (("POST", "/api/projects/{missing}/milestones", {"date": "2027-03-01", "name": "Lock"}),
         404, "project {missing} not found"),
        (("POST", "/api/projects/{project}/milestones", {"date": "2027-03-01", "name": " "}),
         422, (("body", "name"), "string_too_short")),
        (("POST", "/api/projects/{project}/milestones", {"date": "someday", "name": "Lock"}),
         422, (("body", "date"), "date_from_datetime_parsing")),
        (("PATCH", "/api/milestones/{milestone}", {"task_type_id": "{lighting}"}), 400,
         ("task_type_id", "task type {lighting} is not enabled for the project")),
        (("PATCH", "/api/milestones/{milestone}", {"name": None}), 422,
         (("body", "name"), "string_type")),
        (("PATCH", "/api/milestones/{missing}", {"name": "x"}), 404,
         "milestone {missing} not found"),
        (("DELETE", "/api/milestones/{missing}", None), 404, "milestone {missing} not found"),
    ],
)  # fmt: skip
def test_refused_milestone_changes(
    client: TestClient,
    crud_engine: Engine,
    prod: Production,
    milestone: int,
    request_: tuple[str, str, Any],
    status: int,
    expected: Expected,
) -> None:
    assert_refused(client, crud_engine, prod, request_, status, expected, milestone=milestone)


@pytest.fixture
def planned(crud_engine: Engine, prod: Production) -> Production:
    """The lantern's modeling (Mira) from Monday 2027-03-01 to Wednesday
    03-10, 1200 minutes; the keeper's (Mira and Theo) due 03-03, 480
    minutes; the shot's animation (Theo) 600 minutes, without dates. Mira
    logged 90 and 60 minutes on the lantern."""
    with crud_engine.begin() as connection:
        for task, values in [
            (prod.lantern_modeling, {"start_date": dt.date(2027, 3, 1),
                                     "due_date": dt.date(2027, 3, 10), "estimate": 1200}),
            (prod.keeper_modeling, {"due_date": dt.date(2027, 3, 3), "estimate": 480}),
            (prod.shot_animation, {"estimate": 600}),
        ]:  # fmt: skip
            connection.execute(update(Task).where(Task.id == task).values(**values))
        connection.execute(
            insert(task_assignee),
            [
                {"task_id": prod.keeper_modeling, "person_id": prod.mira},
                {"task_id": prod.keeper_modeling, "person_id": prod.theo},
                {"task_id": prod.shot_animation, "person_id": prod.theo},
            ],
        )
        connection.execute(
            insert(TimeLog),
            [
                {"person_id": prod.mira, "task_id": prod.lantern_modeling,
                 "day": dt.date(2027, 3, day), "minutes": minutes}
                for day, minutes in [(1, 90), (2, 60)]
            ],
        )  # fmt: skip
    return prod


def page(*items: Any) -> dict[str, Any]:
    """A page of the schedule's task list (paged: it has a next cursor)."""
    return {"items": list(items), "next_cursor": None}


def _people(prod: Production, *people: int) -> list[dict[str, Any]]:
    names = {prod.mira: "Mira Okafor", prod.theo: "Theo Lind"}
    return [{"id": person, "full_name": names[person]} for person in sorted(people)]


def test_tasks_by_due_date_with_estimates_and_time_spent(
    client: TestClient, crud_engine: Engine, planned: Production
) -> None:
    prod = planned
    keeper = {
        "id": prod.keeper_modeling,
        "entity": {"id": prod.keeper, "kind": "asset", "name": "Keeper"},
        "task_type": "Modeling",
        "task_status": "wip",
        "done": False,
        "priority": 0,
        "start_date": None,
        "due_date": "2027-03-03",
        "estimate": 480,
        "time_spent": 0,
        "assignees": _people(prod, prod.mira, prod.theo),
    }
    lantern = {
        "id": prod.lantern_modeling,
        "entity": {"id": prod.lantern, "kind": "asset", "name": "Brass Lantern"},
        "task_type": "Modeling",
        "task_status": "todo",
        "done": False,
        "priority": 0,
        "start_date": "2027-03-01",
        "due_date": "2027-03-10",
        "estimate": 1200,
        "time_spent": 150,
        "assignees": _people(prod, prod.mira),
    }
    url = f"/api/projects/{prod.project}/schedule/tasks"
    listed = call(client, crud_engine, "GET", url)
    # The shot's animation has no due date: not on the schedule.
    assert listed.json() == page(keeper, lantern)
    # the tasks (entity, type and status joined, time spent summed in), assignees
    assert listed.log.count == AUTH + 2

    late = call(client, crud_engine, "GET", f"{url}?late=true&on=2027-03-05")
    assert late.json() == page(keeper)
    assert late.log.count == AUTH + 2
    assert client.get(f"{url}?late=true&on=2027-03-03").json() == page()
    assert client.get(f"{url}?late=true&on=2027-03-11").json() == page(keeper, lantern)
    assert client.get(f"{url}?due_from=2027-03-04&due_to=2027-03-10").json() == page(lantern)
    by_theo = client.get(f"{url}?assignee={prod.theo}&fields=id")
    assert by_theo.json() == page({"id": prod.keeper_modeling})
    newest = client.get(f"{url}?order=-due_date&fields=id,time_spent")
    assert newest.json() == page(
        {"id": prod.lantern_modeling, "time_spent": 150},
        {"id": prod.keeper_modeling, "time_spent": 0},
    )

    # A done task is never late.
    client.post(
        f"/api/projects/{prod.project}/tasks/status",
        json={"task_ids": [prod.keeper_modeling], "task_status_id": prod.done},
    )
    assert client.get(f"{url}?late=true&on=2027-03-05").json() == page()

    empty = call(client, crud_engine, "GET", f"{url}?late=true&on=2027-01-01")
    # no assignees to load; an empty page checks its project instead
    assert (empty.json(), empty.log.count) == (page(), AUTH + 2)
    missing = client.get("/api/projects/2000000000/schedule/tasks")
    assert (missing.status_code, missing.json()) == (
        404,
        refusal("not_found", "project 2000000000 not found"),
    )


def test_workload_per_person_and_week(
    client: TestClient, crud_engine: Engine, planned: Production
) -> None:
    prod = planned
    url = f"/api/projects/{prod.project}/schedule/workload?start=2027-03-03&weeks=2"
    answer = call(client, crud_engine, "GET", url)
    # Mira: 1200 minutes over the lantern's 10 days (7 in the first week, 3
    # in the second) and half the keeper's 480 on its due day. Theo: the
    # other half, and the shot's 600 minutes without dates.
    assert answer.json() == {
        "weeks": ["2027-03-01", "2027-03-08"],
        "workday_minutes": 480,
        "people": [
            {"id": prod.theo, "full_name": "Theo Lind", "minutes": [240, 0],
             "days": [0.5, 0.0], "unscheduled": 600},
            {"id": prod.mira, "full_name": "Mira Okafor", "minutes": [1080, 360],
             "days": [2.25, 0.75], "unscheduled": 0},
        ],
    }  # fmt: skip
    # the project's check, the grouped workload
    assert answer.log.count == AUTH + 2

    later = client.get(f"/api/projects/{prod.project}/schedule/workload?start=2027-03-10&weeks=1")
    assert [(p["full_name"], p["minutes"]) for p in later.json()["people"]] == [
        ("Theo Lind", [0]),
        ("Mira Okafor", [360]),
    ]
    # Done tasks weigh nothing.
    client.post(
        f"/api/projects/{prod.project}/tasks/status",
        json={"task_ids": [prod.keeper_modeling, prod.shot_animation], "task_status_id": prod.done},
    )
    done = client.get(url).json()["people"]
    assert [(p["full_name"], p["minutes"], p["unscheduled"]) for p in done] == [
        ("Mira Okafor", [840, 360], 0)
    ]


@pytest.mark.parametrize(
    ("url", "status", "expected"),
    [
        ("/api/projects/{missing}/schedule/workload", 404, "project {missing} not found"),
        ("/api/projects/{project}/schedule/workload?weeks=54", 422, "less_than_equal"),
        ("/api/projects/{project}/schedule/workload?weeks=0", 422, "greater_than_equal"),
        ("/api/projects/{project}/schedule/workload?start=soon", 422, "date_from_datetime_parsing"),
        ("/api/projects/{project}/schedule/tasks?on=soon", 422, "date_from_datetime_parsing"),
    ],
)  # fmt: skip
def test_refused_schedule_requests(
    client: TestClient, prod: Production, url: str, status: int, expected: Any
) -> None:
    response = client.get(url.format(project=prod.project, missing=2_000_000_000))
    assert response.status_code == status
    if status == 422:
        assert [error["type"] for error in response.json()["detail"]] == [expected]
    else:
        assert response.json() == refusal("not_found", expected.format(missing=2_000_000_000))
