"""Soft delete, enforced once for every ORM query instead of in each one.

A soft-deleted row keeps its history (comments, time logs, links) but must
vanish from every list, nested list, count and aggregate: a filter forgotten
in one endpoint would resurrect it. So a single ``do_orm_execute`` listener on
the :class:`~sqlalchemy.orm.Session` class (sync and async sessions alike)
adds ``deleted_at IS NULL`` for every soft-deletable entity a SELECT touches,
including joins, aliases and the loads it triggers.

Ask for deleted rows explicitly, e.g. to restore or audit them::

    session.scalars(select(Task).execution_options(include_deleted=True))

Only statements built from ORM entities are covered: Core statements on
``Table`` objects bypass the session's ORM layer and see every row.
"""

from __future__ import annotations

import datetime as dt
from weakref import WeakKeyDictionary

from sqlalchemy import event
from sqlalchemy.orm import (
    Mapped,
    ORMExecuteState,
    Session,
    UserDefinedOption,
    mapped_column,
    with_loader_criteria,
)
from sqlalchemy.sql import Executable

from shotline.sqltypes import UTCDateTime, utcnow

INCLUDE_DELETED = "include_deleted"
"""Execution option that lets a statement (and the loads it triggers) see deleted rows."""


class SoftDeleteMixin:
    """Rows that are hidden rather than deleted."""

    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), default=None)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def soft_delete(self) -> None:
        self.deleted_at = utcnow()

    def restore(self) -> None:
        self.deleted_at = None


class _Decided(UserDefinedOption):
    """Marks a statement whose soft-delete filtering is settled.

    It propagates into the lazy, selectin and subquery loads the statement
    triggers, which also inherit its loader criteria: those loads then keep the
    parent's choice (filtered, or ``include_deleted``) instead of getting the
    criteria twice. A load from an object that no query loaded (one created in
    this session) carries no mark and is filtered on its own.
    """

    propagate_to_loaders = True


_LIVE_ROWS = with_loader_criteria(
    SoftDeleteMixin, lambda cls: cls.deleted_at.is_(None), include_aliases=True
)


@event.listens_for(Session, "do_orm_execute")
def _hide_deleted_rows(state: ORMExecuteState) -> None:
    # Column loads refresh or undefer one known row: filtering them would turn a
    # refresh of a just-deleted object into an ObjectDeletedError.
    if not state.is_select or state.is_column_load:
        return
    if any(isinstance(option, _Decided) for option in state.user_defined_options):
        return
    if state.execution_options.get(INCLUDE_DELETED, False):
        state.statement = state.statement.options(_Decided())
        return
    statement = state.statement
    filtered = _filtered.get(statement)
    if filtered is None:
        filtered = _filtered[statement] = statement.options(_LIVE_ROWS, _Decided())
    state.statement = filtered


_filtered: WeakKeyDictionary[Executable, Executable] = WeakKeyDictionary()
"""The filtered form of each statement still in use. A statement executed
again (loadplan keeps its batched statements across requests) gets the same
filtered statement back, and SQLAlchemy finds its cache key already worked
out on it instead of deriving it again on every execution."""
