"""Previews through GraphQL: a task's comments with their files and the
task's thumbnail, one statement per level."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert, select, update

from shotline import models as m
from tests.shotline.graphql.conftest import Api
from tests.shotline.signin import AUTH

pytestmark = pytest.mark.filterwarnings("error::loadplan.UnplannedLoadWarning")

QUERY = """query($id: ID!) { task(id: $id) { thumbnailId
    comments { text previews { filename contentType size width height author { fullName } } } } }"""


def test_a_task_s_comments_with_their_previews(writable: Api) -> None:
    ids = writable.ids
    task = ids.tasks["Lantern/mod"]
    with writable.engine.begin() as connection:
        comment = connection.execute(
            select(m.Comment.id).where(m.Comment.task_id == task)
        ).scalar_one()
        rows = [
            {"comment_id": comment, "task_id": task, "person_id": ids.people["Mira"],
             "filename": name, "content_type": kind, "size": size, "sha256": "a" * 64,
             "width": width, "height": height, "thumbnail_sha256": None,
             "created_at": dt.datetime(2025, 3, 4, tzinfo=dt.UTC)}
            for name, kind, size, width, height in [
                ("v001.png", "image/png", 2048, 640, 360),
                ("v001.mp4", "video/mp4", 3 * 2**31, None, None),
            ]
        ]  # fmt: skip
        connection.execute(insert(m.Preview), rows)
        first = connection.execute(
            select(m.Preview.id).where(m.Preview.filename == "v001.png")
        ).scalar_one()
        connection.execute(update(m.Task).where(m.Task.id == task).values(thumbnail_id=first))
    data, log = writable.data(QUERY, {"id": str(task)})
    assert data == {
        "task": {
            "thumbnailId": str(first),
            "comments": [
                {
                    "text": "Lantern/mod: retake",
                    "previews": [
                        {"filename": "v001.png", "contentType": "image/png", "size": 2048.0,
                         "width": 640, "height": 360, "author": {"fullName": "Mira Okafor"}},
                        # Larger than a 32-bit Int: sizes are Floats.
                        {"filename": "v001.mp4", "contentType": "video/mp4",
                         "size": float(3 * 2**31), "width": None, "height": None,
                         "author": {"fullName": "Mira Okafor"}},
                    ],
                }
            ],
        }
    }  # fmt: skip
    # the task, its comments, their previews (authors joined)
    assert log.count == AUTH + 3
