"""Previews: images and videos attached to comments.

``POST /comments/{id}/previews`` takes the file itself as the request body
(its media type in ``Content-Type``, its name in ``?filename=``), streamed
to disk as it arrives: memory stays flat whatever the file's size. Refused
before anything is stored: a type that cannot be attached or whose first
bytes say otherwise (415), a file over ``upload_max_bytes`` (413, from its
``Content-Length`` at once, or as soon as a body without one passes the
limit: this route's limit of :class:`~shotline.body_limit.BodySizeLimit`). A failed or interrupted upload leaves neither a file nor a row.

Files are served only to whoever may read their comment (clients never
see those of internal comments): ``/previews/{id}/file`` and
``/previews/{id}/thumbnail`` check the preview's access rule, then stream
from the store.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from loadplan.fastapi import PlannedRequest
from shotline.access import Principal
from shotline.api.crud.common import IdPath, Reader, crud_router, errors, listing
from shotline.auth import Me
from shotline.deps import DB, AppSettings
from shotline.errors import BadRequest, NotFound
from shotline.models import Comment, Preview, Task
from shotline.schemas.crud import PreviewOut
from shotline.schemas.errors import ErrorBody
from shotline.services import previews as service
from shotline.services.checks import fetch, seen, sees, verify
from shotline.settings import Settings
from shotline.storage import BlobStore, Incoming, LocalStore

router = crud_router("previews")

previews = Reader(Preview, PreviewOut, "preview")
preview_list = listing(Preview, PreviewOut)
task_preview_list = listing(Preview, PreviewOut, default_order="-id")

WRITE_BYTES = 1024 * 1024
"""Received chunks are written to disk in batches of about this size (one
worker-thread hop each, rather than one per network read)."""


@cache
def _store(root: str) -> LocalStore:
    return LocalStore(root)


def store_of(settings: Settings) -> BlobStore:
    """The store of the app's settings."""
    return _store(settings.preview_dir)


@router.get(
    "/comments/{comment_id}/previews", response_model=preview_list.page_model, responses=errors(404)
)
def list_comment_previews(
    comment_id: IdPath,
    db: DB,
    me: Me,
    planned: Annotated[PlannedRequest, Depends(preview_list)],
) -> Response:
    """The files attached to the comment, in the order they were attached."""
    stmt = select(Preview).where(Preview.comment_id == comment_id)
    return planned.page(db, stmt, lambda: verify(db, seen(me, Comment, comment_id, "comment")))


@router.get(
    "/tasks/{task_id}/previews", response_model=task_preview_list.page_model, responses=errors(404)
)
def list_task_previews(
    task_id: IdPath,
    db: DB,
    me: Me,
    planned: Annotated[PlannedRequest, Depends(task_preview_list)],
) -> Response:
    """Every file attached to the task's comments that the principal may
    see, newest first unless ``order`` says otherwise."""
    stmt = select(Preview).where(Preview.task_id == task_id)
    return planned.page(db, stmt, lambda: verify(db, seen(me, Task, task_id, "task")))


async def _receive(request: Request, incoming: Incoming) -> None:
    """Stream the body into ``incoming`` (a 400 if the client goes away:
    nobody reads it, but nothing is logged as a server error). The body's
    size is bounded by :class:`shotline.body_limit.BodySizeLimit`, with this
    route's own limit, ``upload_max_bytes``: its 413 ends the reading here."""
    pending = bytearray()
    try:
        async for chunk in request.stream():
            pending += chunk
            if len(pending) >= WRITE_BYTES:
                await run_in_threadpool(incoming.write, bytes(pending))
                pending.clear()
    except ClientDisconnect:
        raise BadRequest("file", "the upload was interrupted") from None
    if pending:
        await run_in_threadpool(incoming.write, bytes(pending))
    await run_in_threadpool(incoming.close)


def _check(db: Session, me: Principal, comment_id: int) -> None:
    """Refuse at once what would be refused after the upload (404, 403), then
    give the connection back: receiving may take minutes."""
    service.attachable(db, me, comment_id)
    db.rollback()


