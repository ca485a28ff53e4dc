"""The request's session (``shotline.deps``): closed in a worker thread only
when it still holds a transaction, its connection given back either way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import sessionmaker

from shotline import deps
from shotline.deps import DB, released


def _client(engine: Engine) -> TestClient:
    app = FastAPI()
    app.state.sessions = sessionmaker(engine)

    @app.get("/held")
    def held(db: DB) -> int:
        return int(db.scalar(text("SELECT 1")) or 0)

    @app.get("/released")
    def released_early(db: DB) -> int:
        with released(db):
            return int(db.scalar(text("SELECT 2")) or 0)

    @app.get("/unused")
    def unused(db: DB) -> int:
        return 3

    return TestClient(app)


@pytest.fixture
def closed_in_threads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The functions ``get_session`` runs in a worker thread, by name."""
    names: list[str] = []
    hop = deps.run_in_threadpool

    async def recorded(func: Callable[..., Any], *args: Any) -> Any:
        names.append(func.__name__)
        return await hop(func, *args)

    monkeypatch.setattr(deps, "run_in_threadpool", recorded)
    return names


@pytest.mark.parametrize(
    ("path", "hops"), [("/held", ["close"]), ("/released", []), ("/unused", [])]
)
def test_only_a_session_holding_a_transaction_is_closed_in_a_thread(
    engine: Engine, closed_in_threads: list[str], path: str, hops: list[str]
) -> None:
    client = _client(engine)
    answer = client.get(path)
    assert answer.status_code == 200
    assert answer.json() == {"/held": 1, "/released": 2, "/unused": 3}[path]
    assert closed_in_threads == hops
    assert engine.pool.checkedout() == 0
