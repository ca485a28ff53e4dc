"""Engines, sessions and schema migrations."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker


def make_engine(
    url: str | URL, *, statement_timeout: float | None = None, **options: Any
) -> Engine:
    """An engine configured the way Shotline expects its database to behave.

    SQLite ignores foreign keys unless each connection turns them on, and its
    default rollback journal blocks readers during writes; WAL lets the API
    keep serving reads while a write (a demo load, a big import) is running.

    ``statement_timeout`` (seconds) bounds each statement on PostgreSQL
    (``statement_timeout``, lock waits included) and MariaDB
    (``max_statement_time``, and ``innodb_lock_wait_timeout`` for lock
    waits): a request cannot hold a connection for longer, and is answered
    503 naming the limit (see :mod:`shotline.errors`). SQLite has no such
    setting (its lock waits are bounded by the driver's ``timeout``).
    """
    url = make_url(url)
    backend = url.get_backend_name()
    if backend == "postgresql" and statement_timeout is not None:
        connect_args = dict(options.pop("connect_args", {}))
        milliseconds = max(1, round(statement_timeout * 1000))
        connect_args["options"] = " ".join(
            filter(None, [connect_args.get("options", ""), f"-c statement_timeout={milliseconds}"])
        )
        options["connect_args"] = connect_args
    if backend == "postgresql":
        # Sessions in UTC: timestamps then come back in UTC already, and
        # UTCDateTime has nothing to convert (a grid reads tens of thousands).
        # No JIT compilation: a statement the planner costs above
        # jit_above_cost (a grid page of a thousand rows with its tasks) is
        # compiled on every execution, which took longer (about 60 ms) than
        # what it saved; Shotline's statements are a request's, not reports.
        # Options the URL carries (``?options=-csearch_path%3Dtracker``) are
        # kept: connect_args would otherwise replace them.
        connect_args = dict(options.pop("connect_args", {}))
        given = [str(url.query.get("options", "")), connect_args.get("options", "")]
        connect_args["options"] = " ".join([*filter(None, given), "-c TimeZone=UTC -c jit=off"])
        options["connect_args"] = connect_args
    engine = create_engine(url, **options)
    if backend in {"mysql", "mariadb"} and statement_timeout is not None:
        seconds = statement_timeout

        @event.listens_for(engine, "connect")
        def _bound_statements(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute(f"SET SESSION max_statement_time = {seconds:f}")
            cursor.execute(f"SET SESSION innodb_lock_wait_timeout = {max(1, round(seconds))}")
            cursor.close()

    if url.get_backend_name() == "sqlite":
        in_memory = url.database in {None, "", ":memory:"} or "mode=memory" in str(url)

        @event.listens_for(engine, "connect")
        def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            if not in_memory:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit.

    A request handler commits, then serialises what it changed: expiring on
    commit would reload every attribute with one more query each.
    """
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(connection: Connection) -> Config:
    """An Alembic configuration built in code, so it works from an installed package.

    Migrations run on ``connection`` (see ``migrations/env.py``). It is also the
    way to write a new revision::

        with make_engine(url).begin() as connection:
            command.revision(alembic_config(connection), message="...", autogenerate=True)
    """
    config = Config()
    config.set_main_option("script_location", "shotline:migrations")
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    config.attributes["connection"] = connection
    return config


def upgrade(url_or_engine: str | URL | Engine, revision: str = "head") -> None:
    """Bring the database schema up to ``revision`` (the latest by default)."""
    engine = url_or_engine if isinstance(url_or_engine, Engine) else make_engine(url_or_engine)
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), revision)
    finally:
        if engine is not url_or_engine:
            engine.dispose()


def is_up_to_date(engine: Engine) -> bool:
    """Whether the database schema is at the latest revision (``False`` for
    a database without Shotline's schema)."""
    with engine.connect() as connection:
        head = ScriptDirectory.from_config(alembic_config(connection)).get_current_head()
        return MigrationContext.configure(connection).get_current_revision() == head
