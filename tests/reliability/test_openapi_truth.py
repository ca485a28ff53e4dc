"""What the service answers agrees with its OpenAPI document (issue item 11):
a 405 lists every method the path allows."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from shotline.app import create_app
from tests.reliability.conftest import LIMITS
from tests.shotline.graphql.conftest import Stock


@pytest.mark.parametrize(
    ("method", "url", "allowed"),
    [
        ("DELETE", "/api/projects", "GET, POST"),
        ("PUT", "/api/people/1", "GET, PATCH, DELETE"),
        ("POST", "/api/tasks/1", "GET, PATCH, DELETE"),
    ],
)
def test_a_405_lists_the_methods_the_path_allows(
    stock: Stock, method: str, url: str, allowed: str
) -> None:
    client = TestClient(create_app(stock.engine, LIMITS), headers=stock.token)
    answer = client.request(method, url)
    assert (answer.status_code, answer.headers["allow"]) == (405, allowed)
    assert answer.json() == {"detail": f"{method} is not allowed here: use {allowed}"}
    paths = client.get("/openapi.json").json()["paths"]
    template = next(
        p for p in paths if p.count("/") == url.count("/") and p.split("/")[2] == url.split("/")[2]
    )
    assert ", ".join(m.upper() for m in paths[template]) == allowed
