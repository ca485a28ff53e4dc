"""Comments on tasks, optionally changing the task's status.

A comment that changed a status is the record of that change, so it cannot
be deleted (its text can still be corrected); other comments can.
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
from shotline.models import Comment, Task
from shotline.schemas.crud import CommentCreate, CommentOut, CommentUpdate
from shotline.services import NO_SYNC
from shotline.services import tasks as service
from shotline.services.checks import Check, fetch, present, verify

router = crud_router("comments")

comments = Reader(Comment, CommentOut, "comment")
comment_list = Listing(Comment, CommentOut)


@router.get(
    "/tasks/{task_id}/comments", response_model=comment_list.page_model, responses=errors(404)
)
def list_comments(
    task_id: IdPath, db: DB, planned: Annotated[PlannedRequest, Depends(comment_list)]
) -> Response:
    """The task's comments, oldest first unless ``order`` says otherwise."""
    verify(db, present(Task, task_id, "task"))
    return planned.page(db, select(Comment).where(Comment.task_id == task_id))


@router.post("/tasks/{task_id}/comments", status_code=201, responses=errors(400, 404))
def create_comment(task_id: IdPath, body: CommentCreate, db: DB) -> CommentOut:
    """Comment on the task; with ``task_status_id``, also set the task's
    status (and ``updated_at``) in the same transaction."""
    note = service.add_comment(db, task_id, body.person_id, body.text, body.task_status_id)
    return comments.committed(db, note.id)


@router.get("/comments/{comment_id}", responses=errors(404))
def get_comment(comment_id: IdPath, db: DB) -> CommentOut:
    return comments.one(db, comment_id)


@router.patch("/comments/{comment_id}", responses=errors(404))
def update_comment(comment_id: IdPath, body: CommentUpdate, db: DB) -> CommentOut:
    """Correct the text (a status change a comment made stays as it was)."""
    note = fetch(db, Comment, comment_id, "comment")
    note.text = body.text
    db.flush()
    return comments.committed(db, comment_id)


@router.delete("/comments/{comment_id}", status_code=204, responses=errors(404, 409))
def delete_comment(comment_id: IdPath, db: DB) -> None:
    fetch(
        db,
        Comment,
        comment_id,
        "comment",
        Check(
            Comment.task_status_id.is_(None),
            Conflict(f"comment {comment_id} records a status change: it cannot be deleted"),
        ),
    )
    db.execute(delete(Comment).where(Comment.id == comment_id), execution_options=NO_SYNC)
    db.commit()
