"""What the CSV import tests share."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event, text


@contextmanager
def meanwhile(engine: Engine, table: str, *statements: str) -> Iterator[None]:
    """Another connection commits ``statements`` just before the request's
    first INSERT into ``table``: a concurrent change, deterministically."""
    done: list[bool] = []

    def before(connection: Any, cursor: Any, sql: str, *args: Any) -> None:
        if not done and sql.startswith(f"INSERT INTO {table} "):
            done.append(True)
            with engine.begin() as other:
                for statement in statements:
                    other.execute(text(statement))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", before)
