"""Previews: files attached to comments, their thumbnails, and each task's
latest thumbnail.

Whoever may change a comment (its author while they may still work on its
task, or a manager of the project) attaches files to it. A file is checked
(its declared type is one of :data:`MEDIA_TYPES` and its first bytes say
the same), streamed to the store, and thumbnailed: an image with Pillow, a
video's first frame with ffmpeg where it is installed (none otherwise).
Only then is its row written; if anything fails, the file is discarded and
nothing is written. Each task keeps the id of its latest preview with a
thumbnail (and of the latest a client may see), so grids read a column.
"""

from __future__ import annotations

import io
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import exists, func, not_, select, update
from sqlalchemy.orm import Session

from shotline.access import Principal, can_change_comment
from shotline.errors import UnsupportedType
from shotline.events.log import Change, record
from shotline.models import Comment, Preview, Task
from shotline.services import NO_SYNC
from shotline.services.checks import fetch, may, sees
from shotline.softdelete import INCLUDE_DELETED
from shotline.storage import BlobStore, Incoming

THUMBNAIL_SIZE = (320, 320)
"""The box a thumbnail fits in (a grid cell shows it smaller still)."""
MAX_PIXELS = 120_000_000
"""Images larger than this get no thumbnail: decoding one would take more
memory than a server should spend on a picture (a 16K frame is 140 MP... and
is not what a review shares)."""
FFMPEG_SECONDS = 30


@dataclass(frozen=True)
class MediaType:
    kind: str  # "image" or "video"
    signatures: tuple[tuple[int, bytes], ...]
    """(offset, bytes) any of which the file starts with."""

    def matches(self, head: bytes) -> bool:
        return any(head[offset : offset + len(magic)] == magic for offset, magic in self.signatures)


MEDIA_TYPES = {
    "image/png": MediaType("image", ((0, b"\x89PNG\r\n\x1a\n"),)),
    "image/jpeg": MediaType("image", ((0, b"\xff\xd8\xff"),)),
    "image/gif": MediaType("image", ((0, b"GIF87a"), (0, b"GIF89a"))),
    "image/webp": MediaType("image", ((8, b"WEBP"),)),
    "video/mp4": MediaType("video", ((4, b"ftyp"),)),
    "video/quicktime": MediaType(
        "video", tuple((4, atom) for atom in (b"ftyp", b"moov", b"mdat", b"wide", b"free"))
    ),
    "video/webm": MediaType("video", ((0, b"\x1a\x45\xdf\xa3"),)),
}
"""What may be attached: images browsers show, and the usual review movies."""
HEAD_BYTES = 16
"""How much of a file its type is told from."""


def media_type(declared: str | None) -> str:
    """The upload's media type from its ``Content-Type``, or a 415."""
    name = (declared or "").split(";")[0].strip().lower()
    if name not in MEDIA_TYPES:
        raise UnsupportedType(
            "content-type",
            f"{name or 'no content type'} cannot be attached; send one of {', '.join(MEDIA_TYPES)}",
        )
    return name


def check_head(name: str, head: bytes) -> None:
    """The file's first bytes are those of its declared type, or a 415."""
    if not MEDIA_TYPES[name].matches(head):
        raise UnsupportedType("content-type", f"the file is not {name}")


def attachable(session: Session, me: Principal, comment_id: int) -> Comment:
    """The comment, if the principal may attach files to it (404, 403)."""
    return fetch(
        session,
        Comment,
        comment_id,
        "comment",
        sees(me, Comment, comment_id, "comment"),
        may(can_change_comment(me), f"you may not change comment {comment_id}"),
    )


@dataclass(frozen=True)
class Picture:
    """A thumbnail made of a file, and the file's own size when known."""

    jpeg: bytes | None
    width: int | None = None
    height: int | None = None


def _jpeg(image: Image.Image) -> bytes:
    image = ImageOps.exif_transpose(image)
    image.thumbnail(THUMBNAIL_SIZE)
    if image.mode != "RGB":
        # Transparency over a neutral grey, as review tools show it.
        background = Image.new("RGB", image.size, (128, 128, 128))
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def image_thumbnail(path: Path) -> Picture:
    """The thumbnail of an image file, or a 415 if Pillow cannot read it."""
    try:
        with Image.open(path) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                return Picture(None, width, height)
            image.draft("RGB", THUMBNAIL_SIZE)  # JPEG: decode at a fraction of the size
            return Picture(_jpeg(image), width, height)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise UnsupportedType("content-type", "the image cannot be read") from None


def image_thumbnail_bytes(data: bytes) -> bytes:
    """The JPEG thumbnail of an image held in memory (a small one: the demo's)."""
    with Image.open(io.BytesIO(data)) as image:
        return _jpeg(image)


def video_thumbnail(path: Path, ffmpeg: str) -> Picture:
    """The first frame of a video as a thumbnail, if ffmpeg is installed and
    can read it; no thumbnail otherwise (the video is still attached)."""
    if not ffmpeg or not Path(ffmpeg).is_file():
        return Picture(None)
    try:
        frame = subprocess.run(
            [ffmpeg, "-v", "error", "-nostdin", "-i", str(path), "-frames:v", "1",
             "-f", "image2pipe", "-c:v", "png", "pipe:1"],
            capture_output=True,
            timeout=FFMPEG_SECONDS,
            check=True,
        ).stdout  # fmt: skip
        with Image.open(io.BytesIO(frame)) as image:
            width, height = image.size
            return Picture(_jpeg(image), width, height)
    except (subprocess.SubprocessError, OSError, UnidentifiedImageError):
        return Picture(None)


