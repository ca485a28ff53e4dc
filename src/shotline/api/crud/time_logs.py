"""Time spent on tasks: one row per person, task and day.

Logging a second time for the same person, task and day is a 409 (change the
existing log instead): adding minutes silently would hide double entries.
Whoever may work on a task logs their own time on it (a manager of the
project, anyone's); a log is changed by its person (while they may still
work on the task) or a manager. Clients see no time logs.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends
from fastapi.responses import Response
from sqlalchemy import ColumnElement, and_, delete, or_, select, true
from sqlalchemy.orm import Session

from loadplan.fastapi import PlannedRequest
from shotline.access import Principal, can_manage, can_work_on_task
from shotline.api.crud.common import IdPath, Reader, crud_router, errors, listing
from shotline.auth import Me
from shotline.deps import DB
from shotline.errors import Conflict
from shotline.events.changes import changed_fields, time_log_change
from shotline.events.log import Change, record
from shotline.models import Task, TimeLog
from shotline.schemas.crud import TimeLogCreate, TimeLogOut, TimeLogUpdate
from shotline.services import NO_SYNC
from shotline.services.checks import Check, fetch, may, row_exists, seen, sees, verify
from shotline.services.tasks import on_behalf, task_access
from shotline.softdelete import INCLUDE_DELETED

router = crud_router("time logs")

time_logs = Reader(TimeLog, TimeLogOut, "time log")
time_log_list = listing(TimeLog, TimeLogOut)


def _free_day(person_id: int, task_id: int, day: object, ignore: int | None = None) -> Check:
    criteria = [TimeLog.person_id == person_id, TimeLog.task_id == task_id, TimeLog.day == day]
    if ignore is not None:
        criteria.append(TimeLog.id != ignore)
    return Check(
        ~row_exists(TimeLog, *criteria),
        Conflict(f"person {person_id} already logged time on task {task_id} on {day}"),
    )


@router.get(
    "/tasks/{task_id}/time-logs", response_model=time_log_list.page_model, responses=errors(404)
)
def list_time_logs(
    task_id: IdPath,
    db: DB,
    me: Me,
    planned: Annotated[PlannedRequest, Depends(time_log_list)],
) -> Response:
    verify(db, seen(me, Task, task_id, "task"))
    return planned.page(db, select(TimeLog).where(TimeLog.task_id == task_id))


@router.post("/tasks/{task_id}/time-logs", status_code=201, responses=errors(403, 404, 409))
def create_time_log(task_id: IdPath, body: TimeLogCreate, db: DB, me: Me) -> TimeLogOut:
    """Log time on the task: the principal's own, unless ``person_id`` says whose."""
    person_id, checks = on_behalf(me, body.person_id, "log time")
    task = fetch(
        db,
        Task,
        task_id,
        "task",
        *task_access(me, task_id, can_work_on_task(me)),
        *checks,
        _free_day(person_id, task_id, body.day),
    )
    log = TimeLog(task_id=task_id, **{**body.model_dump(), "person_id": person_id})
    db.add(log)
    db.flush()
    payload = {"day": log.day.isoformat(), "minutes": log.minutes}
    record(db, [time_log_change("time_log.created", log, task.project_id, payload)])
    return time_logs.committed(db, me, log.id)


def _time_log_event(db: Session, kind: str, log: TimeLog, payload: dict[str, Any]) -> Change:
    project_id = db.scalar(
        select(Task.project_id)
        .where(Task.id == log.task_id)
        .execution_options(**{INCLUDE_DELETED: True})
    )
    assert project_id is not None
    return time_log_change(kind, log, project_id, payload)


@router.get("/time-logs/{time_log_id}", responses=errors(404))
def get_time_log(time_log_id: IdPath, db: DB, me: Me) -> TimeLogOut:
    return time_logs.one(db, me, time_log_id)


def _editable(me: Principal) -> ColumnElement[bool]:
    """The log's person while they may work on its task, or a manager."""
    if me.is_admin:
        return true()
    return or_(
        TimeLog.task.has(can_manage(me, Task.project_id)),
        and_(TimeLog.person_id == me.person_id, TimeLog.task.has(can_work_on_task(me))),
    )


def _access(me: Principal, time_log_id: int) -> list[Check]:
    return [
        sees(me, TimeLog, time_log_id, "time log"),
        may(_editable(me), f"you may not change time log {time_log_id}"),
    ]


@router.put("/time-logs/{time_log_id}", responses=errors(403, 404, 409))
def replace_time_log(time_log_id: IdPath, body: TimeLogUpdate, db: DB, me: Me) -> TimeLogOut:
    """Set the day and minutes of a log (its person and task stay)."""
    log = fetch(db, TimeLog, time_log_id, "time log", *_access(me, time_log_id))
    verify(db, _free_day(log.person_id, log.task_id, body.day, ignore=time_log_id))
    log.day = body.day
    log.minutes = body.minutes
    changes = changed_fields(log, ("day", "minutes"))
    db.flush()
    if changes:
        record(db, [_time_log_event(db, "time_log.updated", log, {"changes": changes})])
    return time_logs.committed(db, me, time_log_id)


@router.delete("/time-logs/{time_log_id}", status_code=204, responses=errors(403, 404))
def delete_time_log(time_log_id: IdPath, db: DB, me: Me) -> None:
    log = fetch(db, TimeLog, time_log_id, "time log", *_access(me, time_log_id))
    event = _time_log_event(db, "time_log.deleted", log, {})
    db.execute(delete(TimeLog).where(TimeLog.id == time_log_id), execution_options=NO_SYNC)
    record(db, [event])
    db.commit()
