"""Preconditions of writes, checked before anything is written.

A constraint violation found by the database aborts the transaction with an
error that differs per dialect (and SQLite checks less), so every write checks
its references, uniqueness and state first and answers a precise 4xx. The
conditions of one write are evaluated together in a single statement
(``SELECT EXISTS (...), EXISTS (...)``, or the written row with them), so a
check costs one round trip however many conditions it has.

Every statement built from ORM entities hides soft-deleted rows (see
:mod:`shotline.softdelete`): a deleted row counts as missing unless a check
asks for ``include_deleted``, as checks guarding a hard delete must (deleted
rows still hold their foreign keys).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import HTTPException
from sqlalchemy import ColumnElement, func, literal, select
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql import FromClause

from shotline.access import Principal, visible
from shotline.errors import Conflict, Forbidden, NotFound
from shotline.models import Project
from shotline.softdelete import INCLUDE_DELETED

M = TypeVar("M")


@dataclass(frozen=True)
class Check:
    """A condition a write needs, and the error answered when it is false
    (or a function making it, for an error that must look something up:
    it runs only when the check fails)."""

    holds: ColumnElement[bool]
    error: HTTPException | Callable[[], HTTPException]

    def fail(self) -> HTTPException:
        return self.error if isinstance(self.error, HTTPException) else self.error()


def row_exists(
    model: type[Any] | FromClause, *criteria: ColumnElement[bool]
) -> ColumnElement[bool]:
    """Whether a ``model`` row matching ``criteria`` exists.

    The model is named rather than inferred from the criteria: a subclass of a
    joined-inheritance hierarchy must be selected as its joined tables.
    """
    return select(literal(1)).select_from(model).where(*criteria).exists()


def present(model: type[Any], ident: int, what: str) -> Check:
    """``ident`` is a (live) ``model`` row, or the request gets a 404 naming it."""
    return Check(row_exists(model, model.id == ident), NotFound(what, ident))


def seen(me: Principal, model: type[Any], ident: int, what: str) -> Check:
    """``ident`` is a (live) ``model`` row the principal sees, or a 404 naming
    it: a row they may not see is answered as one that does not exist."""
    return Check(row_exists(model, model.id == ident, visible(me, model)), NotFound(what, ident))


def sees(me: Principal, model: type[Any], ident: int, what: str) -> Check:
    """For :func:`fetch`: the fetched ``model`` row is one the principal
    sees, or a 404 naming it (correlated to the fetched row)."""
    return Check(visible(me, model), NotFound(what, ident))


def may(condition: ColumnElement[bool], message: str) -> Check:
    """The principal may make this change, or a 403 saying what is refused."""
    return Check(condition, Forbidden(message))


def admin_only(me: Principal, action: str) -> None:
    """Studio-wide data (people, departments, the pipeline's vocabulary) is
    changed by admins only: a 403 saying ``only admins can <action>`` for
    anyone else."""
    if not me.is_admin:
        raise Forbidden(f"only admins can {action}")


def reference(model: type[Any], ident: int | None, what: str) -> list[Check]:
    """An optional reference: checked when given."""
    return [] if ident is None else [present(model, ident, what)]


def _labelled(checks: Sequence[Check]) -> list[ColumnElement[bool]]:
    # Labels keep equal conditions (two ``true()``, say) apart in the result row.
    return [check.holds.label(f"check_{index}") for index, check in enumerate(checks)]


def _first_failure(checks: Sequence[Check], results: Iterable[Any]) -> None:
    for check, holds in zip(checks, results, strict=True):
        if not holds:
            raise check.fail()


def project_seen_if_empty(session: Session, me: Principal, project_id: int) -> Callable[[], None]:
    """The check a project's list owes only when it comes back empty (for
    ``PlannedRequest.page``'s ``if_empty``): every row the principal sees
    belongs to a project they see, so rows prove the project, and only an
    empty list must tell "unknown project" (404) from "no rows". The check's
    statement is built only then, too."""
    return lambda: verify(session, seen(me, Project, project_id, "project"))


def verify(session: Session, *checks: Check, include_deleted: bool = False) -> None:
    """Raise the error of the first check that fails, all evaluated in one statement."""
    if not checks:
        return
    stmt = select(*_labelled(checks))
    row = session.execute(stmt.execution_options(**{INCLUDE_DELETED: include_deleted})).one()
    _first_failure(checks, row)


def fetch(
    session: Session,
    model: type[M],
    ident: int,
    what: str,
    *checks: Check,
    include_deleted: bool = False,
    lock: bool = False,
) -> M:
    """The ``model`` row ``ident`` (a 404 naming ``what`` when it does not
    exist), loaded in the same statement as ``checks``, which may refer to
    its columns (they are correlated to it). ``lock``: the row is locked
    (``FOR UPDATE``) until the transaction ends, so that what the write
    reads and decides next cannot interleave with another write of it."""
    key: InstrumentedAttribute[int] = model.id  # type: ignore[attr-defined]
    stmt = select(model, *_labelled(checks)).where(key == ident)
    if lock:
        stmt = stmt.with_for_update(of=model)
    row = session.execute(stmt.execution_options(**{INCLUDE_DELETED: include_deleted})).first()
    if row is None:
        raise NotFound(what, ident)
    _first_failure(checks, row[1:])
    found: M = row[0]
    return found


def unique(
    model: type[Any],
    column: InstrumentedAttribute[str],
    value: str,
    what: str,
    *,
    ignore: int | None = None,
) -> Check:
    """``value`` is not taken in ``column`` (``ignore``: the row being updated).

    Compared case-insensitively on every dialect: MariaDB's collation does
    so in the unique index itself, and a name differing only in case from
    another would confuse people on PostgreSQL and SQLite too.
    """
    criteria = [func.lower(column) == value.lower()]
    if ignore is not None:
        criteria.append(model.id != ignore)
    field = column.key
    return Check(
        ~row_exists(model, *criteria),
        Conflict(f"{what} {field} {value!r} is already taken"),
    )


def id_list(ids: Iterable[int]) -> str:
    """Ids as a message lists them: ``3, 5, 8``."""
    return ", ".join(str(i) for i in ids)


def naming(singular: str, plural: str, ids: Sequence[int]) -> str:
    """``task 3`` or ``tasks 3, 5``."""
    return f"{singular if len(ids) == 1 else plural} {id_list(ids)}"


def not_found(singular: str, plural: str, ids: Sequence[int]) -> NotFound:
    """The 404 of ids a request names that do not exist (or are deleted)."""
    return NotFound(singular if len(ids) == 1 else plural, id_list(ids))


def missing(wanted: Iterable[int], found: Iterable[int]) -> list[int]:
    """The ``wanted`` ids not ``found``, in the order they were asked for."""
    seen = set(found)
    return [i for i in wanted if i not in seen]
