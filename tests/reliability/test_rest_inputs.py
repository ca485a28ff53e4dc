"""REST query parameters follow the same input rules as bodies (issue items
7 and 8): a NUL, a lone surrogate, an over-long text or a field that may not
be ordered by is a 4xx naming the parameter, never a database error."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from shotline.app import create_app
from shotline.inputs import MAX_REPEATS
from tests.reliability.conftest import LIMITS
from tests.shotline.graphql.conftest import Stock


@pytest.fixture(scope="module")
def client(stock: Stock) -> TestClient:
    app = create_app(stock.engine, LIMITS)
    return TestClient(app, headers=stock.token, raise_server_exceptions=False)


@pytest.mark.parametrize(
    ("query", "name", "message", "value"),
    [
        ("search=a%00b", "search", "must not contain NUL characters", "a\x00b"),
        ("asset_type=Prop%00", "asset_type", "must not contain NUL characters", "Prop\x00"),
        (
            "task_status=Modeling:todo%00",
            "task_status",
            "must not contain NUL characters",
            "Modeling:todo\x00",
        ),
    ],
)
def test_text_parameters_follow_the_text_rules(
    client: TestClient, stock: Stock, query: str, name: str, message: str, value: str
) -> None:
    project = stock.ids.projects["LHK"]
    answer = client.get(f"/api/projects/{project}/assets?{query}")
    assert answer.status_code == 422, answer.text
    [problem] = answer.json()["detail"]
    assert (problem["loc"][-1] if name == "task_status" else problem["loc"][1], problem["msg"]) == (
        0 if name == "task_status" else name,
        f"Value error, {message}",
    )


def test_a_long_search_is_refused(client: TestClient, stock: Stock) -> None:
    project = stock.ids.projects["LHK"]
    answer = client.get(f"/api/projects/{project}/assets?search={'a' * 201}")
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", "search"]


@pytest.mark.parametrize("name", ["sequence", "episode", "task_status"])
def test_a_repeatable_parameter_takes_at_most_100_values(
    client: TestClient, stock: Stock, name: str
) -> None:
    project = stock.ids.projects["LHK"]
    value = "Animation:wip" if name == "task_status" else "1"
    query = "&".join([f"{name}={value}"] * (MAX_REPEATS + 1))
    answer = client.get(f"/api/projects/{project}/shots?{query}")
    assert answer.status_code == 422
    [problem] = answer.json()["detail"]
    assert (problem["loc"], problem["type"]) == (["query", name], "too_long")
    fewer = "&".join([f"{name}={value}"] * MAX_REPEATS)
    assert client.get(f"/api/projects/{project}/shots?{fewer}").status_code == 200


@pytest.mark.parametrize(
    ("path", "name", "value"),
    [
        ("/api/projects/{project}/tasks", "entity", "1"),
        ("/api/projects/{project}/tasks", "assignee", "1"),
        ("/api/projects/{project}/tasks", "task_type", "Animation"),
        ("/api/projects/{project}/tasks", "task_status", "wip"),
        ("/api/me/tasks", "task_type", "Animation"),
        ("/api/me/tasks", "task_status", "wip"),
    ],
)
def test_a_repeatable_task_filter_takes_at_most_100_values(
    client: TestClient, stock: Stock, path: str, name: str, value: str
) -> None:
    url = path.format(project=stock.ids.projects["LHK"])
    answer = client.get(f"{url}?{'&'.join([f'{name}={value}'] * (MAX_REPEATS + 1))}")
    assert answer.status_code == 422
    [problem] = answer.json()["detail"]
    assert (problem["loc"], problem["type"]) == (["query", name], "too_long")
    fewer = client.get(f"{url}?{'&'.join([f'{name}={value}'] * MAX_REPEATS)}")
    assert fewer.status_code == 200, fewer.text


def test_a_computed_field_cannot_be_ordered_by(client: TestClient) -> None:
    """``email`` is null for clients: ordering by it ordered by NULL (a 500
    on PostgreSQL), and ordering by the column would tell clients the
    emails they may not read."""
    answer = client.get("/api/people?order=email")
    assert answer.status_code == 400
    [problem] = answer.json()["detail"]
    assert (problem["msg"], problem["loc"]) == ("cannot order by", ["email"])
    assert "email" not in problem["ctx"]["valid"]


def test_a_nul_in_the_login_email_is_a_422(stock: Stock) -> None:
    """The email is looked up (and counted by the throttle) in SQL."""
    client = TestClient(create_app(stock.engine, LIMITS))
    answer = client.post("/api/auth/login", json={"email": "a\x00@b.c", "password": "x"})
    assert answer.status_code == 422
    [problem] = answer.json()["detail"]
    assert (problem["loc"], problem["msg"]) == (
        ["body", "email"],
        "Value error, must not contain NUL characters",
    )
