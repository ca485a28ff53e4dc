"""Writing assets, episodes, sequences and shots: their names, and their
soft deletion.

Names are unique per project, kind and parent (a shot's sequence, a
sequence's episode) among live entities, compared case-insensitively: the
database enforces it (a unique index on ``entity.name_key``, see
:func:`shotline.models.entities.name_key`), so two requests creating the same
name at once cannot both succeed; the one that loses gets the same 409,
naming the entity that holds the name, as a request that came later.

An entity is hidden rather than deleted (its tasks keep their comments and
time logs), and so are its live tasks, with the same timestamp: a later
restore can tell the tasks deleted with the entity from those deleted before.
Its name is free again.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shotline.access import Principal, can_manage
from shotline.errors import Conflict
from shotline.events.changes import changed_fields, entity_change
from shotline.events.log import Change, record
from shotline.models import Entity, Episode, Sequence, Shot, Task
from shotline.services import NO_SYNC
from shotline.services.checks import Check, may, row_exists, seen, verify
from shotline.sqltypes import utcnow

NAME_INDEX = "uq_entity_project_name_key"


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def name_scope(project_id: int, parent: str | None, parent_id: int | None) -> str:
    """Where a name must be unique: ``project 3``, ``sequence 12``…"""
    if parent is None or parent_id is None:
        return f"project {project_id}"
    return f"{parent.removesuffix('_id')} {parent_id}"


def name_taken(
    session: Session, kind: str, name: str, key: str | None, project_id: int, scope: str
) -> Conflict:
    """The 409 of a name someone holds: names the entity holding it."""
    holder = session.execute(
        select(Entity.id, Entity.name).where(
            Entity.project_id == project_id, Entity.name_key == key
        )
    ).first()
    if holder is None:
        return Conflict(f"{scope} already has {_a(kind)} named {name!r}")
    return Conflict(f"{scope} already has {_a(kind)} named {holder.name!r}: {kind} {holder.id}")


def is_name_clash(error: IntegrityError) -> bool:
    """Whether the database refused a write for the unique names' index
    (SQLite names its columns rather than the index)."""
    message = str(error.orig)
    return NAME_INDEX in message or "entity.name_key" in message


def flush_named(session: Session, entity: Entity) -> None:
    """Flush the entity's insert or update; a name another live entity holds
    is a 409 naming it (the transaction is rolled back: nothing is written)."""
    # Read before the flush: a rollback puts the entity back as it was stored.
    kind, name, project_id = entity.kind, entity.name, entity.project_id
    parent = entity.name_parent
    scope = name_scope(project_id, parent, getattr(entity, parent) if parent else None)
    key = entity.live_name_key()
    try:
        session.flush()
    except IntegrityError as error:
        if not is_name_clash(error):
            raise
        session.rollback()
        raise name_taken(session, kind, name, key, project_id, scope) from None


def create(session: Session, model: type[Entity], project_id: int, values: dict[str, Any]) -> int:
    """Add an entity (flushed, not committed); answers its id."""
    # One timestamp for both: an entity never updated has updated_at == created_at.
    now = utcnow()
    entity = model(project_id=project_id, created_at=now, updated_at=now, **values)
    session.add(entity)
    flush_named(session, entity)
    record(session, [entity_change("entity.created", entity)])
    return entity.id


def change(session: Session, entity: Entity, values: dict[str, Any]) -> None:
    """Apply an update (flushed, not committed). ``updated_at`` is set here:
    the ORM refreshes it only when a column of the ``entity`` table changes,
    not when only the kind's own table does (a shot's frames, an asset's type)."""
    changes: dict[str, Any] = {}
    if values:
        for key, value in values.items():
            setattr(entity, key, value)
        changes = changed_fields(entity, values)
        entity.updated_at = utcnow()
    flush_named(session, entity)
    if changes:
        record(session, [entity_change("entity.updated", entity, {"changes": changes})])


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
    project_id, kind, name = session.execute(
        select(Entity.project_id, Entity.kind, Entity.name).where(Entity.id == entity_id)
    ).one()
    task_ids = session.scalars(
        select(Task.id).where(Task.entity_id == entity_id).order_by(Task.id)
    ).all()
    now = utcnow()
    session.execute(
        update(Entity).where(Entity.id == entity_id).values(deleted_at=now, name_key=None),
        execution_options=NO_SYNC,
    )
    session.execute(
        update(Task)
        .where(Task.entity_id == entity_id, Task.deleted_at.is_(None))
        .values(deleted_at=now),
        execution_options=NO_SYNC,
    )
    about = {"project_id": project_id, "entity_id": entity_id}
    record(
        session,
        [
            Change("entity.deleted", **about, payload={"kind": kind, "name": name}),
            *(Change("task.deleted", **about, task_id=task_id) for task_id in task_ids),
        ],
    )
