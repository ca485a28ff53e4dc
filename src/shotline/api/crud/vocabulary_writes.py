"""Writes of the studio's shared vocabulary: departments, task types, task
statuses and asset types.

They follow one rule set, kept here once: only admins change them; every
create, update and delete appends a studio event (``<kind>.created``,
``.updated`` with the changed fields, ``.deleted``); an update or a delete
is checked, with what the caller adds (unique names, rows still using the
row), in the statement that reads the row; and a row that deleted rows
still refer to cannot go, since those keep their history (so checks see
deleted rows). Each endpoint module keeps its own routes and the checks
that are its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic

from pydantic import BaseModel
from sqlalchemy import delete
from sqlalchemy.orm import Session

from shotline.access import Principal
from shotline.api.crud.common import OutT, Reader, assign
from shotline.events.changes import changed_fields, studio_change
from shotline.events.log import record
from shotline.services import NO_SYNC
from shotline.services.checks import Check, admin_only, fetch, present, verify

__all__ = ["Vocabulary"]


@dataclass(frozen=True)
class Vocabulary(Generic[OutT]):
    """The writes of one kind of vocabulary row, answered through ``reader``."""

    reader: Reader[OutT]
    kind: str
    """The events' prefix, e.g. ``task_type``."""
    changing: str
    """What a refused non-admin may not do, e.g. ``change task types``."""

    def create(self, db: Session, me: Principal, body: BaseModel, *checks: Check) -> OutT:
        """Add the row ``body`` describes, once ``checks`` hold."""
        admin_only(me, self.changing)
        verify(db, *checks)
        row: Any = self.reader.model(**body.model_dump())
        db.add(row)
        db.flush()
        record(db, [studio_change(f"{self.kind}.created", row.id, {"name": row.name})])
        return self.reader.committed(db, me, row.id)

    def update(
        self, db: Session, me: Principal, ident: int, values: dict[str, Any], *checks: Check
    ) -> OutT:
        """Set ``values`` on row ``ident`` once ``checks`` hold (a 404 when it
        does not exist); an event only when something changed."""
        admin_only(me, self.changing)
        model = self.reader.model
        row = fetch(db, model, ident, self.reader.what, *checks, include_deleted=True)
        assign(row, values)
        changes = changed_fields(row, values)
        db.flush()
        if changes:
            record(db, [studio_change(f"{self.kind}.updated", ident, {"changes": changes})])
        return self.reader.committed(db, me, ident)

    def delete(self, db: Session, me: Principal, ident: int, *in_use: Check) -> None:
        """Remove row ``ident`` unless a check of ``in_use`` fails (a 409
        naming what still uses it)."""
        admin_only(me, self.changing)
        model = self.reader.model
        verify(db, present(model, ident, self.reader.what), *in_use, include_deleted=True)
        db.execute(delete(model).where(model.id == ident), execution_options=NO_SYNC)
        record(db, [studio_change(f"{self.kind}.deleted", ident)])
        db.commit()
