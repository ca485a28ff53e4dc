"""The CRUD API's OpenAPI document, and answers that need no database.

These tests run once, not per dialect: nothing here reaches the database
beyond the request's token.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from shotline.app import create_app
from shotline.db import make_engine, upgrade
from shotline.models import Person, Role
from tests.shotline.signin import bearer

CRUD_TAGS = {
    "departments",
    "people",
    "task types",
    "task statuses",
    "asset types",
    "projects",
    "project settings",
    "assets",
    "episodes",
    "sequences",
    "shots",
    "tasks",
    "assignments",
    "comments",
    "time logs",
}


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A client on an app whose database holds only its admin (and their
    token): requests end before any other row is read."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('offline') / 'shotline.db'}")
    upgrade(engine)
    with Session(engine) as session:
        admin = Person(first_name="Sam", last_name="Root", email="sam@x.example", role=Role.ADMIN)
        session.add(admin)
        session.commit()
        admin_id = admin.id
    with TestClient(create_app(engine), headers=bearer(engine, admin_id)) as client:
        yield client
    engine.dispose()


@pytest.fixture(scope="module")
def spec(offline: TestClient) -> dict[str, Any]:
    document: dict[str, Any] = offline.get("/openapi.json").json()
    return document


def _crud_operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if set(operation.get("tags", [])) & CRUD_TAGS
    ]


def test_every_crud_operation(spec: dict[str, Any]) -> None:
    operations = {(m, p): o["operationId"] for m, p, o in _crud_operations(spec)}
    assert len(operations) == 78
    assert operations[("POST", "/api/projects/{project_id}/shots/bulk")] == "create_shots"
    assert operations[("GET", "/api/me/tasks")] == "list_my_tasks"
    assert operations[("POST", "/api/projects/{project_id}/tasks")] == "create_tasks"
    assert operations[("POST", "/api/projects/{project_id}/tasks/status")] == "set_task_status"
    assert operations[("PUT", "/api/tasks/{task_id}/assignees")] == "set_assignees"
    assert operations[("POST", "/api/tasks/{task_id}/comments")] == "create_comment"
    assert operations[("POST", "/api/shots/{shot_id}/restore")] == "restore_shot"
    everything = [o["operationId"] for item in spec["paths"].values() for o in item.values()]
    assert len(everything) == len(set(everything))


def test_every_operation_documents_its_answers(spec: dict[str, Any]) -> None:
    for method, path, operation in _crud_operations(spec):
        where = f"{method} {path}"
        assert len(operation["tags"]) == 1, where
        responses = operation["responses"]
        success = {"GET": "200", "PATCH": "200", "PUT": "200", "DELETE": "204"}.get(method)
        success = success or ("201" if "201" in responses else "200")
        assert success in responses, where
        if success == "204":
            assert "content" not in responses["204"], where
        else:
            schema = responses[success]["content"]["application/json"]["schema"]
            assert "$ref" in schema or schema.get("items", {}).get("$ref"), where
        assert "422" in responses, where
        for code in set(responses) & {"400", "404", "409"}:
            assert "$ref" in responses[code]["content"]["application/json"]["schema"], where
        if "{" in path:
            assert "404" in responses, where


def test_non_finite_numbers_are_a_422(offline: TestClient) -> None:
    """Python's JSON parser reads NaN and 1e400 (infinity): the refusal names
    them as JSON tokens instead of failing to render them (a 500)."""
    for raw, echoed in ((b"NaN", "NaN"), (b"1e400", "Infinity"), (b"-Infinity", "-Infinity")):
        answer = offline.post(
            "/api/projects",
            content=b'{"name": "P", "code": "P", "fps": ' + raw + b"}",
            headers={"content-type": "application/json"},
        )
        assert answer.status_code == 422
        assert answer.json() == {
            "detail": [
                {
                    "type": "finite_number",
                    "loc": ["body", "fps"],
                    "msg": "Input should be a finite number",
                    "input": echoed,
                }
            ]
        }


def test_malformed_json_is_a_422(offline: TestClient) -> None:
    answer = offline.post(
        "/api/departments", content=b'{"name": ', headers={"content-type": "application/json"}
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["type"] == "json_invalid"


@pytest.mark.parametrize(
    ("url", "body", "loc", "kind"),
    [
        ("/api/departments", b'{"name": "a\\ud800"}', ["body", "name"], "string_unicode"),
        (
            "/api/projects/1/assets",
            b'{"name": "A", "asset_type_id": 1, "data": {"\\udc00": 1}}',
            ["body", "data"],
            "value_error",
        ),
    ],
)
def test_lone_surrogates_are_a_422(
    offline: TestClient, url: str, body: bytes, loc: list[str], kind: str
) -> None:
    """JSON may escape half a character, which no driver can encode: refused,
    and the refused input is still rendered (with U+FFFD)."""
    answer = offline.post(url, content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 422
    [error] = answer.json()["detail"]
    assert (error["loc"], error["type"]) == (loc, kind)
    assert "\ufffd" in str(error["input"])
