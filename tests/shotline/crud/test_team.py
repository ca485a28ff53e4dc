"""A project's team: members added with a role, changed and removed, with
the effect on what the person sees from their next request on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from shotline.app import create_app
from shotline.models import ProjectMember
from tests.shotline.crud.support import Expected, Production, assert_refused, call, scalars
from tests.shotline.crud.test_people import person_body
from tests.shotline.signin import AUTH, bearer


@pytest.fixture
def mira(crud_engine: Engine, prod: Production) -> Iterator[TestClient]:
    """A client signed in as Mira, an artist on no project yet."""
    with TestClient(create_app(crud_engine), headers=bearer(crud_engine, prod.mira)) as client:
        yield client


def member_body(engine: Engine, project: int, person: int, role: str | None, acts: str) -> Any:
    return {
        "project_id": project,
        "person": person_body(engine, person),
        "role": role,
        "project_role": acts,
    }


def team(engine: Engine, project: int) -> list[tuple[int, str | None]]:
    rows = scalars(
        engine,
        select(ProjectMember)
        .where(ProjectMember.project_id == project)
        .order_by(ProjectMember.person_id),
    )
    return [(row.person_id, row.role and row.role.value) for row in rows]


def test_a_member_sees_the_project_at_once_and_loses_it_at_once(
    client: TestClient, crud_engine: Engine, prod: Production, mira: TestClient
) -> None:
    url = f"/api/projects/{prod.project}/members"
    assert mira.get("/api/projects").json() == {"items": []}
    assert mira.get(f"/api/projects/{prod.project}").status_code == 404

    added = call(client, crud_engine, "POST", url, {"person_id": prod.mira})
    assert added.status == 201
    assert added.json() == member_body(crud_engine, prod.project, prod.mira, None, "artist")
    # checks, INSERT, INSERT the event and its addressee, read back: the
    # membership, then its person (a to-one with a computed field of its own
    # is loaded in a statement of its own)
    assert added.log.count == AUTH + 6
    assert team(crud_engine, prod.project) == [(prod.mira, None)]
    assert [p["code"] for p in mira.get("/api/projects").json()["items"]] == ["LHK"]
    assert mira.get(f"/api/projects/{prod.project}/assets").status_code == 200

    changed = call(client, crud_engine, "PATCH", f"{url}/{prod.mira}", {"role": "supervisor"})
    assert changed.json() == member_body(
        crud_engine, prod.project, prod.mira, "supervisor", "supervisor"
    )
    # checks, UPDATE, INSERT the event and its addressee, read back (2)
    assert changed.log.count == AUTH + 6
    assert mira.get("/api/me").json()["projects"] == [
        {"project_id": prod.project, "role": "supervisor"}
    ]

    removed = call(client, crud_engine, "DELETE", f"{url}/{prod.mira}")
    assert (removed.status, removed.response.content) == (204, b"")
    # checks, DELETE, INSERT the event and its addressee
    assert removed.log.count == AUTH + 4
    assert team(crud_engine, prod.project) == []
    assert mira.get(f"/api/projects/{prod.project}").status_code == 404
    # What she was assigned stays assigned.
    assert client.get(f"/api/tasks/{prod.lantern_modeling}").json()["assignees"][0]["id"] == (
        prod.mira
    )


def test_list_the_team(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    url = f"/api/projects/{prod.project}/members"
    client.post(url, json={"person_id": prod.theo, "role": "manager"})
    client.post(url, json={"person_id": prod.admin})
    client.post(url, json={"person_id": prod.mira})
    listed = call(client, crud_engine, "GET", url)
    assert listed.json() == {
        "items": [
            member_body(crud_engine, prod.project, prod.mira, None, "artist"),
            member_body(crud_engine, prod.project, prod.theo, "manager", "manager"),
            # A studio admin is an admin on every project.
            member_body(crud_engine, prod.project, prod.admin, None, "admin"),
        ]
    }
    # the members, then their people (their shown email is computed)
    assert listed.log.count == AUTH + 2
    sparse = call(client, crud_engine, "GET", f"{url}?fields=person.last_name,project_role")
    assert sparse.json() == {
        "items": [
            {"person": {"last_name": "Okafor"}, "project_role": "artist"},
            {"person": {"last_name": "Lind"}, "project_role": "manager"},
            {"person": {"last_name": "Root"}, "project_role": "admin"},
        ]
    }
    # without the email, the people are joined to the members
    assert sparse.log.count == AUTH + 1
    # Another project's team is its own; an empty team is an empty list.
    other = call(client, crud_engine, "GET", f"/api/projects/{prod.other_project}/members")
    assert other.json() == {"items": []}
    # the empty page, then whether the project exists
    assert other.log.count == AUTH + 2


@pytest.mark.parametrize(
    ("request_", "status", "expected"),
    [
        (("POST", "/api/projects/{missing}/members", {"person_id": "{mira}"}), 404,
         "project {missing} not found"),
        (("POST", "/api/projects/{project}/members", {"person_id": "{missing}"}), 404,
         "person {missing} not found"),
        (("POST", "/api/projects/{project}/members", {"person_id": "{ina}"}), 400,
         ("person_id", "person {ina} is inactive")),
        (("POST", "/api/projects/{project}/members", {"person_id": "{theo}"}), 409,
         "person {theo} is already on the team of project {project}"),
        (("POST", "/api/projects/{project}/members", {"person_id": "{mira}", "role": "admin"}),
         400, ("role", "admin is a studio role, not a project role")),
        (("POST", "/api/projects/{project}/members", {"person_id": "{mira}", "role": "boss"}),
         422, (("body", "role"), "enum")),
        (("POST", "/api/projects/{project}/members", {"person_id": "{mira}", "as": "x"}),
         422, (("body", "as"), "extra_forbidden")),
        (("PATCH", "/api/projects/{project}/members/{mira}", {"role": "manager"}), 404,
         "team member {mira} not found"),
        (("PATCH", "/api/projects/{project}/members/{theo}", {"role": "admin"}), 400,
         ("role", "admin is a studio role, not a project role")),
        (("PATCH", "/api/projects/{project}/members/{theo}", {}), 422,
         (("body", "role"), "missing")),
        (("DELETE", "/api/projects/{project}/members/{mira}", None), 404,
         "team member {mira} not found"),
        (("DELETE", "/api/projects/{other_project}/members/{theo}", None), 404,
         "team member {theo} not found"),
    ],
)  # fmt: skip
def test_team_bad_input(
    client: TestClient,
    crud_engine: Engine,
    prod: Production,
    request_: tuple[str, str, Any],
    status: int,
    expected: Expected,
) -> None:
    client.post(f"/api/projects/{prod.project}/members", json={"person_id": prod.theo})
    assert_refused(client, crud_engine, prod, request_, status, expected)
