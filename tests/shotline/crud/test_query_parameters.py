"""Every ``/api`` route refuses a query parameter it does not declare: a 400
naming it and listing the ones it accepts, before anything runs (so nothing
is read, written or deleted)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from shotline.app import create_app
from tests.refusals import refusal
from tests.shotline.crud.support import Production, Snapshot, call, snapshot
from tests.shotline.signin import AUTH

PAGE = ["cursor", "explain", "fields", "limit", "offset", "order", "total"]


def test_a_filter_a_list_does_not_have_is_refused(
    client: TestClient, crud_engine: Engine, prod: Production
) -> None:
    answer = call(client, crud_engine, "GET", "/api/people?role=artist")
    assert (answer.status, answer.json()) == (
        400,
        refusal(
            "invalid",
            "unknown query parameter",
            ["role"],
            valid=[*PAGE, "<list>.limit", "<list>.offset", "<list>.order"],
        ),
    )
    # the token only
    assert answer.log.count == AUTH


def test_the_first_unknown_parameter_is_named(client: TestClient, prod: Production) -> None:
    answer = client.get(f"/api/projects/{prod.project}/milestones?limit=1&after=2&before=3")
    assert (answer.status_code, answer.json()["detail"][0]["loc"]) == (400, ["after"])


def test_known_parameters_still_work(client: TestClient, prod: Production) -> None:
    answer = client.get(f"/api/projects/{prod.project}/tasks?task_type={prod.rigging}")
    assert (answer.status_code, answer.json()["items"]) == (200, [])


_PATH_PARAMETER = re.compile(r"\{[^}]+\}")


def test_every_route_refuses_an_unknown_parameter(
    crud_engine: Engine, production: tuple[Production, Snapshot, dict[str, str]]
) -> None:
    """Each method of each route, ids in its path that may or may not exist,
    no body: the unknown parameter is answered first, and nothing changes."""
    before = snapshot(crud_engine)
    app = create_app(crud_engine)
    client = TestClient(app, headers=production[2])
    paths = {
        path: methods for path, methods in app.openapi()["paths"].items() if path.startswith("/api")
    }
    assert len(paths) > 50
    for path, methods in paths.items():
        url = _PATH_PARAMETER.sub("1", path) + "?bogus=1"
        for method in methods:
            answer = client.request(method.upper(), url)
            assert answer.status_code == 400, (method, url, answer.text)
            [detail] = answer.json()["detail"]
            assert (detail["loc"], detail["msg"]) == (["bogus"], "unknown query parameter")
            assert "bogus" not in detail["ctx"]["valid"]
    assert snapshot(crud_engine) == before


def test_nested_list_arguments_are_left_to_the_plan(client: TestClient, prod: Production) -> None:
    """``<list>.limit``, ``.offset`` and ``.order`` are a planned list's own;
    any other dotted name is unknown."""
    url = f"/api/projects/{prod.project}/assets?fields=id,task_details.id"
    assert client.get(f"{url}&task_details.limit=1").status_code == 200
    not_a_list = client.get(f"{url}&name.limit=1")
    assert (not_a_list.status_code, not_a_list.json()["detail"][0]["msg"]) == (
        400,
        "not a list: name.limit",
    )
    unknown = client.get(f"{url}&task_details.color=red")
    assert (unknown.status_code, unknown.json()["detail"][0]["loc"]) == (
        400,
        ["task_details.color"],
    )
