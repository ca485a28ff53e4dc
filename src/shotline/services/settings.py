"""A project's settings: which global task types and statuses it uses, in
which order (the order of grid columns and status menus; the first status is
the default of new tasks).

Each list is replaced whole, so a client reorders by sending the list in its
new order. A task type or status that live tasks of the project use cannot be
left out: those tasks would carry something the project no longer offers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from shotline.access import Principal, can_manage
from shotline.errors import Conflict
from shotline.events.log import Change, record
from shotline.models import (
    Project,
    ProjectTaskStatus,
    ProjectTaskType,
    Task,
    TaskStatus,
    TaskType,
)
from shotline.services.checks import may, missing, naming, not_found, seen, verify


@dataclass(frozen=True)
class Vocabulary:
    """One of the two lists: the global table, the project's link table and
    the task column that uses it."""

    singular: str
    plural: str
    model: type[Any]
    link: type[Any]
    link_column: str
    task_column: InstrumentedAttribute[int]


TASK_TYPES = Vocabulary(
    "task type", "task types", TaskType, ProjectTaskType, "task_type_id", Task.task_type_id
)
TASK_STATUSES = Vocabulary(
    "task status",
    "task statuses",
    TaskStatus,
    ProjectTaskStatus,
    "task_status_id",
    Task.task_status_id,
)


def replace(
    session: Session, me: Principal, project_id: int, vocabulary: Vocabulary, ids: Sequence[int]
) -> None:
    """Make ``ids`` (in this order) the project's whole list of ``vocabulary``
    (a manager's change: see :func:`shotline.access.can_manage`)."""
    verify(
        session,
        seen(me, Project, project_id, "project"),
        may(can_manage(me, project_id), f"you may not change the settings of project {project_id}"),
    )
    found = session.scalars(select(vocabulary.model.id).where(vocabulary.model.id.in_(ids))).all()
    absent = missing(ids, found)
    if absent:
        raise not_found(vocabulary.singular, vocabulary.plural, absent)
    in_use = session.scalars(
        select(vocabulary.task_column)
        .distinct()
        .where(Task.project_id == project_id, vocabulary.task_column.not_in(ids))
        .order_by(vocabulary.task_column)
    ).all()
    if in_use:
        raise Conflict(
            f"{naming(vocabulary.singular, vocabulary.plural, in_use)} still used by live tasks "
            f"of project {project_id}"
        )
    link = vocabulary.link
    session.execute(delete(link).where(link.project_id == project_id))
    if ids:
        session.execute(
            insert(link),
            [
                {"project_id": project_id, vocabulary.link_column: ident, "position": position}
                for position, ident in enumerate(ids)
            ],
        )
    record(
        session,
        [
            Change(
                "settings.changed",
                project_id=project_id,
                payload={vocabulary.link_column.removesuffix("_id") + "_ids": list(ids)},
            )
        ],
    )
