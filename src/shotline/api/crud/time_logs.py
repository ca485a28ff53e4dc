"""Time spent on tasks: one row per person, task and day.

Logging a second time for the same person, task and day is a 409 (change the
existing log instead): adding minutes silently would hide double entries.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.responses import Response
from sqlalchemy import delete, select

from loadplan.fastapi import PlannedRequest
from shotline.api.crud.common import IdPath, Listing, Reader, crud_router, errors
from shotline.deps import DB
from shotline.errors import Conflict
from shotline.models import Person, Task, TimeLog
from shotline.schemas.crud import TimeLogCreate, TimeLogOut, TimeLogUpdate
from shotline.services import NO_SYNC
from shotline.services.checks import Check, fetch, present, row_exists, verify

router = crud_router("time logs")

time_logs = Reader(TimeLog, TimeLogOut, "time log")
time_log_list = Listing(TimeLog, TimeLogOut)


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
    task_id: IdPath, db: DB, planned: Annotated[PlannedRequest, Depends(time_log_list)]
) -> Response:
    verify(db, present(Task, task_id, "task"))
    return planned.page(db, select(TimeLog).where(TimeLog.task_id == task_id))


@router.post("/tasks/{task_id}/time-logs", status_code=201, responses=errors(404, 409))
def create_time_log(task_id: IdPath, body: TimeLogCreate, db: DB) -> TimeLogOut:
    fetch(
        db,
        Task,
        task_id,
        "task",
        present(Person, body.person_id, "person"),
        _free_day(body.person_id, task_id, body.day),
    )
    log = TimeLog(task_id=task_id, **body.model_dump())
    db.add(log)
    db.flush()
    return time_logs.committed(db, log.id)


@router.get("/time-logs/{time_log_id}", responses=errors(404))
def get_time_log(time_log_id: IdPath, db: DB) -> TimeLogOut:
    return time_logs.one(db, time_log_id)


@router.put("/time-logs/{time_log_id}", responses=errors(404, 409))
def replace_time_log(time_log_id: IdPath, body: TimeLogUpdate, db: DB) -> TimeLogOut:
    """Set the day and minutes of a log (its person and task stay)."""
    log = fetch(db, TimeLog, time_log_id, "time log")
    verify(db, _free_day(log.person_id, log.task_id, body.day, ignore=time_log_id))
    log.day = body.day
    log.minutes = body.minutes
    db.flush()
    return time_logs.committed(db, time_log_id)


@router.delete("/time-logs/{time_log_id}", status_code=204, responses=errors(404))
def delete_time_log(time_log_id: IdPath, db: DB) -> None:
    verify(db, present(TimeLog, time_log_id, "time log"))
    db.execute(delete(TimeLog).where(TimeLog.id == time_log_id), execution_options=NO_SYNC)
    db.commit()
