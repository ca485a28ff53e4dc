"""Isolated test databases on SQLite, PostgreSQL and MariaDB.

Each test (or module, for read-only data sets) gets a namespace of its own: a
SQLite file, a PostgreSQL schema or a MariaDB database, created empty and
dropped afterwards, so tests may create tables freely and run in any order.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, make_url, text

DIALECTS = ("sqlite", "postgresql", "mysql")

DEFAULT_URLS = {
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    "mysql": "mysql+pymysql://root@127.0.0.1:3306/test",
}
URL_VARIABLES = {
    "postgresql": "SHOTLINE_TEST_POSTGRES_URL",
    "mysql": "SHOTLINE_TEST_MYSQL_URL",
}
ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+psycopg",
    "mysql": "mysql+aiomysql",
}


def configured_url(dialect: str) -> URL:
    """The server URL the run was given (or the local default)."""
    return make_url(os.environ.get(URL_VARIABLES[dialect]) or DEFAULT_URLS[dialect])


def server_url(dialect: str) -> URL:
    """The URL a test's namespace is created under.

    Under pytest-xdist each worker gets a PostgreSQL database of its own
    (``test_gw0``, ``test_gw1``...), created on first use: notification
    channels and ``pg_stat_activity`` are per database, so one worker's
    event listeners and lock waits are never seen by another's tests.
    MariaDB needs nothing: each namespace is a database already.
    """
    url = configured_url(dialect)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if dialect != "postgresql" or not worker:
        return url
    return _worker_database(url, worker)


@cache
def _worker_database(url: URL, worker: str) -> URL:
    name = f"{url.database}_{worker}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
            if exists is None:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return url.set(database=name)


@cache
def unreachable_reason(dialect: str) -> str | None:
    """Why the server of ``dialect`` cannot be used, or ``None`` when it can."""
    if dialect == "sqlite":
        return None
    url = configured_url(dialect)
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        return f"{dialect} at {url.render_as_string(hide_password=True)} is unreachable: {exc}"
    finally:
        engine.dispose()
    return None


def enable_sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@dataclass
class IsolatedDatabase:
    """One empty namespace on one dialect, with factories for engines bound to it."""

    dialect: str
    url: URL
    async_url: URL
    connect_args: dict[str, Any]
    drop: Callable[[], None]
    engines: list[Any] = field(default_factory=list)  # Engine, and AsyncEngine (async_databases)

    def engine(self, **options: Any) -> Engine:
        engine = create_engine(self.url, connect_args=dict(self.connect_args), **options)
        if self.dialect == "sqlite":
            event.listen(engine, "connect", enable_sqlite_foreign_keys)
        self.engines.append(engine)
        return engine

    def close_sync(self) -> None:
        """Dispose of the sync engines and drop the namespace.

        Async engines must be disposed of by their own event loop first
        (see ``tests.async_databases.close``).
        """
        for engine in self.engines:
            if isinstance(engine, Engine):
                engine.dispose()
        self.drop()


def create_isolated_database(dialect: str, workdir: Path) -> IsolatedDatabase:
    name = f"lp_{os.getpid()}_{uuid.uuid4().hex[:10]}"
    if dialect == "sqlite":
        path = workdir / f"{name}.sqlite"
        url = make_url(f"sqlite:///{path}")
        return IsolatedDatabase(
            dialect,
            url,
            url.set(drivername=ASYNC_DRIVERS[dialect]),
            {},
            drop=lambda: path.unlink(missing_ok=True),
        )

    admin_url = server_url(dialect)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    if dialect == "postgresql":
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
        url = admin_url
        connect_args: dict[str, Any] = {"options": f"-c search_path={name}"}
        drop_sql = f'DROP SCHEMA "{name}" CASCADE'
    else:
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
        url = admin_url.set(database=name, query={"charset": "utf8mb4"})
        connect_args = {}
        drop_sql = f"DROP DATABASE `{name}`"

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(drop_sql))
        admin.dispose()

    return IsolatedDatabase(
        dialect, url, url.set(drivername=ASYNC_DRIVERS[dialect]), connect_args, drop
    )
