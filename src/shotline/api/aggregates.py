"""Numbers for production managers: how far each task type of a project is.

Counting happens in the database (one GROUP BY over the project's tasks),
never by loading tasks: a project of 75,000 tasks answers with a few dozen
grouped rows. The statement selects ORM columns, so the global soft-delete
filter drops deleted tasks, and joining the tasks' entity drops the tasks of
deleted entities too. The project's order of task types and statuses is
loaded by loadplan: 4 statements in all, whatever the project's size.
(loadplan plans the loading of objects and has no grouped counts, so the
GROUP BY is the one statement written by hand; it loads no objects.)

Being written by hand, the GROUP BY applies the access rules itself (the
task and entity rules of :mod:`shotline.access`, the very conditions the
plans apply): a vendor's stats count their own tasks, and a project the
principal is not on is a 404, as everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import APIRouter
from sqlalchemy import func, select

import loadplan
from loadplan import Selection
from shotline.access import RULES, visible
from shotline.api.grid import IdPath
from shotline.auth import Me
from shotline.deps import DB
from shotline.errors import NotFound
from shotline.models import Entity, Project, Task, TaskStatus, TaskType
from shotline.schemas.grid import ProjectStats, TaskTypeStats

router = APIRouter(tags=["aggregates"])

_VOCABULARY = Selection.of(
    "id",
    "task_type_links.task_type.name",
    "task_status_links.task_status.short_name",
)


@dataclass
class _Tally:
    counts: dict[str, int] = field(default_factory=dict)
    done: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _ratio(done: int, total: int) -> float:
    return round(done / total, 4) if total else 0.0


@router.get("/projects/{project_id}/stats", response_model=ProjectStats)
def project_stats(project_id: IdPath, db: DB, me: Me) -> ProjectStats:
    """Per task type, in the project's order: live tasks by status, total,
    done count and done ratio; then the same totals for the whole project.

    Every task type and status the project enables is listed, with zero
    counts where nothing matches, so the table keeps its columns; a type or
    status that tasks still use after the project dropped it follows the
    enabled ones, by name.
    """
    plan = loadplan.plan(Project, _VOCABULARY, context=me, rules=RULES)
    project = db.scalars(plan.apply(select(Project).where(Project.id == project_id))).first()
    if project is None:
        raise NotFound("project", project_id)
    type_names = [link.task_type.name for link in project.task_type_links]
    status_names = [link.task_status.short_name for link in project.task_status_links]

    grouped = db.execute(
        select(TaskType.name, TaskStatus.short_name, TaskStatus.is_done, func.count(Task.id))
        .select_from(Task)
        .join(Task.task_type)
        .join(Task.task_status)
        .join(Task.entity)
        .where(Task.project_id == project_id, visible(me, Task), visible(me, Entity))
        .group_by(TaskType.name, TaskStatus.short_name, TaskStatus.is_done)
        .order_by(TaskType.name, TaskStatus.short_name)
    ).all()

    # Enabled types and statuses are keyed first, in project order; the rows
    # (ordered by name) append whatever else the tasks still use.
    tallies = {name: _Tally(dict.fromkeys(status_names, 0)) for name in type_names}
    for type_name, status_name, is_done, count in grouped:
        tally = tallies.setdefault(type_name, _Tally(dict.fromkeys(status_names, 0)))
        tally.counts[status_name] = tally.counts.get(status_name, 0) + count
        tally.done += count if is_done else 0

    task_types = [
        TaskTypeStats(
            task_type=name,
            counts=tally.counts,
            total=tally.total,
            done=tally.done,
            done_ratio=_ratio(tally.done, tally.total),
        )
        for name, tally in tallies.items()
    ]
    total = sum(stats.total for stats in task_types)
    done = sum(stats.done for stats in task_types)
    return ProjectStats(
        project_id=project_id,
        task_types=task_types,
        total=total,
        done=done,
        done_ratio=_ratio(done, total),
    )
