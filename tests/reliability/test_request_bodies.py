"""No request body takes the server down (issue item 2): bodies are bounded
while they are read, and a refusal never repeats a large input."""

from __future__ import annotations

import time

import orjson
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.types import Message

from shotline.app import create_app
from shotline.models import Comment
from tests.refusals import refusal
from tests.reliability.conftest import LIMITS
from tests.shotline.graphql.conftest import Stock

TOO_LARGE = refusal("too_large", "the request body is larger than 1048576 bytes")


def test_a_10_mb_login_body_is_a_413_before_it_is_read(stock: Stock) -> None:
    client = TestClient(create_app(stock.engine, LIMITS))
    body = orjson.dumps({"email": ["a"] * 5_000_000, "password": "x"})
    started = time.perf_counter()
    answer = client.post(
        "/api/auth/login", content=body, headers={"content-type": "application/json"}
    )
    assert (answer.status_code, answer.json()) == (413, TOO_LARGE)
    assert time.perf_counter() - started < 2  # was 6 s of a blocked event loop


async def test_a_body_without_a_length_is_cut_off_at_the_limit(stock: Stock) -> None:
    """Chunked, straight through ASGI (a test client reads the whole body
    first): reading stops at the first chunk past the limit."""
    app = create_app(stock.engine, LIMITS)
    chunks = [b'{"email": "a@b.c", "password": "', *([b"x" * 1024] * 10_000), b'"}']
    received = 0
    sent: list[Message] = []

    async def receive() -> Message:
        nonlocal received
        received += 1
        more = received < len(chunks)
        return {"type": "http.request", "body": chunks[received - 1], "more_body": more}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/auth/login",
        "raw_path": b"/api/auth/login",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), (b"transfer-encoding", b"chunked")],
        "client": ("127.0.0.1", 1234),
        "server": ("127.0.0.1", 80),
        "state": {},
        "app": app,
    }
    await app(scope, receive, send)
    assert sent[0]["status"] == 413
    assert orjson.loads(sent[1]["body"]) == TOO_LARGE
    assert received == 1025  # 1 MiB and one chunk, of 10 MB


def test_a_refused_body_is_not_repeated(stock: Stock) -> None:
    """Under the limit, a 200,000-item list where an email belongs: the 422
    names the field, not the list."""
    client = TestClient(create_app(stock.engine, LIMITS))
    body = {"email": ["a"] * 200_000, "password": "x"}
    answer = client.post("/api/auth/login", json=body)
    assert answer.status_code == 422
    assert answer.json() == {
        "detail": [
            {
                "type": "string_type",
                "loc": ["body", "email"],
                "msg": "Input should be a valid string",
            }
        ]
    }


def test_a_refusal_lists_at_most_20_problems(stock: Stock) -> None:
    client = TestClient(create_app(stock.engine, LIMITS), headers=stock.token)
    body = {"task_ids": ["x"] * 5_000, "task_status_id": 1}
    answer = client.post("/api/projects/1/tasks/status", json=body)
    assert answer.status_code == 422
    assert [p["loc"] for p in answer.json()["detail"]] == [
        ["body", "task_ids", i] for i in range(20)
    ]


def test_a_10_mb_comment_is_refused_and_nothing_is_stored(stock: Stock) -> None:
    client = TestClient(create_app(stock.engine, LIMITS), headers=stock.token)
    task = stock.ids.tasks["SQ010/SH0010/anim"]
    with Session(stock.engine) as session:
        before = session.scalar(select(func.count()).select_from(Comment))
    answer = client.post(f"/api/tasks/{task}/comments", json={"text": "x" * 10_000_000})
    assert (answer.status_code, answer.json()) == (413, TOO_LARGE)
    with Session(stock.engine) as session:
        assert session.scalar(select(func.count()).select_from(Comment)) == before
