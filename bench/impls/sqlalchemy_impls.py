"""Naive, hand-written and the one-statement SQL limit, served like Shotline's
REST endpoints (sync FastAPI routes with a session dependency) so that all
REST-style implementations pay the same HTTP stack, called in-process."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Annotated, Any

import orjson
from fastapi import Depends, FastAPI
from fastapi.responses import Response
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from bench.impls import auth, sql_views, sqla_views
from bench.impls.base import AsgiClient, Counts, Implementation, count_sqlalchemy
from bench.impls.loadplan_impls import SETTINGS
from bench.workloads import Workload, canonical, grid_limit, grid_rows, w3_limit
from shotline.db import session_factory

VIEWS: dict[str, dict[str, Callable[..., bytes]]] = {
    "naive": {
        "grid": sqla_views.grid_naive,
        "W3": sqla_views.w3_naive,
        "W4": sqla_views.w4_naive,
        "W5": sqla_views.w5_naive,
    },
    "hand": {
        "grid": sqla_views.grid_hand,
        "W3": sqla_views.w3_hand,
        "W4": sqla_views.w4_hand,
        "W5": sqla_views.w5_hand,
    },
}


def bench_app(engine: Engine) -> FastAPI:
    app = FastAPI()
    sessions = session_factory(engine)
    dialect = sql_views.Dialect(engine.dialect.name)
    statements = {"W4": sql_views.w4(dialect), "W5": sql_views.w5(dialect)}
    grid_statements: dict[tuple[int | None, int], str] = {}
    w3_statements: dict[tuple[int, int], str] = {}

    def get_session() -> Iterator[Session]:
        with sessions() as session:
            yield session

    def get_connection() -> Iterator[Connection]:
        with engine.connect() as connection:
            yield connection

    DB = Annotated[Session, Depends(get_session)]
    Conn = Annotated[Connection, Depends(get_connection)]

    def json(body: bytes) -> Response:
        return Response(body, media_type="application/json")

    @app.get("/{style}/grid")
    def grid(style: str, db: DB, project: int, limit: int | None = None) -> Response:
        return json(VIEWS[style]["grid"](db, limit, project))

    @app.get("/{style}/w3")
    def w3(style: str, db: DB, project: int, limit: int) -> Response:
        return json(VIEWS[style]["W3"](db, limit, project))

    @app.get("/{style}/view/{key}")
    def view(style: str, key: str, db: DB) -> Response:
        return json(VIEWS[style][key](db))

    @app.get("/sql/grid")
    def sql_grid(connection: Conn, project: int, limit: int | None = None) -> Response:
        statement = grid_statements.get((limit, project))
        if statement is None:
            statement = grid_statements[limit, project] = sql_views.grid(dialect, limit, project)
        return json(connection.exec_driver_sql(statement).scalar().encode())

    @app.get("/sql/w3")
    def sql_w3(connection: Conn, project: int, limit: int) -> Response:
        statement = w3_statements.get((limit, project))
        if statement is None:
            statement = w3_statements[limit, project] = sql_views.w3(dialect, limit, project)
        return json(connection.exec_driver_sql(statement).scalar().encode())

    @app.get("/sql/view/{key}")
    def sql_view(key: str, connection: Conn) -> Response:
        return json(connection.exec_driver_sql(statements[key]).scalar().encode())

    # The literal /sql/ routes must win over /{style}/.
    app.router.routes.sort(key=lambda route: "{style}" in getattr(route, "path", ""))
    return app


def _grid_query(workload: Workload) -> str:
    limit = grid_limit(workload)
    project = f"project={workload.project_id}"
    return project if limit is None else f"{project}&limit={limit}"


def normalise_rest_or_graphql(workload: Workload, body: bytes) -> Any:
    data = orjson.loads(body)
    if workload.key in {"W1", "W2"}:
        return grid_rows(data["items"])
    return canonical(data["data"])


class _SqlalchemyBase(Implementation):
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def counting(self) -> AbstractContextManager[Counts]:
        return count_sqlalchemy(self.engine)

    def normalise(self, workload: Workload, body: bytes) -> Any:
        return normalise_rest_or_graphql(workload, body)


class BenchRest(_SqlalchemyBase):
    """One of the bench app's styles: ``naive``, ``hand`` or ``sql``."""

    def __init__(self, engine: Engine, client: AsgiClient, style: str, label: str) -> None:
        super().__init__(engine)
        self.client = client
        self.key = style
        self.label = label
        self.api = "REST (FastAPI)"

    def request(self, workload: Workload) -> Callable[[], bytes]:
        client, style = self.client, self.key
        if workload.key in {"W1", "W2"}:
            query = _grid_query(workload)
            return lambda: client.get(f"/{style}/grid", query)
        if workload.key == "W3":
            query = f"project={workload.project_id}&limit={w3_limit(workload)}"
            return lambda: client.get(f"/{style}/w3", query)
        path = f"/{style}/view/{workload.key}"
        return lambda: client.get(path)


def make(engine: Engine, token: str | None) -> list[Implementation]:
    app = bench_app(engine)
    auth.protect(app, engine, SETTINGS)
    client = AsgiClient(app, token)
    return [
        BenchRest(engine, client, "naive", "naive (lazy loading)"),
        BenchRest(engine, client, "hand", "hand-written (eager chains)"),
        BenchRest(engine, client, "sql", "limit: one SQL → JSON"),
    ]
