"""Bringing a soft-deleted asset, episode, sequence or shot back, with the
tasks deleted with it.

Deleting an entity stamps it and its live tasks with one ``deleted_at``
(:func:`shotline.services.entities.soft_delete`); restoring it brings back
exactly those tasks, not the ones deleted on their own before, which stay
deleted (each has its own restore). Every check runs before anything is
written, so a refusal leaves the database as it was:

- the principal sees the entity, deleted or not (else 404), and manages its
  project (else 403);
- its parent (a shot's sequence, a sequence's episode) is live (else 409:
  restore the parent first), so no live entity hangs under a deleted one;
- each task to restore still has a task type and a status its project
  uses (else 409 naming the tasks), as a live task must;
- its name is free among the live entities of its scope (else 409 naming
  the entity that took it meanwhile).

A live entity is left as it is (the restore is idempotent).
"""

from __future__ import annotations

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, aliased

from shotline.access import Principal, can_manage
from shotline.errors import Conflict
from shotline.events.changes import entity_change
from shotline.events.log import Change, record
from shotline.models import Entity, Episode, Sequence, Shot, Task
from shotline.services import NO_SYNC
from shotline.services.checks import Check, fetch, id_list, may, row_exists, sees
from shotline.services.entities import flush_named
from shotline.services.tasks import status_enabled, type_enabled
from shotline.softdelete import INCLUDE_DELETED

__all__ = ["restore_entity"]


def _parent_is_live(model: type[Entity], ident: int, what: str) -> list[Check]:
    """Correlated to the fetched entity; the parent is an alias, as both are
    rows of the ``entity`` table."""
    if model is Shot:
        sequence = aliased(Sequence)
        live = row_exists(sequence, sequence.id == Shot.sequence_id, sequence.deleted_at.is_(None))
        return [
            Check(live, Conflict(f"the sequence of {what} {ident} is deleted: restore it first"))
        ]
    if model is Sequence:
        episode = aliased(Episode)
        live = row_exists(episode, episode.id == Sequence.episode_id, episode.deleted_at.is_(None))
        return [
            Check(
                or_(Sequence.episode_id.is_(None), live),
                Conflict(f"the episode of {what} {ident} is deleted: restore it first"),
            )
        ]
    return []


def restore_entity(
    session: Session, me: Principal, model: type[Entity], ident: int, what: str
) -> None:
    """Restore the ``model`` entity ``ident`` and the tasks deleted with it
    (flushed, not committed), recording ``entity.restored`` and a
    ``task.restored`` per task."""
    entity = fetch(
        session,
        model,
        ident,
        what,
        sees(me, model, ident, what),
        may(can_manage(me, model.project_id), f"you may not change {what} {ident}"),
        *_parent_is_live(model, ident, what),
        include_deleted=True,
        lock=True,
    )
    deleted_at = entity.deleted_at
    if deleted_at is None:
        return
    tasks = session.execute(
        select(
            Task.id,
            type_enabled(Task.project_id, Task.task_type_id),
            status_enabled(Task.project_id, Task.task_status_id),
        )
        .where(Task.entity_id == ident, Task.deleted_at == deleted_at)
        .order_by(Task.id)
        .execution_options(**{INCLUDE_DELETED: True})
    ).all()
    stale = [task_id for task_id, has_type, has_status in tasks if not (has_type and has_status)]
    if stale:
        raise Conflict(
            f"the task type or status of tasks {id_list(stale)} of {what} {ident} is no longer "
            "enabled for its project"
        )
    entity.deleted_at = None
    flush_named(session, entity)
    task_ids = [task_id for task_id, _, _ in tasks]
    if task_ids:
        session.execute(
            update(Task).where(Task.id.in_(task_ids)).values(deleted_at=None),
            execution_options=NO_SYNC,
        )
    about = {"project_id": entity.project_id, "entity_id": ident}
    record(
        session,
        [
            entity_change("entity.restored", entity),
            *(Change("task.restored", **about, task_id=task_id) for task_id in task_ids),
        ],
    )
