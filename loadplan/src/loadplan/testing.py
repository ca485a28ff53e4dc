"""Count the SQL statements a block of code issues.

Every claim of the form "this request costs N statements" is checked with these
helpers. Listeners are installed once on the :class:`~sqlalchemy.engine.Engine`
class rather than per engine: SQLAlchemy decides whether a connection fires
events when the connection is created, so a per-engine listener added while a
session already holds a connection would silently miss its statements.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, ExceptionContext, ExecutionContext
from sqlalchemy.orm import Session

from loadplan._async import is_async_bind, is_async_session

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

__all__ = ["QueryLog", "Statement", "assert_queries", "count_queries"]

CountTarget: TypeAlias = (
    "Engine | AsyncEngine | Connection | AsyncConnection | Session | AsyncSession | None"
)


@dataclass
class Statement:
    """One statement sent to the database, as the driver received it."""

    sql: str
    params: Any
    executemany: bool
    duration: float | None = None
    error: BaseException | None = None

    def describe(self) -> str:
        status = f"failed: {self.error!r}" if self.error is not None else ""
        timing = f"{self.duration * 1000:.2f} ms" if self.duration is not None else ""
        suffix = " ".join(part for part in (timing, status) if part)
        return f"{self.sql}\n    params: {self.params!r}" + (f"\n    {suffix}" if suffix else "")


@dataclass
class QueryLog:
    """The statements recorded while a :func:`count_queries` block ran."""

    engine: Engine | None
    statements: list[Statement] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)

    @property
    def total_time(self) -> float:
        return sum(s.duration or 0.0 for s in self.statements)

    def __len__(self) -> int:
        return len(self.statements)

    def __iter__(self) -> Iterator[Statement]:
        return iter(self.statements)

    def __getitem__(self, index: int) -> Statement:
        return self.statements[index]

    @property
    def sql(self) -> list[str]:
        return [s.sql for s in self.statements]

    def describe(self) -> str:
        if not self.statements:
            return "no statements"
        return "\n".join(f"{i}. {s.describe()}" for i, s in enumerate(self.statements, start=1))

    def assert_count(self, expected: int) -> None:
        if self.count != expected:
            raise AssertionError(
                f"expected {expected} statement(s), got {self.count}:\n{self.describe()}"
            )


class _Recorder:
    """Routes statements to the logs that are open, from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._logs: list[QueryLog] = []
        self._pending: dict[int, tuple[float, list[Statement]]] = {}
        self._installed = False

    def open(self, log: QueryLog) -> None:
        with self._lock:
            if not self._installed:
                event.listen(Engine, "before_cursor_execute", self._before)
                event.listen(Engine, "after_cursor_execute", self._after)
                event.listen(Engine, "handle_error", self._error)
                self._installed = True
            self._logs.append(log)

    def close(self, log: QueryLog) -> None:
        with self._lock:
            self._logs.remove(log)

    def _before(
        self,
        conn: Connection,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: ExecutionContext | None,
        executemany: bool,
    ) -> None:
        if not self._logs:
            return
        engine = conn.engine
        with self._lock:
            logs = [log for log in self._logs if log.engine is None or log.engine is engine]
        if not logs:
            return
        recorded = []
        for log in logs:
            entry = Statement(sql=statement, params=parameters, executemany=executemany)
            log.statements.append(entry)
            recorded.append(entry)
        self._pending[id(context)] = (time.perf_counter(), recorded)

    def _after(
        self,
        conn: Connection,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: ExecutionContext | None,
        executemany: bool,
    ) -> None:
        pending = self._pending.pop(id(context), None)
        if pending is None:
            return
        started, entries = pending
        elapsed = time.perf_counter() - started
        for entry in entries:
            entry.duration = elapsed

    def _error(self, context: ExceptionContext) -> None:
        pending = self._pending.pop(id(context.execution_context), None)
        if pending is None:
            return
        started, entries = pending
        elapsed = time.perf_counter() - started
        for entry in entries:
            entry.duration = elapsed
            entry.error = context.original_exception


_recorder = _Recorder()


def _engine_of(target: CountTarget) -> Engine | None:
    if target is None:
        return None
    if is_async_session(target):
        target = target.sync_session
    if isinstance(target, Session):
        bind = target.get_bind()
        return bind if isinstance(bind, Engine) else bind.engine
    if is_async_bind(target):
        return target.sync_engine
    if isinstance(target, Connection):
        return target.engine
    return target


@contextmanager
def count_queries(target: CountTarget = None) -> Iterator[QueryLog]:
    """Record every statement issued inside the block.

    ``target`` narrows the recording to one engine (given as an engine, a
    connection, a session or their async counterparts); ``None`` records
    statements of every engine. Blocks nest: an outer log also holds the
    statements of the blocks inside it.
    """
    log = QueryLog(engine=_engine_of(target))
    _recorder.open(log)
    try:
        yield log
    finally:
        _recorder.close(log)


@contextmanager
def assert_queries(expected: int, target: CountTarget = None) -> Iterator[QueryLog]:
    """Fail unless the block issues exactly ``expected`` statements.

    The failure message lists every statement with its parameters.
    """
    with count_queries(target) as log:
        yield log
    log.assert_count(expected)
