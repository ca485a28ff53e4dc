"""Departments and people: CRUD, uniqueness, references and deletion rules."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert, select

from shotline.models import Comment, Department, Person, ProjectMember, task_assignee
from tests.shotline.crud.support import (
    Expected,
    Production,
    assert_refused,
    call,
    ids,
    iso,
    load,
    scalars,
)
from tests.shotline.signin import AUTH

# -- Departments --------------------------------------------------------------------


def test_create_department(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    created = call(client, crud_engine, "POST", "/api/departments", {"name": " Rigging "})
    assert created.status == 201
    new = created.json()["id"]
    assert created.json() == {"id": new, "name": "Rigging", "color": "#999999"}
    stored = load(crud_engine, Department, new)
    assert (stored.name, stored.color) == ("Rigging", "#999999")
    # uniqueness check, INSERT, INSERT event, read back
    assert created.log.count == AUTH + 4


def test_list_and_get_departments(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    listed = call(client, crud_engine, "GET", "/api/departments")
    assert listed.json() == {
        "items": [{"id": prod.department, "name": "Modeling", "color": "#2980B9"}]
    }
    assert listed.log.count == AUTH + 1
    got = call(client, crud_engine, "GET", f"/api/departments/{prod.department}")
    assert got.json() == {"id": prod.department, "name": "Modeling", "color": "#2980B9"}
    assert got.log.count == AUTH + 1


def test_update_department(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    url = f"/api/departments/{prod.department}"
    updated = call(client, crud_engine, "PATCH", url, {"color": "#FF0000"})
    assert updated.json() == {"id": prod.department, "name": "Modeling", "color": "#FF0000"}
    assert load(crud_engine, Department, prod.department).color == "#FF0000"
    # fetch (with the uniqueness check when renaming), UPDATE, INSERT event,
    # read back
    assert updated.log.count == AUTH + 4
    # Its own name in another case does not conflict with itself.
    renamed = call(client, crud_engine, "PATCH", url, {"name": "MODELING"})
    assert renamed.json()["name"] == "MODELING"
    assert renamed.log.count == AUTH + 4


def test_delete_department(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    empty = client.post("/api/departments", json={"name": "Lighting"}).json()["id"]
    deleted = call(client, crud_engine, "DELETE", f"/api/departments/{empty}")
    assert (deleted.status, deleted.response.content) == (204, b"")
    assert ids(crud_engine, Department) == [prod.department]
    # checks, DELETE, INSERT event
    assert deleted.log.count == AUTH + 3


@pytest.mark.parametrize(
    ("request_", "status", "expected"),
    [
        (("POST", "/api/departments", {"name": "modeling"}), 409,
         "department name 'modeling' is already taken"),
        (("POST", "/api/departments", {"name": " "}), 422,
         (("body", "name"), "string_too_short")),
        (("POST", "/api/departments", {"name": "x" * 81}), 422,
         (("body", "name"), "string_too_long")),
        (("POST", "/api/departments", {"name": "a\x00b"}), 422, (("body", "name"), "value_error")),
        (("POST", "/api/departments", {"name": "Paint", "color": "red"}), 422,
         (("body", "color"), "string_pattern_mismatch")),
        (("POST", "/api/departments", {"name": "Paint", "colour": "#FF0000"}), 422,
         (("body", "colour"), "extra_forbidden")),
        (("PATCH", "/api/departments/{department}", {"name": None}), 422,
         (("body", "name"), "string_type")),
        (("PATCH", "/api/departments/{department}", {"name": "Modeling", "color": "#000"}), 422,
         (("body", "color"), "string_pattern_mismatch")),
        (("GET", "/api/departments/0", None), 422, (("path", "department_id"), "greater_than_equal")),
        (("GET", "/api/departments/2147483648", None), 422,
         (("path", "department_id"), "less_than_equal")),
        (("GET", "/api/departments/abc", None), 422, (("path", "department_id"), "int_parsing")),
        (("GET", "/api/departments/{missing}", None), 404, "department {missing} not found"),
        (("PATCH", "/api/departments/{missing}", {}), 404, "department {missing} not found"),
        (("DELETE", "/api/departments/{missing}", None), 404, "department {missing} not found"),
        (("DELETE", "/api/departments/{department}", None), 409,
         "department {department} still has people"),
    ],
)  # fmt: skip
def test_department_bad_input(
    client: TestClient,
    crud_engine: Engine,
    prod: Production,
    request_: tuple[str, str, Any],
    status: int,
    expected: Expected,
) -> None:
    assert_refused(client, crud_engine, prod, request_, status, expected)


def test_department_with_task_types_only_cannot_be_deleted(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    client.patch(f"/api/people/{prod.mira}", json={"department_id": None})
    assert_refused(
        client,
        crud_engine,
        prod,
        ("DELETE", "/api/departments/{department}", None),
        409,
        "department {department} still has task types",
    )


def test_a_validation_error_names_the_field(client: TestClient, prod: Production) -> None:
    answer = client.post("/api/departments", json={"name": "Paint", "colour": "#FF0000"})
    assert answer.json() == {
        "detail": [
            {
                "type": "extra_forbidden",
                "loc": ["body", "colour"],
                "msg": "Extra inputs are not permitted",
                "input": "#FF0000",
            }
        ]
    }
    answer = client.post("/api/departments", json={"name": "a\x00b"})
    assert answer.json()["detail"][0]["msg"] == "Value error, must not contain NUL characters"


# -- People -------------------------------------------------------------------------


def person_body(engine: Engine, ident: int) -> dict[str, Any]:
    """What the API answers for a person, from the database."""
    stored = load(engine, Person, ident)
    return {
        "id": ident,
        "first_name": stored.first_name,
        "last_name": stored.last_name,
        "email": stored.email,
        "role": stored.role.value,
        "active": stored.active,
        "department_id": stored.department_id,
        "created_at": iso(stored.created_at),
    }


def test_create_person(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    created = call(
        client,
        crud_engine,
        "POST",
        "/api/people",
        {
            "first_name": "Ada",
            "last_name": "Quill",
            "email": " Ada.Quill@Studio.example ",
            "role": "manager",
            "department_id": prod.department,
        },
    )
    assert created.status == 201
    new = created.json()["id"]
    assert created.json() == {
        "id": new,
        "first_name": "Ada",
        "last_name": "Quill",
        "email": "ada.quill@studio.example",
        "role": "manager",
        "active": True,
        "department_id": prod.department,
        "created_at": person_body(crud_engine, new)["created_at"],
    }
    # checks, INSERT, INSERT event, read back
    assert created.log.count == AUTH + 4


def test_list_and_get_people(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    listed = call(client, crud_engine, "GET", "/api/people?order=last_name&fields=id,last_name")
    assert listed.json() == {
        "items": [
            {"id": prod.theo, "last_name": "Lind"},
            {"id": prod.mira, "last_name": "Okafor"},
            {"id": prod.admin, "last_name": "Root"},
            {"id": prod.ina, "last_name": "Roux"},
        ]
    }
    assert listed.log.count == AUTH + 1
    got = call(client, crud_engine, "GET", f"/api/people/{prod.mira}")
    assert got.json() == person_body(crud_engine, prod.mira)
    assert got.json()["department_id"] == prod.department


def test_update_person(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    updated = call(
        client,
        crud_engine,
        "PATCH",
        f"/api/people/{prod.mira}",
        {"department_id": None, "active": False, "role": "supervisor"},
    )
    assert updated.status == 200
    assert updated.json() == person_body(crud_engine, prod.mira)
    stored = load(crud_engine, Person, prod.mira)
    assert (stored.department_id, stored.active, stored.role, stored.first_name) == (
        None,
        False,
        "supervisor",
        "Mira",
    )


def test_delete_person_without_history(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    with crud_engine.begin() as connection:
        connection.execute(
            insert(ProjectMember).values(project_id=prod.project, person_id=prod.mira)
        )
    deleted = call(client, crud_engine, "DELETE", f"/api/people/{prod.mira}")
    assert deleted.status == 204
    assert ids(crud_engine, Person) == [prod.theo, prod.ina, prod.admin]
    # The database cascades the assignment and the membership.
    assert scalars(crud_engine, select(task_assignee.c.person_id)) == []
    assert scalars(crud_engine, select(ProjectMember.person_id)) == []


@pytest.mark.parametrize(
    ("request_", "status", "expected"),
    [
        (("POST", "/api/people",
          {"first_name": "M", "last_name": "O", "email": "MIRA@studio.example"}), 409,
         "person email 'mira@studio.example' is already taken"),
        (("POST", "/api/people", {"first_name": "M", "last_name": "O", "email": "m@x.example",
                                  "department_id": "{missing}"}), 404,
         "department {missing} not found"),
        (("POST", "/api/people", {"first_name": "M", "last_name": "O", "email": "nope"}), 422,
         (("body", "email"), "string_pattern_mismatch")),
        (("POST", "/api/people", {"first_name": "M", "last_name": "O", "email": "m@x.example",
                                  "role": "boss"}), 422, (("body", "role"), "enum")),
        (("POST", "/api/people", {"first_name": "M", "email": "m@x.example"}), 422,
         (("body", "last_name"), "missing")),
        (("PATCH", "/api/people/{theo}", {"email": "mira@studio.example"}), 409,
         "person email 'mira@studio.example' is already taken"),
        (("PATCH", "/api/people/{theo}", {"department_id": "{missing}"}), 404,
         "department {missing} not found"),
        (("PATCH", "/api/people/{theo}", {"active": None}), 422, (("body", "active"), "bool_type")),
        (("PATCH", "/api/people/{missing}", {"active": True}), 404, "person {missing} not found"),
        (("GET", "/api/people/{missing}", None), 404, "person {missing} not found"),
        (("DELETE", "/api/people/{missing}", None), 404, "person {missing} not found"),
        (("DELETE", "/api/people/{theo}", None), 409,
         "person {theo} wrote comments or logged time: deactivate them instead"),
    ],
)  # fmt: skip
def test_person_bad_input(
    client: TestClient,
    crud_engine: Engine,
    prod: Production,
    request_: tuple[str, str, Any],
    status: int,
    expected: Expected,
) -> None:
    with crud_engine.begin() as connection:
        connection.execute(
            insert(Comment).values(
                task_id=prod.lantern_modeling, person_id=prod.theo, text="Looks good"
            )
        )
    assert_refused(client, crud_engine, prod, request_, status, expected)
