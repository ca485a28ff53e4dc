"""What every implementation provides to the harness."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Engine, event

from bench.workloads import Workload
from loadplan.testing import count_queries


class Unsupported(Exception):
    """The implementation cannot express the workload; the message says why."""


@dataclass
class Counts:
    statements: int = 0
    rows: int = 0


class Implementation:
    """One way of answering the workloads.

    ``request(workload)`` returns the callable that is timed: from the request
    in to the JSON bytes out. ``normalise`` turns those bytes into the
    workload's canonical payload (outside timing). ``counting()`` records
    statements and rows fetched while it is open.
    """

    key: str = ""
    label: str = ""
    api: str = ""

    def request(self, workload: Workload) -> Callable[[], bytes]:
        raise NotImplementedError

    def normalise(self, workload: Workload, body: bytes) -> Any:
        raise NotImplementedError

    def counting(self) -> AbstractContextManager[Counts]:
        raise NotImplementedError

    def close(self) -> None:
        pass


# -- Counting SQLAlchemy statements and rows ------------------------------------------


class _RowCounter:
    """Rows fetched by one engine's statements while a count is open.

    SQLite's driver says nothing about SELECT sizes, so rows are counted by a
    row factory set on the cursor (only while counting: it slows fetching);
    psycopg knows the size of a result (``rowcount``) once it ran.
    """

    def __init__(self, engine: Engine) -> None:
        self.active: Counts | None = None
        self.sqlite = engine.dialect.name == "sqlite"
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        counts = self.active
        if counts is not None and self.sqlite and not is_authentication(statement):

            def factory(_cursor: Any, row: Any) -> Any:
                counts.rows += 1
                return row

            cursor.row_factory = factory

    def _after(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        counts = self.active
        if counts is None or is_authentication(statement):
            return
        # SQLite rows are counted by the factory as they are fetched, after this.
        if not self.sqlite and cursor.description is not None and cursor.rowcount > 0:
            counts.rows += cursor.rowcount


_counters: dict[int, _RowCounter] = {}


def is_authentication(sql: str) -> bool:
    """The token lookup every REST request makes (and its occasional refresh):
    the same for every REST implementation, left out of the counts."""
    return "auth_token" in sql


@contextmanager
def count_sqlalchemy(engine: Engine) -> Iterator[Counts]:
    """Statements (``loadplan.testing.count_queries``) and rows of ``engine``."""
    counter = _counters.get(id(engine))
    if counter is None:
        counter = _counters[id(engine)] = _RowCounter(engine)
    counts = Counts()
    counter.active = counts
    try:
        with count_queries(engine) as log:
            yield counts
    finally:
        counter.active = None
    counts.statements = sum(1 for sql in log.sql if not is_authentication(sql))


# -- In-process ASGI requests -----------------------------------------------------------


class AsgiClient:
    """Calls an ASGI app in-process on a loop of its own: the whole HTTP stack
    of the app runs (routing, dependencies, validation, its thread pool), the
    socket does not."""

    def __init__(self, app: Any, token: str | None = None) -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()
        self.headers = [(b"host", b"bench"), (b"accept", b"application/json")]
        if token is not None:
            self.headers.append((b"authorization", f"Bearer {token}".encode()))

    async def _call(self, path: str, query: bytes) -> bytes:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query,
            "root_path": "",
            "headers": self.headers,
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 80),
        }
        status = 0
        body: list[bytes] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                body.append(message.get("body", b""))

        await self.app(scope, receive, send)
        data = b"".join(body)
        if status != 200:
            raise RuntimeError(f"GET {path}?{query.decode()} answered {status}: {data[:500]!r}")
        return data

    def get(self, path: str, query: str = "") -> bytes:
        return self.loop.run_until_complete(self._call(path, query.encode()))

    def close(self) -> None:
        self.loop.close()


class GraphQLFailure(RuntimeError):
    """A GraphQL request answered with errors."""

    def __init__(self, errors: list[Any]) -> None:
        super().__init__(f"GraphQL errors: {errors}")
        self.errors = errors

    def summary(self) -> str:
        """The first error as ``Type: message``, on one line."""
        error = self.errors[0]
        original = getattr(error, "original_error", None)
        message = str(original or error).strip().splitlines()
        text = f"{type(original or error).__name__}: {message[0] if message else ''}".rstrip(": ")
        return text if len(text) < 260 else text[:257] + "..."


def graphql_bytes(result: Any) -> bytes:
    """A Strawberry ``ExecutionResult`` as the JSON bytes a client receives
    (the same ``orjson`` for every GraphQL implementation); errors fail loudly."""
    if result.errors:
        raise GraphQLFailure(result.errors)
    return orjson.dumps({"data": result.data})


def graphql_ids(value: Any) -> Any:
    """Integer ``id`` values (schemas that type keys as ``Int``) as GraphQL
    ``ID`` strings, so that answers compare with the others'."""
    if isinstance(value, dict):
        return {
            k: str(v) if k == "id" and isinstance(v, int) else graphql_ids(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [graphql_ids(v) for v in value]
    return value
