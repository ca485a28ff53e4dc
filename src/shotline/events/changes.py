"""The events of each kind of row, built from the row a write changed.

Kinds are ``<subject>.<what happened>``: ``project``, ``entity``, ``task``,
``comment``, ``time_log``, ``member``, ``milestone``, ``casting``,
``preview``, ``settings`` and, studio-wide, ``person``, ``department``,
``task_type``, ``task_status``, ``asset_type``; each ``created``,
``updated`` (with the fields changed, before and after), ``deleted``,
``restored`` where it applies, and a few of their own (``task.status_changed``,
``task.assigned``, ``task.unassigned``, ``member.role_changed``,
``casting.imported``). docs/events.md lists them with their payloads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import inspect

from shotline.events.log import Change
from shotline.models import Comment, Entity, Task, TimeLog

__all__ = [
    "changed_fields",
    "comment_change",
    "entity_change",
    "studio_change",
    "task_change",
    "time_log_change",
]


def _plain(value: Any) -> Any:
    """A column value as JSON holds it."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if hasattr(value, "value") and isinstance(value.value, str):  # an enum member
        return value.value
    return value


def changed_fields(row: object, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """``{field: {"before": ..., "after": ...}}`` for each column attribute of
    ``row`` (of ``fields``, when given) changed since it was loaded, before
    the session flushes it."""
    state = inspect(row)
    changes: dict[str, Any] = {}
    for attribute in state.mapper.column_attrs:
        key = attribute.key
        if fields is not None and key not in fields:
            continue
        history = state.attrs[key].history
        if not history.added or not history.deleted:
            continue
        before, after = history.deleted[0], history.added[0]
        if before != after:
            changes[key] = {"before": _plain(before), "after": _plain(after)}
    return changes


def task_change(
    kind: str, task: Task, payload: Mapping[str, Any] | None = None, **ids: Any
) -> Change:
    return Change(
        kind,
        project_id=task.project_id,
        entity_id=task.entity_id,
        task_id=task.id,
        payload=dict(payload or {}),
        **ids,
    )


def comment_change(
    kind: str, comment: Comment, project_id: int, entity_id: int, recipients: Iterable[int] = ()
) -> Change:
    return Change(
        kind,
        project_id=project_id,
        entity_id=entity_id,
        task_id=comment.task_id,
        comment_id=comment.id,
        person_id=comment.person_id,
        restricted=comment.internal,
        payload={"internal": comment.internal, "task_status_id": comment.task_status_id},
        recipients=tuple(recipients),
    )


def time_log_change(
    kind: str, log: TimeLog, project_id: int, payload: Mapping[str, Any] | None = None
) -> Change:
    return Change(
        kind,
        project_id=project_id,
        task_id=log.task_id,
        person_id=log.person_id,
        restricted=True,
        payload={"time_log_id": log.id, **(payload or {})},
    )


def entity_change(kind: str, entity: Entity, payload: Mapping[str, Any] | None = None) -> Change:
    return Change(
        kind,
        project_id=entity.project_id,
        entity_id=entity.id,
        payload={"kind": entity.kind, "name": entity.name, **(payload or {})},
    )


def studio_change(kind: str, ident: int, payload: Mapping[str, Any] | None = None) -> Change:
    """A change of studio-wide data (the vocabulary, people): every signed-in
    person reads it."""
    return Change(kind, payload={"id": ident, **(payload or {})})
