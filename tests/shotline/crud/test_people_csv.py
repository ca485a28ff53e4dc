"""People imported from CSV by an admin: dry run, then everyone or nobody."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.refusals import refusal
from tests.shotline.crud.csv_support import meanwhile
from tests.shotline.crud.support import Production, call, snapshot
from tests.shotline.signin import AUTH, bearer

CREW = (
    b"first_name,last_name,email,role,department\r\n"
    b"Ada,Quill,Ada.Quill@studio.example,supervisor,Modeling\r\n"
    b"Bo,Strand,bo@studio.example,,\r\n"
)


def test_import_people(client: TestClient, crud_engine: Engine, prod: Production) -> None:
    before = snapshot(crud_engine)
    dry = call(client, crud_engine, "POST", "/api/people.csv?dry_run=true", CREW)
    assert (dry.status, dry.response.json()) == (200, {"dry_run": True, "rows": 2, "people": 2})
    # the departments, the emails held
    assert dry.log.count == AUTH + 2
    assert snapshot(crud_engine) == before

    applied = call(client, crud_engine, "POST", "/api/people.csv", CREW)
    assert (applied.status, applied.response.json()) == (
        200,
        {"dry_run": False, "rows": 2, "people": 2},
    )
    # 2 to check, then the people, their ids, their events
    assert applied.log.count == AUTH + 2 + 3
    people = client.get("/api/people?order=id&fields=email,role,department_id,active").json()
    assert people["items"][-2:] == [
        {"email": "ada.quill@studio.example", "role": "supervisor",
         "department_id": prod.department, "active": True},
        {"email": "bo@studio.example", "role": "artist", "department_id": None, "active": True},
    ]  # fmt: skip


def test_only_admins_import_people(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    supervisor = bearer(crud_engine, prod.theo)
    before = snapshot(crud_engine)
    answer = client.post("/api/people.csv", content=CREW, headers=supervisor)
    assert (answer.status_code, answer.json()) == (
        403,
        refusal("forbidden", "only admins can change people"),
    )
    assert snapshot(crud_engine) == before


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        (
            "email,first_name,last_name,role,department\r\n"
            "MIRA@studio.example,Mira,Again,,\r\n"
            "new@studio.example,New,One,boss,Nowhere\r\n"
            "New@Studio.example,New,Two,,\r\n"
            "not-an-email,,X,,\r\n"
            f"long@studio.example,{'x' * 81},X,,\r\n",
            [
                {"line": 2, "column": "email", "message": "person {mira} already has this email"},
                {"line": 3, "column": "role", "message":
                 "unknown role 'boss'; the roles are admin, manager, supervisor, artist, vendor, client"},
                {"line": 3, "column": "department", "message": "unknown department 'Nowhere'"},
                {"line": 4, "column": "email", "message": "line 3 has the same email"},
                {"line": 5, "column": "first_name", "message": "a first name is required"},
                {"line": 5, "column": "email", "message": "not an email: 'not-an-email'"},
                {"line": 6, "column": "first_name", "message": "must be at most 80 characters long"},
            ],
        ),
        (
            "first_name,email\r\n",
            [{"line": 1, "column": "last_name", "message": "column 'last_name' is missing"}],
        ),
    ],
)  # fmt: skip
def test_a_file_with_a_refused_row_imports_nobody(
    client: TestClient,
    crud_engine: Engine,
    prod: Production,
    text: str,
    rows: list[dict[str, object]],
) -> None:
    before = snapshot(crud_engine)
    answer = client.post("/api/people.csv", content=text.encode())
    expected = [{**row, "message": str(row["message"]).format(mira=prod.mira)} for row in rows]
    count = f"{len(rows)} error{'s' if len(rows) != 1 else ''}"
    assert (answer.status_code, answer.json()) == (
        400,
        refusal("invalid", f"{count}: nothing was imported", ["csv"], rows=expected),
    )
    assert snapshot(crud_engine) == before


def test_an_email_taken_meanwhile_refuses_its_line(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    other = (
        "INSERT INTO person (first_name, last_name, email, active, role, created_at) "
        "VALUES ('Bo', 'Other', 'bo@studio.example', true, 'artist', '2026-01-01 00:00:00')"
    )
    with meanwhile(crud_engine, "person", other):
        answer = client.post("/api/people.csv", content=CREW)
    [bo] = [
        p
        for p in client.get("/api/people?fields=id,email").json()["items"]
        if p["email"] == "bo@studio.example"
    ]
    rows = [{"line": 3, "column": "email", "message": f"person {bo['id']} already has this email"}]
    assert (answer.status_code, answer.json()) == (
        400,
        refusal("invalid", "1 error: nothing was imported", ["csv"], rows=rows),
    )
    emails = [p["email"] for p in client.get("/api/people?fields=email").json()["items"]]
    assert "ada.quill@studio.example" not in emails
