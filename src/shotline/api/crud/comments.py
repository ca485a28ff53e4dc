"""Comments on tasks, optionally changing the task's status.

A comment that changed a status is the record of that change, so it cannot
be deleted (its text can still be corrected); other comments can. Whoever
may work on a task comments on it; a comment is corrected or deleted by its
author (while they may still work on the task) or a manager of the project.
Clients do not see internal comments.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.responses import Response
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from loadplan.fastapi import PlannedRequest
from shotline.access import Principal, can_change_comment
from shotline.api.crud.common import IdPath, Reader, crud_router, errors, listing
from shotline.auth import Me
from shotline.deps import DB
from shotline.errors import Conflict
from shotline.events.changes import comment_change
from shotline.events.log import Change, record
from shotline.models import Comment, Task
from shotline.schemas.crud import CommentCreate, CommentOut, CommentUpdate
from shotline.services import NO_SYNC, previews
from shotline.services import tasks as service
from shotline.services.checks import Check, fetch, may, seen, sees, verify
from shotline.softdelete import INCLUDE_DELETED

router = crud_router("comments")

comments = Reader(Comment, CommentOut, "comment")
comment_list = listing(Comment, CommentOut)


@router.get(
    "/tasks/{task_id}/comments", response_model=comment_list.page_model, responses=errors(404)
)
def list_comments(
    task_id: IdPath,
    db: DB,
    me: Me,
    planned: Annotated[PlannedRequest, Depends(comment_list)],
) -> Response:
    """The task's comments, oldest first unless ``order`` says otherwise."""
    verify(db, seen(me, Task, task_id, "task"))
    return planned.page(db, select(Comment).where(Comment.task_id == task_id))


@router.post("/tasks/{task_id}/comments", status_code=201, responses=errors(400, 403, 404))
def create_comment(task_id: IdPath, body: CommentCreate, db: DB, me: Me) -> CommentOut:
    """Comment on the task; with ``task_status_id``, also set the task's
    status (and ``updated_at``) in the same transaction."""
    _, note = service.add_comment(
        db, me, task_id, body.person_id, body.text, body.task_status_id, body.internal
    )
    return comments.committed(db, me, note.id)


@router.get("/comments/{comment_id}", responses=errors(404))
def get_comment(comment_id: IdPath, db: DB, me: Me) -> CommentOut:
    return comments.one(db, me, comment_id)


def _access(me: Principal, comment_id: int) -> list[Check]:
    return [
        sees(me, Comment, comment_id, "comment"),
        may(can_change_comment(me), f"you may not change comment {comment_id}"),
    ]


@router.patch("/comments/{comment_id}", responses=errors(403, 404))
def update_comment(comment_id: IdPath, body: CommentUpdate, db: DB, me: Me) -> CommentOut:
    """Correct the text (a status change a comment made stays as it was)."""
    note = fetch(db, Comment, comment_id, "comment", *_access(me, comment_id))
    note.text = body.text
    db.flush()
    record(db, [_comment_event(db, "comment.updated", note)])
    return comments.committed(db, me, comment_id)


def _comment_event(db: Session, kind: str, note: Comment) -> Change:
    project_id, entity_id = db.execute(
        select(Task.project_id, Task.entity_id)
        .where(Task.id == note.task_id)
        .execution_options(**{INCLUDE_DELETED: True})
    ).one()
    return comment_change(kind, note, project_id, entity_id)


@router.delete("/comments/{comment_id}", status_code=204, responses=errors(403, 404, 409))
def delete_comment(comment_id: IdPath, db: DB, me: Me) -> None:
    """Delete the comment with its previews (its task's thumbnail follows)."""
    note = fetch(
        db,
        Comment,
        comment_id,
        "comment",
        *_access(me, comment_id),
        Check(
            Comment.task_status_id.is_(None),
            Conflict(f"comment {comment_id} records a status change: it cannot be deleted"),
        ),
    )
    event = _comment_event(db, "comment.deleted", note)
    db.execute(delete(Comment).where(Comment.id == comment_id), execution_options=NO_SYNC)
    previews.refresh_thumbnails(db, [note.task_id])
    record(db, [event])
    db.commit()
