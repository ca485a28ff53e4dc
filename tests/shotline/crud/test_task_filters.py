"""The filters every task list shares (``shotline.api.crud.task_filters``),
on a project's tasks, its schedule and my tasks: task types and statuses by
id or name, entities and people by id, due dates, lateness and "done"."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert, update

from shotline.models import Task, task_assignee
from tests.shotline.crud.support import Production, assert_refused, call
from tests.shotline.signin import AUTH


@pytest.fixture
def dated(crud_engine: Engine, prod: Production) -> Production:
    """The lantern's modeling (todo, Mira's) due on 2027-03-05, the keeper's
    (wip, Theo's) on 2027-03-10; the shot's animation (todo) has no date."""
    with crud_engine.begin() as connection:
        for task, due in [(prod.lantern_modeling, 5), (prod.keeper_modeling, 10)]:
            connection.execute(
                update(Task).where(Task.id == task).values(due_date=dt.date(2027, 3, due))
            )
        connection.execute(
            insert(task_assignee).values(task_id=prod.keeper_modeling, person_id=prod.theo)
        )
    return prod


def _ids(client: TestClient, url: str) -> list[int]:
    answer = client.get(url)
    assert answer.status_code == 200, answer.text
    return [task["id"] for task in answer.json()["items"]]


def test_task_filters(client: TestClient, crud_engine: Engine, dated: Production) -> None:
    prod = dated
    lantern, keeper, shot = prod.lantern_modeling, prod.keeper_modeling, prod.shot_animation
    url = f"/api/projects/{prod.project}/tasks?fields=id"
    expected: dict[str, list[int]] = {
        "": [lantern, keeper, shot],
        "&task_status=todo": [lantern, shot],
        f"&task_status=wip&task_status={prod.todo}": [lantern, keeper, shot],
        "&task_type=Modeling": [lantern, keeper],
        f"&task_type={prod.animation}&task_status=todo": [shot],
        f"&assignee={prod.mira}": [lantern],
        f"&assignee={prod.mira}&assignee={prod.theo}": [lantern, keeper],
        f"&entity={prod.keeper}&entity={prod.shot}": [keeper, shot],
        "&due_to=2027-03-06": [lantern],
        "&due_from=2027-03-06": [keeper],
        "&late=true&on=2027-03-06": [lantern],
        "&late=true&on=2027-03-11": [lantern, keeper],
        "&done=false": [lantern, keeper, shot],
        "&done=true": [],
    }
    assert {query: _ids(client, url + query) for query in expected} == expected

    client.post(
        f"/api/projects/{prod.project}/tasks/status",
        json={"task_ids": [keeper], "task_status_id": prod.done},
    )
    assert _ids(client, f"{url}&done=true") == [keeper]
    # A done task is never late.
    assert _ids(client, f"{url}&late=true&on=2027-03-11") == [lantern]


def test_the_schedule_and_my_tasks_filter_the_same_way(
    client: TestClient, dated: Production
) -> None:
    prod = dated
    schedule = f"/api/projects/{prod.project}/schedule/tasks?fields=id"
    assert _ids(client, f"{schedule}&task_status=wip") == [prod.keeper_modeling]
    assert _ids(client, f"{schedule}&task_type=Modeling&late=true&on=2027-03-06") == [
        prod.lantern_modeling
    ]


def test_naming_a_status_costs_one_statement(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    url = f"/api/projects/{prod.project}/tasks?fields=id"
    # the tasks; the check of an empty page's project, never needed here
    assert call(client, crud_engine, "GET", url).log.count == AUTH + 1
    # the statuses named, then the tasks
    named = call(client, crud_engine, "GET", f"{url}&task_status=wip&task_status={prod.todo}")
    assert named.log.count == AUTH + 2
    both = call(client, crud_engine, "GET", f"{url}&task_status=wip&task_type=Modeling")
    assert both.log.count == AUTH + 3


@pytest.mark.parametrize(
    ("query", "status", "expected"),
    [
        ("task_status=wipp", 400, ("task_status", "unknown task status 'wipp'")),
        ("task_status=2000000000", 400, ("task_status", "unknown task status '2000000000'")),
        ("task_type=mod", 400, ("task_type", "unknown task type 'mod'")),
        ("task_status=todo&task_type=Modeling&task_type=Nope", 400,
         ("task_type", "unknown task type 'Nope'")),
        ("entity=0", 422, (("query", "entity", 0), "greater_than_equal")),
        ("assignee=x", 422, (("query", "assignee", 0), "int_parsing")),
        ("due_from=soon", 422, (("query", "due_from"), "date_from_datetime_parsing")),
        ("done=maybe", 422, (("query", "done"), "bool_parsing")),
    ],
)  # fmt: skip
def test_refused_filters(
    client: TestClient,
    crud_engine: Engine,
    prod: Production,
    query: str,
    status: int,
    expected: Any,
) -> None:
    assert_refused(
        client, crud_engine, prod, ("GET", f"/api/projects/{{project}}/tasks?{query}", None),
        status, expected,
    )  # fmt: skip
