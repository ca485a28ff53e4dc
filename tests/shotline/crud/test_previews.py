"""Previews on comments: uploads streamed to a content-addressed store,
thumbnails, the files served by the comment's access rule, the limits, and
the task's latest thumbnail on its grid cell."""

from __future__ import annotations

import dataclasses
import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import Engine, delete, insert, select

from shotline.app import create_app
from shotline.models import Comment, Preview, Task
from shotline.settings import MODE_HEADER, Settings
from tests.refusals import refusal
from tests.shotline.crud.support import Production, call, iso, load, scalars, snapshot
from tests.shotline.signin import AUTH


def png(width: int = 640, height: int = 360, color: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "previews"


@pytest.fixture
def uploads(
    crud_engine: Engine,
    production: tuple[Production, Any, dict[str, str]],
    prod: Production,
    store: Path,
    mode: str,
) -> Iterator[TestClient]:
    """The admin's client on an app storing previews in ``store``, whose
    uploads may be 1 MB, without ffmpeg."""
    settings = dataclasses.replace(
        Settings(), preview_dir=str(store), upload_max_bytes=1_000_000, ffmpeg=""
    )
    headers = {**production[2], MODE_HEADER: mode}
    with TestClient(create_app(crud_engine, settings), headers=headers) as client:
        yield client


@pytest.fixture
def comment(crud_engine: Engine, prod: Production) -> int:
    """A comment of Mira's on the lantern's modeling."""
    with crud_engine.begin() as connection:
        return int(
            connection.execute(
                insert(Comment)
                .values(task_id=prod.lantern_modeling, person_id=prod.mira, text="v001")
                .returning(Comment.id)
            ).scalar_one()
        )


def files(store: Path) -> list[str]:
    """Every file under the store, as paths relative to it."""
    return sorted(str(p.relative_to(store)) for p in store.rglob("*") if p.is_file())


def blob(key: str) -> str:
    return f"blobs/{key[:2]}/{key[2:4]}/{key}"


def upload(client: TestClient, comment: int, body: bytes, kind: str, name: str = "v001.png") -> Any:
    return client.post(
        f"/api/comments/{comment}/previews?filename={name}",
        content=body,
        headers={"content-type": kind},
    )


def test_attach_an_image_then_read_and_serve_it(
    uploads: TestClient, crud_engine: Engine, prod: Production, store: Path, comment: int
) -> None:
    image = png()
    answer = call(
        uploads, crud_engine, "POST", f"/api/comments/{comment}/previews?filename=v001.png", None
    )
    assert answer.status == 415  # no content type
    posted = upload(uploads, comment, image, "image/png")
    assert posted.status_code == 201, posted.text
    new = posted.json()["id"]
    stored = load(crud_engine, Preview, new)
    body = {
        "id": new,
        "comment_id": comment,
        "task_id": prod.lantern_modeling,
        "filename": "v001.png",
        "content_type": "image/png",
        "size": len(image),
        "sha256": stored.sha256,
        "width": 640,
        "height": 360,
        "thumbnail_sha256": stored.thumbnail_sha256,
        "created_at": iso(stored.created_at),
        "author": {"id": prod.admin, "first_name": "Sam", "last_name": "Root"},
    }
    assert posted.json() == body
    assert stored.thumbnail_sha256 is not None
    assert files(store) == sorted([blob(stored.sha256), blob(stored.thumbnail_sha256)])
    # The task's grid cell shows it.
    assert load(crud_engine, Task, prod.lantern_modeling).thumbnail_id == new

    served = call(uploads, crud_engine, "GET", f"/api/previews/{new}/file")
    assert served.response.content == image
    assert served.response.headers["content-type"] == "image/png"
    assert served.response.headers["x-content-type-options"] == "nosniff"
    assert served.log.count == AUTH + 1
    thumb = uploads.get(f"/api/previews/{new}/thumbnail")
    assert thumb.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(thumb.content)) as small:
        assert (small.format, small.size) == ("JPEG", (320, 180))

    got = call(uploads, crud_engine, "GET", f"/api/previews/{new}")
    assert (got.json(), got.log.count) == (body, AUTH + 1)
    listed = call(uploads, crud_engine, "GET", f"/api/comments/{comment}/previews")
    assert (listed.json(), listed.log.count) == ({"items": [body]}, AUTH + 1)
    of_task = call(uploads, crud_engine, "GET", f"/api/tasks/{prod.lantern_modeling}/previews")
    assert (of_task.json(), of_task.log.count) == ({"items": [body]}, AUTH + 1)
    with_comment = uploads.get(f"/api/comments/{comment}").json()
    assert with_comment["previews"] == [body]


def test_the_same_file_is_stored_once_and_the_latest_preview_is_the_thumbnail(
    uploads: TestClient, crud_engine: Engine, prod: Production, store: Path, comment: int
) -> None:
    image = png()
    first = upload(uploads, comment, image, "image/png").json()
    second = upload(uploads, comment, image, "image/png", "again.png").json()
    assert first["sha256"] == second["sha256"]
    assert len(files(store)) == 2  # the file and its thumbnail, once
    assert load(crud_engine, Task, prod.lantern_modeling).thumbnail_id == second["id"]
    # A video without ffmpeg has no thumbnail: the image stays the cell's.
    movie = b"\x00\x00\x00\x18ftypmp42" + bytes(1000)
    video = upload(uploads, comment, movie, "video/mp4", "v002.mp4").json()
    assert (video["thumbnail_sha256"], video["width"]) == (None, None)
    assert uploads.get(f"/api/previews/{video['id']}/thumbnail").json() == refusal(
        "not_found", f"thumbnail of preview {video['id']} not found"
    )
    grid = uploads.get(f"/api/projects/{prod.project}/assets?fields=name,task_details.thumbnail_id")
    assert grid.json()["items"][0] == {
        "name": "Brass Lantern",
        "task_details": [{"thumbnail_id": second["id"]}],
    }
    # Deleting previews (or their comment) moves the cell to the latest left.
    assert uploads.delete(f"/api/previews/{second['id']}").status_code == 204
    assert load(crud_engine, Task, prod.lantern_modeling).thumbnail_id == first["id"]
    assert uploads.delete(f"/api/comments/{comment}").status_code == 204
    assert scalars(crud_engine, select(Preview.id)) == []
    assert load(crud_engine, Task, prod.lantern_modeling).thumbnail_id is None