def thumbnail(name: str, path: Path, ffmpeg: str) -> Picture:
    if MEDIA_TYPES[name].kind == "image":
        return image_thumbnail(path)
    return video_thumbnail(path, ffmpeg)


def _store_bytes(store: BlobStore, data: bytes) -> tuple[str, bool]:
    incoming = store.receive()
    try:
        incoming.write(data)
        incoming.close()
        return incoming.digest(), incoming.keep()
    except BaseException:
        incoming.discard()
        raise


def attach(
    session: Session,
    me: Principal,
    store: BlobStore,
    comment: Comment,
    incoming: Incoming,
    name: str,
    filename: str,
    picture: Picture,
) -> tuple[Preview, list[str]]:
    """Keep the file and its thumbnail in the store and record the preview
    (flushed, not committed). Returns it with the keys this call created,
    which the caller removes if the transaction then fails."""
    created: list[str] = []
    thumbnail_key = None
    try:
        if picture.jpeg is not None:
            thumbnail_key, new = _store_bytes(store, picture.jpeg)
            created += [thumbnail_key] if new else []
        key = incoming.digest()
        if incoming.keep():
            created.append(key)
        preview = Preview(
            comment_id=comment.id,
            task_id=comment.task_id,
            person_id=me.person_id,
            filename=filename,
            content_type=name,
            size=incoming.size,
            sha256=key,
            width=picture.width,
            height=picture.height,
            thumbnail_sha256=thumbnail_key,
        )
        session.add(preview)
        session.flush()
        refresh_thumbnails(session, [comment.task_id])
        record(session, [preview_change(session, "preview.created", preview, comment.internal)])
    except BaseException:
        forget(session, store, created)
        raise
    return preview, created


def forget(session: Session, store: BlobStore, keys: Sequence[str]) -> None:
    """After a failed write: remove the blobs it created that no committed
    preview uses (an identical upload may have committed in between)."""
    session.rollback()
    for key in keys:
        used = session.scalar(
            select(exists().where((Preview.sha256 == key) | (Preview.thumbnail_sha256 == key)))
        )
        if not used:
            store.remove(key)


def refresh_thumbnails(session: Session, task_ids: Sequence[int]) -> None:
    """Point each task at its latest preview with a thumbnail (and its
    latest on a comment that is not internal): one UPDATE."""
    latest = (
        select(func.max(Preview.id))
        .where(Preview.task_id == Task.id, Preview.thumbnail_sha256.is_not(None))
        .correlate(Task)
    )
    public = latest.where(exists().where(Comment.id == Preview.comment_id, not_(Comment.internal)))
    session.execute(
        update(Task)
        .where(Task.id.in_(task_ids))
        .values(
            thumbnail_id=latest.scalar_subquery(),
            public_thumbnail_id=public.scalar_subquery(),
            # Bookkeeping, not a change of the task: updated_at stays.
            updated_at=Task.updated_at,
        ),
        execution_options=NO_SYNC,
    )


def delete_preview(session: Session, me: Principal, preview_id: int) -> None:
    """Take a file off its comment (the blob stays until pruned: another
    preview may share it)."""
    preview = fetch(
        session,
        Preview,
        preview_id,
        "preview",
        sees(me, Preview, preview_id, "preview"),
        may(
            Preview.comment.has(can_change_comment(me)),
            f"you may not change preview {preview_id}",
        ),
    )
    task_id = preview.task_id
    internal = session.scalar(select(Comment.internal).where(Comment.id == preview.comment_id))
    session.delete(preview)
    session.flush()
    refresh_thumbnails(session, [task_id])
    record(session, [preview_change(session, "preview.deleted", preview, bool(internal))])


def preview_change(session: Session, kind: str, preview: Preview, internal: bool) -> Change:
    """A preview's event, about its task (whose thumbnail it may change):
    clients do not receive those of internal comments."""
    project_id, entity_id = session.execute(
        select(Task.project_id, Task.entity_id)
        .where(Task.id == preview.task_id)
        .execution_options(**{INCLUDE_DELETED: True})
    ).one()
    return Change(
        kind,
        project_id=project_id,
        entity_id=entity_id,
        task_id=preview.task_id,
        comment_id=preview.comment_id,
        restricted=internal,
        payload={"preview_id": preview.id, "filename": preview.filename},
    )


def unused_keys(session: Session, keys: Sequence[str]) -> list[str]:
    """The ``keys`` no preview uses (files or thumbnails): blobs to prune."""
    if not keys:
        return []
    used = set(session.scalars(select(Preview.sha256).where(Preview.sha256.in_(keys)))) | set(
        session.scalars(select(Preview.thumbnail_sha256).where(Preview.thumbnail_sha256.in_(keys)))
    )
    return [key for key in keys if key not in used]
