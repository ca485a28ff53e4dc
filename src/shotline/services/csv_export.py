"""What every CSV export shares: rows read a page at a time and written as
they come, so exporting a project of 75,000 tasks holds one page in memory,
not the project (see :func:`shotline.csvfiles.csv_chunks`).

Pages follow each other by keyset (the rows after the last one's sort key)
rather than through one server-side cursor: MariaDB cannot run a statement
on a connection while an unbuffered cursor is open on it, and each page
needs one (its tasks' statuses, its tasks' assignees). An export costs its
fixed statements plus two per page of :data:`EXPORT_PAGE` rows, whatever
the page's size.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, select, tuple_
from sqlalchemy.orm import Session

from shotline.access import Principal, visible
from shotline.csvfiles import csv_chunks
from shotline.models import Task, TaskStatus
from shotline.services.csv_import import TaskColumns

__all__ = ["EXPORT_PAGE", "grid_chunks", "keyset_pages"]

EXPORT_PAGE = 2000
"""Rows per page of an export (each page's ids are bound parameters of the
statement reading its tasks)."""


def keyset_pages(
    session: Session, stmt: Select[Any], keys: Sequence[ColumnElement[Any]], size: int
) -> Iterator[list[Row[Any]]]:
    """The rows of ``stmt`` in the order of ``keys`` (the last one unique), a
    page of ``size`` at a time, each page one statement; the rows hold
    ``stmt``'s columns only."""
    paged = stmt.add_columns(*keys).order_by(*keys).limit(size)
    after: tuple[Any, ...] | None = None
    while True:
        page_stmt = paged if after is None else paged.where(tuple_(*keys) > tuple_(*after))
        rows = session.execute(page_stmt).all()
        if rows:
            yield [row[: -len(keys)] for row in rows]  # type: ignore[misc]
        if len(rows) < size:
            return
        after = tuple(rows[-1][-len(keys) :])


def _statuses(
    session: Session, me: Principal, entities: Iterable[int]
) -> dict[tuple[int, int], str]:
    """The status short name of the entities' tasks ``me`` sees, by (entity
    id, task type id): one statement."""
    return {
        (entity, task_type): status
        for entity, task_type, status in session.execute(
            select(Task.entity_id, Task.task_type_id, TaskStatus.short_name)
            .join(TaskStatus, TaskStatus.id == Task.task_status_id)
            .where(Task.entity_id.in_(entities), visible(me, Task))
        )
    }


def grid_chunks(
    session: Session,
    me: Principal,
    header: Sequence[str],
    types: TaskColumns,
    stmt: Select[Any],
    keys: Sequence[ColumnElement[Any]],
) -> Iterator[str]:
    """A grid's CSV: ``stmt`` selects each entity's id then its cells, in
    the order of ``keys``; each line ends with the entity's status per task
    type. Two statements per page."""

    def batches() -> Iterator[list[list[object]]]:
        for page in keyset_pages(session, stmt, keys, EXPORT_PAGE):
            statuses = _statuses(session, me, [row[0] for row in page])
            yield [types.cells(row[1:], statuses, row[0]) for row in page]

    return csv_chunks(header, batches())
