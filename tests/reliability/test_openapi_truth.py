"""What the service answers agrees with its OpenAPI document (issue item 11):
every operation of the document is called, without a token, naming rows
that are not there, with ids out of range, with an empty and an oversized
body; whatever it answers is a status the document lists for it, and every
error body has the one shape, naming the rule it breaks. A 405 lists every
method the path allows."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from shotline.app import create_app
from shotline.schemas.errors import ErrorBody
from shotline.services.notifications import MAX_NOTIFICATIONS
from tests.refusals import refusal
from tests.reliability.conftest import LIMITS
from tests.shotline.graphql.conftest import Stock

MISSING = 2**31 - 1
"""An id in range that names no row."""


@pytest.fixture(scope="module")
def client(stock: Stock) -> TestClient:
    app = create_app(stock.engine, LIMITS)
    return TestClient(app, headers=stock.token, raise_server_exceptions=False)


@pytest.fixture(scope="module")
def document(client: TestClient) -> dict[str, Any]:
    found: dict[str, Any] = client.get("/openapi.json").json()
    return found


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


def _url(path: str, ident: int | str) -> str:
    parts = path.split("/")
    return "/".join(str(ident) if p.startswith("{") else p for p in parts)


def _body_type(operation: dict[str, Any]) -> str | None:
    content = operation.get("requestBody", {}).get("content", {})
    return next(iter(content), None)


def _checked(
    answer: Any, method: str, path: str, operation: dict[str, Any], expected: set[int]
) -> None:
    where = f"{method} {path} -> {answer.status_code}: {answer.text[:300]}"
    assert answer.status_code in expected, where
    assert str(answer.status_code) in operation["responses"], where
    if answer.status_code >= 400:
        body = ErrorBody.model_validate(answer.json())
        assert all(problem.type and problem.msg for problem in body.detail), where


def _call(
    client: TestClient,
    method: str,
    url: str,
    operation: dict[str, Any],
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    media = _body_type(operation)
    sent = dict(headers or {})
    if media is not None:
        sent["content-type"] = media
        body = b"{}" if body is None else body
    return client.request(method, url, content=body, headers=sent)


def test_the_document_covers_the_service(document: dict[str, Any]) -> None:
    found = operations(document)
    assert len(found) >= 100
    for method, path, operation in found:
        if not path.startswith("/api/"):
            continue
        for code, answer in operation["responses"].items():
            if code[0] in "45":
                schema = answer["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (method, path, code)


def test_every_operation_refuses_a_missing_token(stock: Stock, document: dict[str, Any]) -> None:
    anonymous = TestClient(create_app(stock.engine, LIMITS), raise_server_exceptions=False)
    for method, path, operation in operations(document):
        if not operation.get("security"):
            continue
        answer = _call(anonymous, method, _url(path, 1), operation)
        _checked(answer, method, path, operation, {401})
        expected = refusal("unauthenticated", "not authenticated")
        assert answer.json()["detail"] == expected["detail"]


def test_every_operation_naming_a_missing_row_is_documented(
    client: TestClient, document: dict[str, Any]
) -> None:
    """Rows that are not there: 404 mostly; a body the operation refuses
    first (422) or a name it checks first (400) are documented too."""
    for method, path, operation in operations(document):
        if "{" not in path:
            continue
        answer = _call(client, method, _url(path, MISSING), operation)
        _checked(answer, method, path, operation, {400, 404, 422})


def test_every_operation_refuses_ids_out_of_range(
    client: TestClient, document: dict[str, Any]
) -> None:
    for method, path, operation in operations(document):
        if "{" not in path:
            continue
        for ident in (0, 2**31, "x"):
            answer = _call(client, method, _url(path, ident), operation)
            _checked(answer, method, path, operation, {422})
            assert answer.json()["detail"][0]["loc"][0] == "path"


def test_every_operation_with_a_body_refuses_an_oversized_one(
    client: TestClient, document: dict[str, Any]
) -> None:
    oversized = b" " * (LIMITS.max_body_bytes + 1)
    for method, path, operation in operations(document):
        if "requestBody" not in operation or "previews" in path or path.endswith(".csv"):
            continue
        answer = _call(client, method, _url(path, MISSING), operation, body=oversized)
        _checked(answer, method, path, operation, {413})


def test_every_list_documents_its_page_size_bound(document: dict[str, Any]) -> None:
    for method, path, operation in operations(document):
        for parameter in operation.get("parameters", []):
            if parameter["name"] == "limit":
                variants = parameter["schema"].get("anyOf", [parameter["schema"]])
                [integer] = [v for v in variants if v.get("type") == "integer"]
                # Notifications are paged by a tighter bound of their own.
                bound = MAX_NOTIFICATIONS if path == "/api/notifications" else LIMITS.max_page_size
                assert integer["maximum"] == bound, (method, path)


@pytest.mark.parametrize(
    ("method", "url", "allowed"),
    [
        ("DELETE", "/api/projects", "GET, POST"),
        ("PUT", "/api/people/1", "GET, PATCH, DELETE"),
        ("POST", "/api/tasks/1", "GET, PATCH, DELETE"),
    ],
)
def test_a_405_lists_the_methods_the_path_allows(
    client: TestClient, document: dict[str, Any], method: str, url: str, allowed: str
) -> None:
    answer = client.request(method, url)
    assert (answer.status_code, answer.headers["allow"]) == (405, allowed)
    assert answer.json() == refusal(
        "method_not_allowed", f"{method} is not allowed here: use {allowed}"
    )
    paths = document["paths"]
    template = next(
        p for p in paths if p.count("/") == url.count("/") and p.split("/")[2] == url.split("/")[2]
    )
    assert ", ".join(m.upper() for m in paths[template]) == allowed