def _unsupported(message: str) -> dict[str, Any]:
    return refusal("unsupported_media_type", message, ["content-type"])


@pytest.mark.parametrize(
    ("body", "content_type", "status", "expected"),
    [
        (b"<svg/>", "image/svg+xml", 415,
         _unsupported("image/svg+xml cannot be attached; send one of image/png, image/jpeg, "
                      "image/gif, image/webp, video/mp4, video/quicktime, video/webm")),
        (b"<html>not a picture</html>", "image/png", 415,
         _unsupported("the file is not image/png")),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "image/png", 415,
         _unsupported("the image cannot be read")),
        # The upload's own limit, not max_body_bytes (1 MiB by default).
        (bytes(1_000_001), "video/mp4", 413,
         refusal("too_large", "the request body is larger than 1000000 bytes")),
    ],
)  # fmt: skip
def test_refused_uploads_leave_no_file_and_no_row(
    uploads: TestClient,
    crud_engine: Engine,
    store: Path,
    comment: int,
    body: bytes,
    content_type: str,
    status: int,
    expected: dict[str, Any],
) -> None:
    before = snapshot(crud_engine)
    answer = upload(uploads, comment, body, content_type)
    assert (answer.status_code, answer.json()) == (status, expected)
    assert snapshot(crud_engine) == before
    assert files(store) == []


def test_a_body_without_a_length_is_cut_at_the_limit(
    uploads: TestClient, crud_engine: Engine, store: Path, comment: int
) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"\x00\x00\x00\x18ftypmp42"
        for _ in range(40):
            yield bytes(64 * 1024)

    before = snapshot(crud_engine)
    answer = uploads.post(
        f"/api/comments/{comment}/previews",
        content=chunks(),
        headers={"content-type": "video/mp4"},
    )
    assert (answer.status_code, answer.json()) == (
        413,
        refusal("too_large", "the request body is larger than 1000000 bytes"),
    )
    assert snapshot(crud_engine) == before
    assert files(store) == []


def test_an_upload_may_be_larger_than_other_request_bodies(
    crud_engine: Engine,
    production: tuple[Production, Any, dict[str, str]],
    store: Path,
    comment: int,
) -> None:
    settings = dataclasses.replace(
        Settings(), preview_dir=str(store), max_body_bytes=1000, upload_max_bytes=10**6, ffmpeg=""
    )
    with TestClient(create_app(crud_engine, settings), headers=production[2]) as client:
        image = png()
        assert len(image) > 1000
        assert upload(client, comment, image, "image/png").status_code == 201
        # Other bodies keep the general limit.
        refused = client.patch(f"/api/comments/{comment}", json={"text": "x" * 2000})
        assert (refused.status_code, refused.json()) == (
            413,
            refusal("too_large", "the request body is larger than 1000 bytes"),
        )


def test_refused_before_reading_the_file(
    uploads: TestClient, crud_engine: Engine, prod: Production, store: Path, comment: int
) -> None:
    missing = upload(uploads, 2_000_000_000, png(), "image/png")
    assert missing.json() == refusal("not_found", "comment 2000000000 not found")
    bad_name = upload(uploads, comment, png(), "image/png", "a%2Fb.png")
    assert bad_name.status_code == 422
    assert files(store) == []


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")
def test_a_video_s_first_frame_is_its_thumbnail(
    crud_engine: Engine,
    production: tuple[Production, Any, dict[str, str]],
    prod: Production,
    store: Path,
    comment: int,
    tmp_path: Path,
) -> None:
    import subprocess

    movie = tmp_path / "clip.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=640x360:rate=24",
         "-t", "1", "-pix_fmt", "yuv420p", str(movie)],
        check=True,
    )  # fmt: skip
    settings = dataclasses.replace(
        Settings(), preview_dir=str(store), ffmpeg=shutil.which("ffmpeg") or ""
    )
    with TestClient(create_app(crud_engine, settings), headers=production[2]) as client:
        answer = upload(client, comment, movie.read_bytes(), "video/mp4", "clip.mp4").json()
    assert (answer["width"], answer["height"]) == (640, 360)
    assert answer["thumbnail_sha256"] is not None


def test_a_comment_deleted_during_the_upload_gets_no_file(
    uploads: TestClient, crud_engine: Engine, store: Path, comment: int
) -> None:
    image = png()

    def chunks() -> Iterator[bytes]:
        yield image[:100]
        # The permission was checked and the connection given back: the
        # comment can go while the file is still arriving.
        with crud_engine.begin() as connection:
            connection.execute(delete(Comment).where(Comment.id == comment))
        yield image[100:]

    answer = uploads.post(
        f"/api/comments/{comment}/previews", content=chunks(), headers={"content-type": "image/png"}
    )
    assert (answer.status_code, answer.json()) == (
        404,
        refusal("not_found", f"comment {comment} not found"),
    )
    assert scalars(crud_engine, select(Preview.id)) == []
    assert files(store) == []
