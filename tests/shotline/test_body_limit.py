"""Request body limits per route (``shotline.body_limit``)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from shotline.body_limit import BodySizeLimit, RouteLimit
from tests.refusals import refusal


def _app() -> TestClient:
    app = FastAPI()

    @app.post("/{name}")
    async def size(request: Request) -> int:
        return len(await request.body())

    app.add_middleware(
        BodySizeLimit, max_bytes=10, routes=[RouteLimit(r"/uploads$", max_bytes=100)]
    )
    return TestClient(app)


def test_a_route_may_take_larger_bodies_than_the_default() -> None:
    client = _app()
    assert client.post("/uploads", content=b"x" * 100).json() == 100
    assert client.post("/uploads", content=b"x" * 101).json() == refusal(
        "too_large", "the request body is larger than 100 bytes"
    )
    assert client.post("/comments", content=b"x" * 10).json() == 10
    answer = client.post("/comments", content=b"x" * 11)
    assert (answer.status_code, answer.headers["content-type"]) == (413, "application/json")
    assert answer.json() == refusal("too_large", "the request body is larger than 10 bytes")


def test_other_methods_keep_the_default() -> None:
    assert RouteLimit(r"/uploads$", 100).matches("POST", "/uploads")
    assert not RouteLimit(r"/uploads$", 100).matches("DELETE", "/uploads")
    assert not RouteLimit(r"/uploads$", 100).matches("POST", "/uploads/1")
