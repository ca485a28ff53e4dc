"""Soft deletion of assets, episodes, sequences and shots.

An entity is hidden rather than deleted (its tasks keep their comments and
time logs), and so are its live tasks, with the same timestamp: a later
restore can tell the tasks deleted with the entity from those deleted before.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from shotline.access import Principal, can_manage
from shotline.errors import Conflict
from shotline.models import Entity, Episode, Sequence, Shot, Task
from shotline.services import NO_SYNC
from shotline.services.checks import Check, may, row_exists, seen, verify
from shotline.sqltypes import utcnow


def _live_children(model: type[Entity], entity_id: int, what: str) -> list[Check]:
    """Episodes and sequences keep their live sequences and shots from being
    orphaned: those must be deleted (or moved) first, one decision each."""
    if model is Episode:
        children = row_exists(Sequence, Sequence.episode_id == entity_id)
        return [Check(~children, Conflict(f"{what} {entity_id} has sequences: delete them first"))]
    if model is Sequence:
        children = row_exists(Shot, Shot.sequence_id == entity_id)
        return [Check(~children, Conflict(f"{what} {entity_id} has shots: delete them first"))]
    return []


def soft_delete(
    session: Session, me: Principal, model: type[Entity], entity_id: int, what: str
) -> None:
    """Soft-delete the ``model`` entity ``entity_id`` and its live tasks: a
    change for a manager of its project."""
    verify(
        session,
        seen(me, model, entity_id, what),
        may(
            row_exists(model, model.id == entity_id, can_manage(me, model.project_id)),
            f"you may not change {what} {entity_id}",
        ),
        *_live_children(model, entity_id, what),
    )
    now = utcnow()
    session.execute(
        update(Entity).where(Entity.id == entity_id).values(deleted_at=now),
        execution_options=NO_SYNC,
    )
    session.execute(
        update(Task)
        .where(Task.entity_id == entity_id, Task.deleted_at.is_(None))
        .values(deleted_at=now),
        execution_options=NO_SYNC,
    )
