"""A person's to-do (``GET /api/me/tasks``): the open tasks assigned to the
signed-in person, newest activity first, each with its project, entity, task
type and status, in a fixed number of statements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert, update

from shotline.app import create_app
from shotline.models import ProjectMember, Task, task_assignee
from shotline.settings import MODE_HEADER
from tests.refusals import refusal
from tests.shotline.crud.support import Production, call, iso
from tests.shotline.signin import AUTH, bearer

T0 = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def mira(crud_engine: Engine, prod: Production, mode: str) -> Iterator[TestClient]:
    """Mira on LHK's team, assigned the lantern's modeling (todo), the keeper's
    (wip, changed last) and the shot's animation (done): two open tasks."""
    with crud_engine.begin() as connection:
        connection.execute(
            insert(ProjectMember).values(project_id=prod.project, person_id=prod.mira)
        )
        connection.execute(
            insert(task_assignee),
            [
                {"task_id": prod.keeper_modeling, "person_id": prod.mira},
                {"task_id": prod.shot_animation, "person_id": prod.mira},
            ],
        )
        for hours, task, status in [
            (1, prod.lantern_modeling, prod.todo),
            (2, prod.keeper_modeling, prod.wip),
            (3, prod.shot_animation, prod.done),
        ]:
            connection.execute(
                update(Task)
                .where(Task.id == task)
                .values(task_status_id=status, updated_at=T0 + dt.timedelta(hours=hours))
            )
    headers = {**bearer(crud_engine, prod.mira), MODE_HEADER: mode}
    with TestClient(create_app(crud_engine), headers=headers) as client:
        yield client


def page(*items: Any) -> dict[str, Any]:
    return {"items": list(items), "next_cursor": None}


def _my_task(
    prod: Production,
    task: int,
    entity: tuple[int, str, str],
    status: tuple[int, str, str],
    hours: int,
) -> dict[str, Any]:
    status_id, name, short_name = status
    return {
        "id": task,
        "project": {"id": prod.project, "name": "The Lighthouse Keepers", "code": "LHK"},
        "entity": {"id": entity[0], "kind": entity[1], "name": entity[2]},
        "task_type": {
            "id": prod.modeling,
            "name": "Modeling",
            "short_name": "mod",
            "color": "#999999",
        },
        "task_status": {
            "id": status_id,
            "name": name,
            "short_name": short_name,
            "color": "#999999",
        },
        "priority": 0,
        "estimate": None,
        "start_date": None,
        "due_date": None,
        "updated_at": iso(T0 + dt.timedelta(hours=hours)),
        "assignees": [{"id": prod.mira, "full_name": "Mira Okafor"}],
    }


def test_my_open_tasks_newest_activity_first(
    crud_engine: Engine, prod: Production, mira: TestClient
) -> None:
    answer = call(mira, crud_engine, "GET", "/api/me/tasks")
    assert answer.status == 200
    assert answer.json() == page(
        _my_task(prod, prod.keeper_modeling, (prod.keeper, "asset", "Keeper"),
                 (prod.wip, "Work in progress", "wip"), 2),
        _my_task(prod, prod.lantern_modeling, (prod.lantern, "asset", "Brass Lantern"),
                 (prod.todo, "Todo", "todo"), 1),
    )  # fmt: skip
    # the tasks with their project, entity, type and status joined; their assignees
    assert answer.log.count == AUTH + 2


def test_my_tasks_of_one_project_ordered_and_paged(
    crud_engine: Engine, prod: Production, mira: TestClient
) -> None:
    url = f"/api/me/tasks?project_id={prod.project}&fields=id&order=updated_at"
    assert mira.get(url).json() == page({"id": prod.lantern_modeling}, {"id": prod.keeper_modeling})
    paged = mira.get(f"{url}&limit=1&total=true").json()
    assert (paged["items"], paged["total"]) == ([{"id": prod.lantern_modeling}], 2)
    other = call(mira, crud_engine, "GET", f"/api/me/tasks?project_id={prod.other_project}")
    assert other.json() == page()
    assert other.log.count == AUTH + 1


def test_nobody_elses_tasks(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    """The admin sees every task, and is assigned none."""
    assert client.get("/api/me/tasks").json() == page()


def test_a_task_of_a_deleted_entity_or_a_project_left_is_not_listed(
    client: TestClient, crud_engine: Engine, prod: Production, mira: TestClient
) -> None:
    client.delete(f"/api/assets/{prod.keeper}")
    assert [t["id"] for t in mira.get("/api/me/tasks").json()["items"]] == [prod.lantern_modeling]
    client.delete(f"/api/projects/{prod.project}/members/{prod.mira}")
    assert mira.get("/api/me/tasks").json() == page()


@pytest.mark.parametrize(
    ("query", "loc", "kind"),
    [
        ("project_id=0", ["query", "project_id"], "greater_than_equal"),
        ("project_id=x", ["query", "project_id"], "int_parsing"),
        ("order=nope", None, None),
    ],
)
def test_refused_queries(
    mira: TestClient, query: str, loc: list[str] | None, kind: str | None
) -> None:
    response = mira.get(f"/api/me/tasks?{query}")
    if loc is None:
        assert response.status_code == 400
        assert response.json() == refusal(
            "invalid",
            "cannot order by",
            ["nope"],
            valid=["due_date", "estimate", "id", "priority", "start_date", "updated_at"],
        )
    else:
        assert response.status_code == 422
        assert [(e["loc"], e["type"]) for e in response.json()["detail"]] == [(loc, kind)]