def _record(
    db: Session,
    me: Principal,
    store: BlobStore,
    comment_id: int,
    incoming: Incoming,
    name: str,
    filename: str,
    ffmpeg: str,
) -> PreviewOut:
    # Checked again in the transaction that writes: the comment may have
    # gone, or the principal's rights, while the file was arriving.
    comment = service.attachable(db, me, comment_id)
    with incoming.path.open("rb") as head:
        service.check_head(name, head.read(service.HEAD_BYTES))
    picture = service.thumbnail(name, incoming.path, ffmpeg)
    preview, created = service.attach(db, me, store, comment, incoming, name, filename, picture)
    try:
        return previews.committed(db, me, preview.id)
    except BaseException:
        service.forget(db, store, created)
        raise


@router.post(
    "/comments/{comment_id}/previews",
    status_code=201,
    responses={
        413: {"model": ErrorBody, "description": "The file is larger than upload_max_bytes."},
        415: {"model": ErrorBody, "description": "A type that cannot be attached."},
        **errors(403, 404),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                name: {"schema": {"type": "string", "format": "binary"}}
                for name in service.MEDIA_TYPES
            },
        }
    },
)
async def upload_preview(
    comment_id: IdPath,
    request: Request,
    db: DB,
    me: Me,
    settings: AppSettings,
    filename: Annotated[
        str, Query(min_length=1, max_length=255, pattern=r"^[^/\\\x00-\x1f]+$")
    ] = "preview",
) -> PreviewOut:
    """Attach the request body, a file of the type in ``Content-Type``, to
    the comment; answers the preview (its thumbnail made when possible)."""
    name = service.media_type(request.headers.get("content-type"))
    await run_in_threadpool(_check, db, me, comment_id)
    store = store_of(settings)
    incoming = await run_in_threadpool(store.receive)
    try:
        await _receive(request, incoming)
        return await run_in_threadpool(
            _record, db, me, store, comment_id, incoming, name, filename, settings.ffmpeg
        )
    finally:
        # Kept files were moved away: this removes only what was not kept.
        await run_in_threadpool(incoming.discard)


@router.get("/previews/{preview_id}", responses=errors(404))
def get_preview(preview_id: IdPath, db: DB, me: Me) -> PreviewOut:
    return previews.one(db, me, preview_id)


def _served(db: Session, me: Principal, preview_id: int) -> Preview:
    return fetch(db, Preview, preview_id, "preview", sees(me, Preview, preview_id, "preview"))


HEADERS = {
    # Files are shown as the type they were checked to be, nothing else.
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "private, max-age=86400",
}


@router.get(
    "/previews/{preview_id}/file",
    response_class=Response,
    responses={200: {"content": {name: {} for name in service.MEDIA_TYPES}}, **errors(404)},
)
def get_preview_file(preview_id: IdPath, db: DB, me: Me, settings: AppSettings) -> Response:
    """The file itself (``Range`` requests answered, for video players)."""
    preview = _served(db, me, preview_id)
    disposition = {"Content-Disposition": f'inline; filename="{preview.filename}"'}
    return store_of(settings).serve(
        preview.sha256, preview.content_type, {**HEADERS, **disposition}
    )


@router.get(
    "/previews/{preview_id}/thumbnail",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}}, **errors(404)},
)
def get_preview_thumbnail(preview_id: IdPath, db: DB, me: Me, settings: AppSettings) -> Response:
    """The preview's thumbnail, a JPEG that fits in 320 x 320."""
    preview = _served(db, me, preview_id)
    if preview.thumbnail_sha256 is None:
        raise NotFound("thumbnail of preview", preview_id)
    return store_of(settings).serve(preview.thumbnail_sha256, "image/jpeg", HEADERS)


@router.delete("/previews/{preview_id}", status_code=204, responses=errors(403, 404))
def delete_preview(preview_id: IdPath, db: DB, me: Me) -> None:
    """Take the file off its comment (by whoever may change the comment)."""
    service.delete_preview(db, me, preview_id)
    db.commit()
